"""Every write to partner pickup points: seed 000 «Управлять партнёрскими ПВЗ: Создавать,
Отключать, Удалять» and «Управлять данными партнёрского ПВЗ: Адрес, Название».

Each function is one operator action in one transaction, recorded in `PickupPointChange`
through the one history helper. Owners and their invitations are in `owners.py`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from mprating.accounts.models import User
from mprating.accounts.phones import format_phone, normalize_phone
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.pickup_points.models import PickupPoint, PickupPointChange

Action = PickupPointChange.Action
POINT_NOT_FOUND = "Пункт выдачи не найден."
NAME_MAX, ADDRESS_MIN, ADDRESS_MAX = 200, 10, 500
HOURS_MAX, NOTES_MAX, REASON_MAX = 200, 2000, 1000


@dataclass(frozen=True)
class PointData:
    """What an operator types about a point (seed 000 «Адрес, Название» and the rest a client
    needs to find it)."""

    name: str
    address: str
    working_hours: str = ""
    phone: str = ""
    notes: str = ""


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def point_data_clean(data: PointData) -> PointData:
    """The point's data checked and tidied (spaces, phone in E.164), or ApplicationError."""
    name, address = _one_line(data.name), _one_line(data.address)
    hours, notes = _one_line(data.working_hours), (data.notes or "").strip()
    if not name:
        raise ApplicationError("name_required", "Укажите название пункта выдачи.", field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(
            "name_too_long", f"Название не длиннее {NAME_MAX} символов.", field="name"
        )
    if len(address) < ADDRESS_MIN:
        raise ApplicationError(
            "address_too_short",
            "Укажите адрес полностью: город, улица, дом, помещение.",
            field="address",
        )
    if len(address) > ADDRESS_MAX:
        raise ApplicationError(
            "address_too_long", f"Адрес не длиннее {ADDRESS_MAX} символов.", field="address"
        )
    if len(hours) > HOURS_MAX:
        raise ApplicationError(
            "hours_too_long",
            f"Часы работы не длиннее {HOURS_MAX} символов.",
            field="working_hours",
        )
    if len(notes) > NOTES_MAX:
        raise ApplicationError(
            "notes_too_long", f"Заметки не длиннее {NOTES_MAX} символов.", field="notes"
        )
    phone = ""
    if (data.phone or "").strip():
        try:
            phone = normalize_phone(data.phone)
        except ValidationError as exc:
            raise ApplicationError("invalid_phone", exc.messages[0], field="phone") from None
    return PointData(name=name, address=address, working_hours=hours, phone=phone, notes=notes)


def lock_point(point_id: object) -> PickupPoint:
    try:
        pk = int(point_id)
    except (TypeError, ValueError):
        raise NotFound(POINT_NOT_FOUND) from None
    point = PickupPoint.objects.select_for_update().filter(pk=pk).first()
    if point is None:
        raise NotFound(POINT_NOT_FOUND)
    return point


def record(point: PickupPoint, action: str, *, by, comment: str = "", details: str = ""):
    """One history row of `point` (also used by the owners' services)."""
    return history_record(
        PickupPointChange,
        by=by,
        comment=comment,
        point=point,
        point_name=point.name,
        action=action,
        details=details,
    )


def owner_label(user: User | None) -> str:
    """«Гусев Олег Николаевич (pvz@demo.mprating.ru)» or «—»."""
    if user is None:
        return "—"
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


@transaction.atomic
def point_create(*, data: PointData, by: User | None) -> PickupPoint:
    """«Создавать» (seed 000): a new point works (is offered at checkout) at once."""
    data = point_data_clean(data)
    point = PickupPoint.objects.create(
        name=data.name,
        address=data.address,
        working_hours=data.working_hours,
        phone=data.phone,
        notes=data.notes,
    )
    record(point, Action.CREATED, by=by, details=f"Адрес: {point.address}")
    return point


_LABELS = {
    "name": "Название",
    "address": "Адрес",
    "working_hours": "Часы работы",
    "phone": "Телефон",
    "notes": "Заметки",
}


def _shown(field: str, value: str) -> str:
    if not value:
        return "—"
    return format_phone(value) if field == "phone" else f"«{value}»"


@transaction.atomic
def point_update(*, point_id: int, data: PointData, by: User | None) -> PickupPoint:
    """«Управлять данными партнёрского ПВЗ: Адрес, Название» (and hours, phone, notes).

    Orders placed earlier keep pointing at the same point, so they show the new data; the
    history keeps what it was. Saving the same data changes nothing and records nothing.
    """
    data = point_data_clean(data)
    point = lock_point(point_id)
    changes = []
    for field in _LABELS:
        old, new = getattr(point, field), getattr(data, field)
        if old != new:
            changes.append(f"{_LABELS[field]}: {_shown(field, old)} → {_shown(field, new)}")
            setattr(point, field, new)
    if not changes:
        return point
    point.save(update_fields=list(_LABELS))
    record(point, Action.UPDATED, by=by, details="\n".join(changes))
    return point


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError(
            "reason_required",
            "Укажите причину отключения: она останется в истории.",
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            "reason_too_long", f"Причина не длиннее {REASON_MAX} символов.", field="reason"
        )
    return reason


@transaction.atomic
def point_set_active(
    *, point_id: int, active: bool, by: User | None, reason: str = ""
) -> PickupPoint:
    """«Отключать» (seed 000) and switching back on.

    A disabled point is no longer offered at checkout; orders already placed keep it (and
    their lines can still be handed out there). Disabling needs a reason for the history.
    """
    reason = _reason(reason, required=not active)
    point = lock_point(point_id)
    if point.is_active == active:
        state = "уже работает" if active else "уже отключён"
        raise ApplicationError("state_unchanged", f"Пункт выдачи «{point.name}» {state}.")
    point.is_active = active
    point.save(update_fields=["is_active"])
    record(point, Action.ENABLED if active else Action.DISABLED, by=by, comment=reason)
    return point


@transaction.atomic
def points_set_active(
    *, point_ids: list[int], active: bool, by: User | None, reason: str = ""
) -> tuple[list[str], list[str]]:
    """The same for several points (rows locked in primary-key order): returns the names of
    the points switched and of those already in that state (skipped)."""
    reason = _reason(reason, required=not active)
    points = list(
        PickupPoint.objects.select_for_update().filter(pk__in=list(point_ids)).order_by("pk")
    )
    if len(points) != len(set(point_ids)):
        raise NotFound(POINT_NOT_FOUND)
    done, skipped = [], []
    for point in points:
        if point.is_active == active:
            skipped.append(point.name)
            continue
        point.is_active = active
        point.save(update_fields=["is_active"])
        record(point, Action.ENABLED if active else Action.DISABLED, by=by, comment=reason)
        done.append(point.name)
    return done, skipped


def point_references(point: PickupPoint) -> list[tuple[str, int]]:
    """What keeps `point` from being deleted: (what, how many) for every model whose foreign
    key protects it — orders today, marketplace buyouts when they arrive. Read through the
    model's relations, so this app never names the apps above it."""
    found = []
    for relation in PickupPoint._meta.related_objects:
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: point}).count()
        if count:
            found.append((str(relation.related_model._meta.verbose_name_plural), count))
    return found


def deletion_refusal(point: PickupPoint, references: list[tuple[str, int]]) -> str:
    """Why `point` cannot be deleted, in Russian, and what to do instead."""
    what = ", ".join(f"{name} ({count})" for name, count in references)
    return (
        f"Пункт выдачи «{point.name}» нельзя удалить: на него ссылаются {what}. "
        "Они должны сохранить свой пункт выдачи. Отключите пункт — он перестанет "
        "предлагаться при оформлении заказа, а история заказов сохранится."
    )


@transaction.atomic
def point_delete(*, point_id: int, by: User | None) -> str:
    """«Удалять» (seed 000): only a point nothing refers to (a mistake, a point that never
    worked). Returns the deleted point's name; the history row stays, with the name."""
    point = lock_point(point_id)
    references = point_references(point)
    if references:
        raise ApplicationError("point_in_use", deletion_refusal(point, references))
    name = point.name
    record(point, Action.DELETED, by=by, details=f"Адрес: {point.address}")
    try:
        with transaction.atomic():
            point.delete()
    except (models.ProtectedError, models.RestrictedError):
        # A row referring to the point appeared between the check and the delete.
        raise ApplicationError(
            "point_in_use", deletion_refusal(point, point_references(point))
        ) from None
    return name
