"""The one `PartnerSettings` row, pointing at the status «В ПВЗ» of the default chains.

Found by name once, here; afterwards the statistics and the owner's list follow the status
itself, so renaming it in «Настройки → Статусы» changes nothing.
"""

from django.db import migrations

NAME = "В ПВЗ"


def forwards(apps, schema_editor):
    OrderStatus = apps.get_model("orders", "OrderStatus")
    PartnerSettings = apps.get_model("partners", "PartnerSettings")
    row, _ = PartnerSettings.objects.get_or_create(pk=1)
    if row.at_point_status_id is None:
        row.at_point_status = OrderStatus.objects.filter(name=NAME).first()
        row.save(update_fields=["at_point_status"])


def backwards(apps, schema_editor):
    apps.get_model("partners", "PartnerSettings").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("orders", "0002_default_statuses"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
