"""Demo partner pickup points in Moscow and the Moscow region (wired into `seed_demo`).

Deterministic and idempotent: points are found by name; a second run changes nothing. Points
are made through the services (so their history shows who connected them), by the demo
operator when that login exists. Two points belong to the demo PVZ owner
(`pvz@demo.mprating.ru`) when that login exists; his business (company, ИНН) is filled in.
The partner side (a second owner, applications, orders waiting at the points) is
`partners.demo`.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.pickup_points import owners, services
from mprating.pickup_points.models import PickupPoint, PickupPointOwner
from mprating.pickup_points.services import PointData

DEMO_OWNER_EMAIL = "pvz@demo.mprating.ru"
OPERATOR_EMAIL = "operator@demo.mprating.ru"
DEMO_OWNER_COMPANY = ("ООО «Гусев и партнёры»", "7728168971")
WEEKDAYS = "Пн–Пт 10:00–21:00, Сб–Вс 10:00–18:00"
DAILY = "Ежедневно 09:00–21:00"

# (name, address, hours, phone, is_active, owned by the demo PVZ owner)
POINTS = [
    (
        "ПВЗ «Профсоюзная»",
        "г. Москва, ул. Профсоюзная, д. 56, павильон 3",
        WEEKDAYS,
        "+74951201156",
        True,
        True,
    ),
    ("ПВЗ «Митино»", "г. Москва, Пятницкое ш., д. 18, пом. 2", DAILY, "+74951201218", True, True),
    ("ПВЗ «Марьино»", "г. Москва, ул. Люблинская, д. 169, корп. 2", WEEKDAYS, "", True, False),
    (
        "ПВЗ «Химки»",
        "Московская обл., г. Химки, ул. Молодёжная, д. 4",
        DAILY,
        "+74957904404",
        True,
        False,
    ),
    ("ПВЗ «Балашиха»", "Московская обл., г. Балашиха, пр-т Ленина, д. 32А", DAILY, "", 1, 0),
    ("ПВЗ «Подольск»", "Московская обл., г. Подольск, ул. Кирова, д. 11", WEEKDAYS, "", 0, 0),
]


def _demo_owner() -> User | None:
    """The demo owner's login, with the role and the business it needs to own points."""
    owner = User.objects.filter(email=DEMO_OWNER_EMAIL).first()
    if owner is None:
        return None
    if not roles.has_role(owner, roles.PICKUP_POINT_OWNER):
        owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    company, inn = DEMO_OWNER_COMPANY
    PickupPointOwner.objects.get_or_create(
        user=owner, defaults={"company_name": company, "inn": inn}
    )
    return owner


@transaction.atomic
def seed(*, stdout) -> None:
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    owner = _demo_owner()
    created = 0
    for name, address, hours, phone, is_active, owned in POINTS:
        point = PickupPoint.objects.filter(name=name).first()
        if point is None:
            point = services.point_create(
                data=PointData(name=name, address=address, working_hours=hours, phone=phone),
                by=operator,
            )
            created += 1
            if not is_active:
                services.point_set_active(
                    point_id=point.pk,
                    active=False,
                    by=operator,
                    reason="Закрыт на ремонт помещения, откроется весной",
                )
        if owned and owner is not None and point.owner_id is None:
            owners.point_owner_set(
                point_id=point.pk, owner_id=owner.pk, by=operator, comment="Договор с партнёром"
            )
    total = PickupPoint.objects.count()
    stdout.write(f"Пункты выдачи: добавлено {created}, всего {total}.")
