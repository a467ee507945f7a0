"""Managers process VIN requests: «обрабатывать VIN-запросы» (seed 004, issue 5).

Seed 004: VIN requests are seen in «Документы → VIN-запросы» of the back office «только
менеджерам, которым предоставлено право обрабатывать VIN-запросы». The group «Менеджеры
магазина» gets that right; a superuser may take it away from the group or give it to single
staff members. Same pattern as `accounts/0002_roles`: create the permissions first (post_migrate
runs only after all migrations), then add them to the group by name.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGERS = "Менеджеры магазина"
GRANTS = [
    ("garage", "process_vinrequest"),
    ("catalog", "view_product"),  # the autocomplete of «Бренд, Артикул» pairs
]


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MANAGERS)
    for app_label, codename in GRANTS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MANAGERS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="garage", codename="process_vinrequest"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("garage", "0001_initial"),
        ("accounts", "0002_roles"),
        ("catalog", "0002_catalog_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
