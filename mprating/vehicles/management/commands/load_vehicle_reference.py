"""`manage.py load_vehicle_reference [path]`: load the vehicle reference from CSV.

Without a path it loads the starter data set shipped with the app (`vehicles/data/vehicles.csv`),
e.g. after that file was extended; the format is described in `mprating/vehicles/reference.py`.
"""

from django.core.management.base import BaseCommand, CommandError

from mprating.vehicles.reference import DEFAULT_PATH, VehicleReferenceError, load_reference


class Command(BaseCommand):
    help = "Загрузить справочник автомобилей (марки, модели, поколения, модификации) из CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PATH),
            help="CSV-файл (UTF-8, разделитель «;»); по умолчанию — стартовый справочник.",
        )

    def handle(self, *args, path: str, **options):
        try:
            counts = load_reference(path)
        except VehicleReferenceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(counts.summary()))
