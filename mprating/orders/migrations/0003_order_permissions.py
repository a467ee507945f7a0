"""Grant the roles their rights on orders (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») run «Управление заявками» and «Настройки → Статусы»: they
change line statuses, confirm or decline refusals and edit the statuses. Operators see the
orders, their lines, history and the statuses.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

VIEW = [
    ("orders", "view_order"),
    ("orders", "view_orderline"),
    ("orders", "view_orderstatus"),
    ("orders", "view_statuschange"),
]

GRANTS = {
    "Операторы бэкофиса": VIEW,
    "Менеджеры магазина": [
        *VIEW,
        ("orders", "change_order"),
        ("orders", "change_orderline"),
        ("orders", "add_orderstatus"),
        ("orders", "change_orderstatus"),
        ("orders", "delete_orderstatus"),
    ],
}



class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("orders", "0002_default_statuses"),
    ]

    operations = [grant_permissions(GRANTS)]
