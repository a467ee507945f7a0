"""Seed 000 «Управлять партнёрскими ПВЗ: Создавать, Отключать, Удалять», «Управлять данными
партнёрского ПВЗ: Адрес, Название», «Управлять владельцем партнёрского ПВЗ»."""

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError, NotFound
from mprating.pickup_points import owners, services
from mprating.pickup_points.models import PickupPoint, PickupPointChange
from mprating.pickup_points.services import PointData
from mprating.pickup_points.tests.factories import make_owner, make_point

pytestmark = pytest.mark.django_db
Action = PickupPointChange.Action


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


def test_create_tidies_the_data_and_records_who(operator):
    point = services.point_create(
        data=PointData(
            name="  ПВЗ  «Арбат» ",
            address="г. Москва,   ул. Арбат, д. 10",
            working_hours="Пн–Пт 10:00–20:00",
            phone="8 (495) 123-45-67",
        ),
        by=operator,
    )

    assert (point.name, point.address, point.phone) == (
        "ПВЗ «Арбат»",
        "г. Москва, ул. Арбат, д. 10",
        "+74951234567",
    )
    assert point.is_active
    [change] = point.changes.all()
    assert (change.action, change.changed_by, change.point_name) == (
        Action.CREATED,
        operator,
        "ПВЗ «Арбат»",
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "Укажите название пункта выдачи."),
        ({"address": "Москва"}, "address", "Укажите адрес полностью"),
        ({"phone": "12"}, "phone", "Введите номер телефона полностью"),
    ],
)
def test_bad_data_is_refused_in_russian_and_nothing_is_written(operator, fields, field, message):
    data = {"name": "ПВЗ «Арбат»", "address": "г. Москва, ул. Арбат, д. 10"} | fields

    with pytest.raises(ApplicationError) as error:
        services.point_create(data=PointData(**data), by=operator)

    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert not PickupPoint.objects.exists()
    assert not PickupPointChange.objects.exists()


def test_update_records_what_changed_and_same_data_records_nothing(operator):
    point = make_point(name="ПВЗ «Арбат»", address="г. Москва, ул. Арбат, д. 10")

    services.point_update(
        point_id=point.pk,
        data=PointData(name="ПВЗ «Новый Арбат»", address="г. Москва, ул. Арбат, д. 10"),
        by=operator,
    )
    services.point_update(
        point_id=point.pk,
        data=PointData(name="ПВЗ «Новый Арбат»", address="г. Москва, ул. Арбат, д. 10"),
        by=operator,
    )

    point.refresh_from_db()
    assert point.name == "ПВЗ «Новый Арбат»"
    updates = list(point.changes.filter(action=Action.UPDATED))
    assert len(updates) == 1
    assert updates[0].details == "Название: «ПВЗ «Арбат»» → «ПВЗ «Новый Арбат»»"


def test_disabling_needs_a_reason_and_twice_is_refused(operator):
    point = make_point()

    with pytest.raises(ApplicationError) as error:
        services.point_set_active(point_id=point.pk, active=False, by=operator, reason=" ")
    assert error.value.field == "reason"

    services.point_set_active(point_id=point.pk, active=False, by=operator, reason="Закрыт")
    with pytest.raises(ApplicationError) as error:
        services.point_set_active(point_id=point.pk, active=False, by=operator, reason="Ещё")
    assert error.value.message == f"Пункт выдачи «{point.name}» уже отключён."

    services.point_set_active(point_id=point.pk, active=True, by=operator)
    point.refresh_from_db()
    assert point.is_active
    assert [c.action for c in point.changes.order_by("id")] == [
        Action.CREATED,
        Action.DISABLED,
        Action.ENABLED,
    ]


def test_many_points_switch_and_skip_those_already_in_state(operator):
    first, second = make_point(name="А"), make_point(name="Б")
    services.point_set_active(point_id=second.pk, active=False, by=operator, reason="Закрыт")

    done, skipped = services.points_set_active(
        point_ids=[second.pk, first.pk], active=False, by=operator, reason="Сезон"
    )

    assert (done, skipped) == (["А"], ["Б"])


def test_unused_point_is_deleted_and_its_history_stays(operator):
    point = make_point(name="ПВЗ «Ошибка»")

    name = services.point_delete(point_id=point.pk, by=operator)

    assert name == "ПВЗ «Ошибка»"
    assert not PickupPoint.objects.filter(pk=point.pk).exists()
    deleted = PickupPointChange.objects.get(action=Action.DELETED)
    assert (deleted.point_id, deleted.point_name, deleted.changed_by) == (
        None,
        "ПВЗ «Ошибка»",
        operator,
    )


def test_unknown_point_is_not_found(operator):
    with pytest.raises(NotFound):
        services.point_delete(point_id=999999, by=operator)
    with pytest.raises(NotFound):
        services.point_set_active(point_id="abc", active=True, by=operator)


def test_owner_change_is_recorded_and_only_owners_may_own(operator):
    point = make_point()
    first, _ = make_owner(by=operator, point=point, last_name="Первый", email="one@example.ru")
    second, _ = make_owner(by=operator, last_name="Второй", email="two@example.ru")
    stranger = make_client().user

    owners.point_owner_set(point_id=point.pk, owner_id=second.pk, by=operator, comment="Продал")

    point.refresh_from_db()
    assert point.owner == second
    change = point.changes.filter(action=Action.OWNER_CHANGED).order_by("-id").first()
    assert change.details == (
        "Владелец: Первый Олег Николаевич (one@example.ru) → Второй Олег Николаевич "
        "(two@example.ru)"
    )
    assert (change.comment, change.changed_by) == ("Продал", operator)
    with pytest.raises(ApplicationError) as error:
        owners.point_owner_set(point_id=point.pk, owner_id=stranger.pk, by=operator)
    assert error.value.code == "not_an_owner"
    owners.point_owner_set(point_id=point.pk, owner_id=None, by=operator)
    point.refresh_from_db()
    assert point.owner is None
    assert first.is_active
