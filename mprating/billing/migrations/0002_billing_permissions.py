"""Grant the roles their rights on «Монетизация» (the pattern of accounts/0002_roles).

Operators («Операторы бэкофиса», seed 000 «Монетизация») manage packages and purchases: create
and change packages, put them on sale or take them off, confirm invoice payments, cancel
unpaid purchases. Managers see packages, purchases and the revenue.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

VIEW = [
    ("billing", "view_package"),
    ("billing", "view_packagepurchase"),
    ("billing", "view_packagechange"),
    ("billing", "view_purchasechange"),
]

GRANTS = {
    "Операторы бэкофиса": [
        *VIEW,
        ("billing", "add_package"),
        ("billing", "change_package"),
        ("billing", "delete_package"),
        ("billing", "change_packagepurchase"),
    ],
    "Менеджеры магазина": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("billing", "0001_initial"),
    ]

    operations = [grant_permissions(GRANTS)]
