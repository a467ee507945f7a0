"""The default table «status of a buyout → status of its order line», by status name: the
default marketplace chain of «Настройки → Статусы» (orders 0002). A status missing by that name
(renamed before this ran) is left empty; a superuser sets it in the back office."""

from django.db import migrations

MAPPING = [
    ("placed", "Выкуплен"),
    ("in_transit", "В пути в ПВЗ"),
    ("at_point", "В ПВЗ"),
    ("received", "Отгружен"),
]


def fill(apps, schema_editor):
    BuyoutLineStatus = apps.get_model("marketplaces", "BuyoutLineStatus")
    OrderStatus = apps.get_model("orders", "OrderStatus")
    for buyout_status, line_status_name in MAPPING:
        row, _ = BuyoutLineStatus.objects.get_or_create(buyout_status=buyout_status)
        if row.line_status_id is None:
            row.line_status = OrderStatus.objects.filter(name=line_status_name).first()
            row.save(update_fields=["line_status"])


def unfill(apps, schema_editor):
    apps.get_model("marketplaces", "BuyoutLineStatus").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplaces", "0001_initial"),
        ("orders", "0002_default_statuses"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
