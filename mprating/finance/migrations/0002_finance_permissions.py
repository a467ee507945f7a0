"""Grant the roles their rights on finance (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») correct balances and set credit limits; operators
(«Операторы бэкофиса») see ledger entries, balances, credit limit history and statements.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

VIEW = [
    ("finance", "view_ledgerentry"),
    ("finance", "view_clientaccount"),
    ("finance", "view_creditlimitchange"),
    ("finance", "view_statement"),
]

GRANTS = {
    "Операторы бэкофиса": VIEW,
    "Менеджеры магазина": [
        *VIEW,
        ("finance", "correct_balance"),
        ("finance", "change_credit_limit"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("finance", "0001_initial"),
    ]

    operations = [grant_permissions(GRANTS)]
