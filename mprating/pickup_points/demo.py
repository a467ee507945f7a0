"""Demo partner pickup points in Moscow and the Moscow region (wired into `seed_demo`).

Deterministic and idempotent: points are found by name; a second run changes nothing.
Two points belong to the demo PVZ owner (`pvz@demo.mprating.ru`) when that login exists.
"""

from django.db import transaction

from mprating.accounts.models import User
from mprating.pickup_points.models import PickupPoint

DEMO_OWNER_EMAIL = "pvz@demo.mprating.ru"

# (name, address, is_active, owned by the demo PVZ owner)
POINTS = [
    ("ПВЗ «Профсоюзная»", "г. Москва, ул. Профсоюзная, д. 56, павильон 3", True, True),
    ("ПВЗ «Митино»", "г. Москва, Пятницкое шоссе, д. 18, пом. 2", True, True),
    ("ПВЗ «Марьино»", "г. Москва, ул. Люблинская, д. 169, корп. 2", True, False),
    ("ПВЗ «Химки»", "Московская обл., г. Химки, ул. Молодёжная, д. 4", True, False),
    ("ПВЗ «Балашиха»", "Московская обл., г. Балашиха, пр-т Ленина, д. 32А", True, False),
    ("ПВЗ «Подольск»", "Московская обл., г. Подольск, ул. Кирова, д. 11", False, False),
]


@transaction.atomic
def seed(*, stdout) -> None:
    owner = User.objects.filter(email=DEMO_OWNER_EMAIL).first()
    created = 0
    for name, address, is_active, owned in POINTS:
        point, was_created = PickupPoint.objects.get_or_create(
            name=name,
            defaults={
                "address": address,
                "is_active": is_active,
                "owner": owner if owned else None,
            },
        )
        created += was_created
        if owned and owner is not None and point.owner_id is None:
            point.owner = owner
            point.save(update_fields=["owner"])
    total = PickupPoint.objects.count()
    stdout.write(f"Пункты выдачи: добавлено {created}, всего {total}.")
