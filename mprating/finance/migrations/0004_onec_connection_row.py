"""The one «Подключение к 1С» settings row (pk 1), so that opening the page never creates it
(no state change on GET)."""

from django.db import migrations

CONNECTION_PK = 1


def create_connection_row(apps, schema_editor):
    OneCConnection = apps.get_model("finance", "OneCConnection")
    OneCConnection.objects.get_or_create(pk=CONNECTION_PK)


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_onec")]

    operations = [migrations.RunPython(create_connection_row, migrations.RunPython.noop)]
