"""Grant the roles their rights on «Монетизация» (the pattern of accounts/0002_roles).

Operators («Операторы бэкофиса», seed 000 «Монетизация») manage packages and purchases: create
and change packages, put them on sale or take them off, confirm invoice payments, cancel
unpaid purchases. Managers see packages, purchases and the revenue.
"""

from django.db import migrations

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
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="billing", codename__in=[c for _, c in codenames]
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("billing", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
