"""Grant the roles their rights on marketplace accounts (the pattern of accounts/0002_roles).

Operators («Операторы бэкофиса») manage accounts and buyouts and may «Войти вручную»; managers
(«Менеджеры магазина») see them. The targets and the buyout → line status table are edited by
a superuser only (nobody is granted their change permission).
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

VIEW = [
    ("marketplaces", "view_marketplaceaccount"),
    ("marketplaces", "view_accounthistory"),
    ("marketplaces", "view_buyout"),
    ("marketplaces", "view_buyouthistory"),
    ("marketplaces", "view_marketplacesettings"),
    ("marketplaces", "view_buyoutlinestatus"),
]

GRANTS = {
    "Операторы бэкофиса": [
        *VIEW,
        ("marketplaces", "add_marketplaceaccount"),
        ("marketplaces", "change_marketplaceaccount"),
        ("marketplaces", "login_manually"),
        ("marketplaces", "add_buyout"),
        ("marketplaces", "change_buyout"),
    ],
    "Менеджеры магазина": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("marketplaces", "0002_buyout_line_statuses"),
    ]

    operations = [grant_permissions(GRANTS)]
