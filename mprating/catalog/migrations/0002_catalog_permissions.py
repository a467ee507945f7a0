"""Managers import and edit the catalog; operators see it (issue 3, DESIGN.md §2).

Same pattern as `accounts/0002_roles`: create the permissions first (post_migrate runs only
after all migrations), then add them to the groups by name. The rights on the vehicle reference
(needed to check applicability) are granted by `vehicles/0002_reference_permissions`.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

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



class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_permissions(_grants())]
