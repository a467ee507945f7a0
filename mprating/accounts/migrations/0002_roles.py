"""Roles as groups with permissions (DESIGN.md §2).

Later apps grant their own permissions in their own migrations with the same pattern:
create the permissions first (post_migrate runs only after all migrations), then add them
to the groups by name.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Клиенты", "Операторы бэкофиса", "Менеджеры магазина", "Владельцы ПВЗ"]

GRANTS = {
    "Операторы бэкофиса": [
        ("accounts", "view_client"),
        ("accounts", "change_client_status"),
        ("accounts", "view_clientstatuschange"),
    ],
    "Менеджеры магазина": [("accounts", "view_client")],
}


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for group_name, codenames in GRANTS.items():
        group = Group.objects.get(name=group_name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
