"""Pickup point test data, made through the services as in production."""

from itertools import count

from mprating.accounts.models import User
from mprating.pickup_points import owners, services
from mprating.pickup_points.models import OwnerInvitation, PickupPoint
from mprating.pickup_points.owners import OwnerData
from mprating.pickup_points.services import PointData

_numbers = count(1)
# Valid ИНН of organisations (checksums correct).
INNS = ["7707083893", "7728168971", "5029069967", "7736207543", "7702070139"]


def make_point(*, by: User | None = None, **fields) -> PickupPoint:
    n = next(_numbers)
    data = {"name": f"ПВЗ №{n}", "address": f"г. Москва, ул. Тестовая, д. {n}"} | fields
    return services.point_create(data=PointData(**data), by=by)


def owner_data(n: int | None = None, **fields) -> OwnerData:
    n = n if n is not None else next(_numbers)
    values = {
        "last_name": "Гусев",
        "first_name": "Олег",
        "middle_name": "Николаевич",
        "email": f"owner{n}@example.ru",
        "phone": f"+7926{n:07d}",
        "company_name": f"ООО «ПВЗ-{n}»",
        "inn": INNS[n % len(INNS)],
    }
    return OwnerData(**(values | fields))


def make_owner(
    *,
    by: User | None = None,
    point: PickupPoint | None = None,
    password: str | None = None,
    **fields,
) -> tuple[User, OwnerInvitation]:
    """An owner registered by an operator; with `password` they have already accepted."""
    user, invitation = owners.owner_register(
        data=owner_data(**fields), by=by, point_id=point.pk if point else None
    )
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, invitation
