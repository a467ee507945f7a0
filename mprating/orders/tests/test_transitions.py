"""The transition table (`orders.transitions`): allowed and forbidden moves, and what each
move writes — checked on lines held in memory (the table never touches the database)."""

import pytest

from mprating.orders.models import OrderLine, RefusalState, Source
from mprating.orders.tests.status_helpers import role, status
from mprating.orders.transitions import (
    REFUSAL_CONFIRMED_TEXT,
    REFUSAL_REQUESTED_TEXT,
    Event,
    MoveRefused,
    line_step,
    status_fits_source,
)

pytestmark = pytest.mark.django_db


def _line(
    status_name: str = "Новый",
    *,
    source: str = Source.HOME,
    refusal: str = RefusalState.NONE,
    comment: str = "",
    seen: bool = False,
    released: bool = False,
) -> OrderLine:
    current = role(status_name) if status_name in ("shipped", "refused") else status(status_name)
    return OrderLine(
        pk=1,
        brand_name="BOSCH",
        article="0 986 452 041",
        quantity=2,
        source=source,
        status=current,
        refusal_state=refusal,
        manager_comment=comment,
        refusal_seen=seen,
        stock_released_at="2026-01-01" if released else None,
    )


@pytest.mark.parametrize(
    ("source", "chain"),
    [
        (Source.HOME, ["Новый", "Принят", "Собран", "Отгружен", "Отказ"]),
        (
            Source.TRANSIT,
            ["Новый", "Заказан у поставщика", "В пути", "Поступил на склад", "Отгружен", "Отказ"],
        ),
        (Source.MARKETPLACE, ["Новый", "Выкуплен", "В пути в ПВЗ", "В ПВЗ", "Отгружен", "Отказ"]),
    ],
)
def test_the_chain_of_each_source(source, chain):
    from mprating.orders.models import OrderStatus

    fits = [s.name for s in OrderStatus.objects.all() if status_fits_source(s, source)]

    assert fits == chain


@pytest.mark.parametrize(
    ("line_kwargs", "target", "code"),
    [
        ({"source": Source.HOME}, "В пути", "status_not_in_chain"),
        ({"source": Source.MARKETPLACE}, "Собран", "status_not_in_chain"),
        ({"refusal": RefusalState.REQUESTED}, "shipped", "refusal_pending"),
    ],
    ids=["home-to-transit-status", "marketplace-to-home-status", "ship-with-pending-request"],
)
def test_forbidden_status_moves(line_kwargs, target, code):
    target_status = role(target) if target == "shipped" else status(target)

    with pytest.raises(MoveRefused) as error:
        line_step(_line(**line_kwargs), Event.STATUS, status=target_status)

    assert error.value.code == code
    assert "{more}" in error.value.message  # the gatekeeper fills in the other lines


def test_allowed_status_move_keeps_the_refusal_fields_and_notifies():
    line = _line("Принят", comment="Ждём поставщика")

    step = line_step(line, Event.STATUS, status=status("Собран"), comment="Собрали")

    assert (step.status.name, step.history, step.notify) == ("Собран", "Собрали", True)
    assert (step.refusal_state, step.manager_comment, step.release_stock) == (
        "",
        "Ждём поставщика",
        False,
    )


def test_same_status_is_no_move():
    assert line_step(_line("Принят"), Event.STATUS, status=status("Принят")) is None


@pytest.mark.parametrize(
    ("refusal", "comment", "state", "last_column"),
    [
        (RefusalState.REQUESTED, "Клиент позвонил", RefusalState.CONFIRMED, REFUSAL_CONFIRMED_TEXT),
        (RefusalState.NONE, "Брак", RefusalState.NONE, "Брак"),
        (RefusalState.DECLINED, "", RefusalState.NONE, ""),
    ],
    ids=["confirms-a-request", "manager-reason", "ends-a-declined-request"],
)
def test_status_refused(refusal, comment, state, last_column):
    line = _line("Принят", refusal=refusal, comment="Старый текст", seen=True)

    step = line_step(line, Event.STATUS, status=role("refused"), comment=comment)

    assert (step.status.role, step.refusal_state, step.manager_comment) == (
        "refused",
        state,
        last_column,
    )
    assert (step.refusal_seen, step.notify, step.release_stock) == (False, True, True)


