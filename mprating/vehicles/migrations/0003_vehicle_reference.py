"""Load the starter vehicle reference (`vehicles/data/vehicles.csv`) on migrate.

Every installation — a developer's SQLite, production PostgreSQL, the test database — gets the
makes, models, generations and modifications the garage and «Подбор по параметрам» choose from.
It runs the same loader as `manage.py load_vehicle_reference`, on the historical models; the
loader is idempotent and matches by name, so rows that already exist (the catalog demo's) are
reused, not duplicated. A later change of the CSV is applied with the command (or a new
migration calling it), not by this one. Bulk inserts: well under a second for the whole file.
"""

from django.db import migrations


def load(apps, schema_editor):
    from mprating.vehicles.reference import DEFAULT_PATH, ReferenceModels, load_reference

    load_reference(DEFAULT_PATH, models=ReferenceModels.from_apps(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0002_reference_permissions"),
    ]

    operations = [
        # Reversing keeps the rows: cars and applicability may point at them.
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
