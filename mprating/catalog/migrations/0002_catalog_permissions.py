"""Managers import and edit the catalog; operators see it (issue 3, DESIGN.md §2).

Same pattern as `accounts/0002_roles`: create the permissions first (post_migrate runs only
after all migrations), then add them to the groups by name. The rights on the vehicle reference
(needed to check applicability) are granted by `vehicles/0002_reference_permissions`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGERS = "Менеджеры магазина"
OPERATORS = "Операторы бэкофиса"

CATALOG_MODELS = [
    "brand",
    "brandalias",
    "category",
    "product",
    "applicability",
    "warehouse",
    "offer",
    "crosslink",
    "importjob",
    "importrejectedrow",
]


def _grants() -> dict[str, list[tuple[str, str]]]:
    manager = [
        ("catalog", f"{verb}_{model}")
        for model in CATALOG_MODELS
        for verb in ("view", "add", "change", "delete")
    ]
    operator = [("catalog", f"view_{model}") for model in CATALOG_MODELS]
    return {MANAGERS: manager, OPERATORS: operator}


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in _grants().items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in _grants().items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in codenames:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
