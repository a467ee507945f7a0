"""Grant the roles their rights on returns (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») work the queue of returns — change a return's status (which the
admin does only through its actions) — and edit the list of reasons. Operators see the
returns, their history and the reasons.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

VIEW = [
    ("returns", "view_returnrequest"),
    ("returns", "view_returnstatuschange"),
    ("returns", "view_returnreason"),
    ("returns", "view_returnphoto"),
]

GRANTS = {
    "Операторы бэкофиса": VIEW,
    "Менеджеры магазина": [
        *VIEW,
        ("returns", "change_returnrequest"),
        ("returns", "add_returnreason"),
        ("returns", "change_returnreason"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("returns", "0002_default_reasons"),
    ]

    operations = [grant_permissions(GRANTS)]
