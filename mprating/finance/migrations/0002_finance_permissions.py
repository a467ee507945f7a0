"""Grant the roles their rights on finance (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») correct balances and set credit limits; operators
(«Операторы бэкофиса») see ledger entries, balances, credit limit history and statements.
"""

from django.db import migrations

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


def ensure_permissions(apps) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="finance", codename__in=[c for _, c in codenames]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("finance", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