def test_leaving_refused_clears_the_refusal():
    line = _line("refused", refusal=RefusalState.CONFIRMED, comment="Отказ клиента", seen=True)

    step = line_step(line, Event.STATUS, status=status("Принят"))

    assert (step.refusal_state, step.manager_comment, step.refusal_seen) == ("", "", False)


@pytest.mark.parametrize(
    ("line_kwargs", "releases"),
    [
        ({}, True),
        ({"source": Source.TRANSIT}, True),
        ({"source": Source.MARKETPLACE}, False),
        ({"status_name": "shipped"}, False),
        ({"released": True}, False),
    ],
    ids=["home", "transit", "marketplace", "shipped", "already-given-back"],
)
def test_which_refusals_give_stock_back(line_kwargs, releases):
    step = line_step(_line(**line_kwargs), Event.REFUSE, status=role("refused"), comment="Нет")

    assert step.release_stock is releases


@pytest.mark.parametrize(
    ("line_kwargs", "code"),
    [
        ({"status_name": "refused"}, "already_refused"),
        ({"status_name": "shipped"}, "already_shipped"),
        ({"refusal": RefusalState.DECLINED, "comment": "Уже едет"}, "refusal_declined"),
    ],
)
def test_forbidden_refusal_requests(line_kwargs, code):
    with pytest.raises(MoveRefused) as error:
        line_step(_line(**line_kwargs), Event.REFUSAL_REQUEST)

    assert error.value.code == code


def test_refusal_request_keeps_the_status_and_writes_a_quiet_row():
    step = line_step(_line("В пути", source=Source.TRANSIT), Event.REFUSAL_REQUEST)

    assert step.status.name == "В пути"
    assert (step.refusal_state, step.manager_comment) == (
        RefusalState.REQUESTED,
        REFUSAL_REQUESTED_TEXT,
    )
    assert (step.history, step.notify) == (REFUSAL_REQUESTED_TEXT, False)
    assert line_step(_line(refusal=RefusalState.REQUESTED), Event.REFUSAL_REQUEST) is None


@pytest.mark.parametrize("event", [Event.REFUSAL_CONFIRM, Event.REFUSAL_DECLINE])
def test_confirm_and_decline_skip_lines_without_a_request(event):
    assert line_step(_line(), event, status=role("refused"), comment="Нет") is None


def test_decline_keeps_the_status_and_shows_the_reason():
    step = line_step(
        _line(refusal=RefusalState.REQUESTED), Event.REFUSAL_DECLINE, comment="Уже отгружаем"
    )

    assert (step.status.name, step.refusal_state, step.manager_comment) == (
        "Новый",
        RefusalState.DECLINED,
        "Уже отгружаем",
    )
    assert (step.history, step.notify) == ("Отказ отклонён: Уже отгружаем", False)


def test_manager_refusal_answers_a_request_and_skips_refused_lines():
    step = line_step(
        _line(refusal=RefusalState.REQUESTED), Event.REFUSE, status=role("refused"), comment="Нет"
    )

    assert (step.refusal_state, step.manager_comment) == (RefusalState.NONE, "Нет")
    assert line_step(_line("refused"), Event.REFUSE, status=role("refused"), comment="X") is None


def test_seen_flag_only_on_refused_lines():
    with pytest.raises(MoveRefused) as error:
        line_step(_line(), Event.SEEN)

    assert error.value.code == "not_refused"
    assert line_step(_line("refused"), Event.SEEN).refusal_seen is True
    assert line_step(_line("refused", seen=True), Event.SEEN) is None
    assert line_step(_line("refused", seen=True), Event.UNSEEN).history is None
