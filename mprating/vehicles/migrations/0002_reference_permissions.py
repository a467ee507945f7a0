"""Managers keep the vehicle reference up to date; operators see it (issues 3 and 5).

The reference is needed to check the catalog's applicability, and the back office import
«Справочник автомобилей» needs `add` and `change` on its four models. Until the vehicle app was
split out of the garage these rights were granted with the catalog's (same codenames, app label
`garage` then). Same pattern as `accounts/0002_roles`: create the permissions first
(post_migrate runs only after all migrations), then add them to the groups by name.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

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



class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0001_initial"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_permissions(_grants())]
