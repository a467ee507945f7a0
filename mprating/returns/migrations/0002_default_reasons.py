"""The reasons of «Создать возврат» a new shop starts with; managers edit the list later.

«Брак» and «Повреждение при доставке» do not go back on sale by default («вернуть на склад» off).
Idempotent (get_or_create by name): safe to run again.
"""

from django.db import migrations

# name, restock by default, sort order
REASONS = [
    ("Брак", False, 10),
    ("Не подошло", True, 20),
    ("Пересорт", True, 30),
    ("Повреждение при доставке", False, 40),
    ("Другое", True, 90),
]


def create_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("returns", "ReturnReason")
    for name, restock, sort_order in REASONS:
        ReturnReason.objects.get_or_create(
            name=name, defaults={"restock_default": restock, "sort_order": sort_order}
        )


def remove_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("returns", "ReturnReason")
    ReturnReason.objects.filter(name__in=[row[0] for row in REASONS], returns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(create_reasons, remove_reasons)]
