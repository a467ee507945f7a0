"""Managers keep the vehicle reference up to date; operators see it (issues 3 and 5).

The reference is needed to check the catalog's applicability, and the back office import
«Справочник автомобилей» needs `add` and `change` on its four models. Until the vehicle app was
split out of the garage these rights were granted with the catalog's (same codenames, app label
`garage` then). Same pattern as `accounts/0002_roles`: create the permissions first
(post_migrate runs only after all migrations), then add them to the groups by name.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGERS = "Менеджеры магазина"
OPERATORS = "Операторы бэкофиса"

REFERENCE_MODELS = ["make", "vehiclemodel", "generation", "modification"]


def _grants() -> dict[str, list[tuple[str, str]]]:
    manager = [
        ("vehicles", f"{verb}_{model}")
        for model in REFERENCE_MODELS
        for verb in ("view", "add", "change")
    ]
    operator = [("vehicles", f"view_{model}") for model in REFERENCE_MODELS]
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
        ("vehicles", "0001_initial"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
