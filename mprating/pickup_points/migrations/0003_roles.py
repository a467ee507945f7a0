"""Seed 000 «Подключенные ПВЗ»: operators manage the points (create, edit, switch off, delete,
owners), managers see them (the pattern of accounts 0002_roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Операторы бэкофиса": [
        "view_pickuppoint",
        "add_pickuppoint",
        "change_pickuppoint",
        "delete_pickuppoint",
        "view_pickuppointchange",
        "view_pickuppointowner",
    ],
    "Менеджеры магазина": ["view_pickuppoint", "view_pickuppointchange"],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="pickup_points", codename__in=codenames
            )
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="pickup_points", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("pickup_points", "0002_owners_invitations_history"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
