"""Refusals (seed 004): request before «Отгружен», confirm/decline, a manager's refusal,
the seen flag and «Перезаказ»."""

import re

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.tests.factories import make_offer, make_warehouse
from mprating.core.errors import ApplicationError, NotFound
from mprating.orders import hooks, services
from mprating.orders.models import OrderLine, RefusalState
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mails(monkeypatch):
    sent: list[list[int]] = []
    monkeypatch.setattr(hooks, "line_status_changed", sent.append)
    return sent


@pytest.fixture
def manager():
    return make_staff("Менеджеры магазина", email="manager@example.ru")


@pytest.fixture
def buyer():
    return make_client(last_name="Покупатель")


def _reload(line) -> OrderLine:
    return OrderLine.objects.select_related("status").get(pk=line.pk)


def test_client_requests_refusal_before_shipped(buyer, manager):
    # given: a transit line already «В пути»
    _, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.TRANSIT,))
    services.line_status_set(line_ids=[line.pk], status_id=status("В пути").pk, actor=manager)

    # when
    services.line_refusal_request(client=buyer, line_id=line.pk)
    services.line_refusal_request(client=buyer, line_id=line.pk)  # a second click

    # then
    line = _reload(line)
    assert line.refusal_state == RefusalState.REQUESTED
    assert line.manager_comment == "Отказ от заказа на рассмотрении"
    assert line.status.name == "В пути"


@pytest.mark.parametrize("final_role", ["shipped", "refused"])
def test_no_refusal_after_shipped_or_refused(buyer, manager, final_role):
    _, [line] = order_with_lines(buyer)
    services.line_status_set(line_ids=[line.pk], status_id=role(final_role).pk, actor=manager)

    with pytest.raises(ApplicationError) as error:
        services.line_refusal_request(client=buyer, line_id=line.pk)

    assert (
        error.value.code == {"shipped": "already_shipped", "refused": "already_refused"}[final_role]
    )
    assert _reload(line).refusal_state == RefusalState.NONE


def test_another_clients_line_is_not_found(buyer):
    _, [line] = order_with_lines(buyer)
    stranger = make_client(last_name="Чужой")

    for call in (
        lambda: services.line_refusal_request(client=stranger, line_id=line.pk),
        lambda: services.line_refusal_seen_set(client=stranger, line_id=line.pk, seen=True),
        lambda: services.line_reorder(client=stranger, line_id=line.pk),
        lambda: services.order_archive(client=stranger, order_id=line.order_id),
    ):
        with pytest.raises(ApplicationError) as error:
            call()
        assert error.value.code == "not_found"
    assert _reload(line).refusal_state == RefusalState.NONE


def test_manager_confirms_refusal(buyer, manager, mails):
    # given
    _, [line, other] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refusal_request(client=buyer, line_id=line.pk)

    # when: both selected, only the requested one is confirmed
    confirmed = services.line_refusal_confirm(line_ids=[line.pk, other.pk], actor=manager)

    # then
    assert confirmed == 1
    line = _reload(line)
    assert line.status.role == "refused"
    assert (line.refusal_state, line.manager_comment, line.refusal_seen) == (
        RefusalState.CONFIRMED,
        "Отказ клиента",
        False,
    )
    latest = line.history.order_by("-id").first()
    assert (latest.status.role, latest.changed_by) == ("refused", manager)
    assert _reload(other).status.name == "Новый"
    assert len(mails) == 1


def test_status_refused_on_a_requested_line_confirms_it(buyer, manager):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)

    line = _reload(line)
    assert (line.refusal_state, line.manager_comment) == (RefusalState.CONFIRMED, "Отказ клиента")


def test_manager_declines_refusal_with_a_comment(buyer, manager, mails):
    # given
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    # when: no comment → nothing changes
    with pytest.raises(ApplicationError) as error:
        services.line_refusal_decline(line_ids=[line.pk], actor=manager, comment="  ")
    assert error.value.field == "comment"
    assert _reload(line).refusal_state == RefusalState.REQUESTED

    declined = services.line_refusal_decline(
        line_ids=[line.pk], actor=manager, comment="Товар уже собран и передан в доставку"
    )

    # then
    line = _reload(line)
    assert declined == 1
    assert line.status.name == "Новый"
    assert (line.refusal_state, line.manager_comment) == (
        RefusalState.DECLINED,
        "Товар уже собран и передан в доставку",
    )
    audit = line.history.order_by("-id").first()
    assert audit.changed_by == manager
    assert audit.comment.startswith("Отказ отклонён")
    assert mails == []
    with pytest.raises(ApplicationError) as again:
        services.line_refusal_request(client=buyer, line_id=line.pk)
    assert again.value.code == "refusal_declined"


def test_manager_refuses_for_another_reason(buyer, manager):
    _, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.TRANSIT,))

    with pytest.raises(ApplicationError):
        services.line_refuse(line_ids=[line.pk], actor=manager, reason="")
    refused = services.line_refuse(
        line_ids=[line.pk], actor=manager, reason="Нет в наличии у поставщика"
    )

    line = _reload(line)
    assert refused == 1
    assert line.status.role == "refused"
    assert (line.refusal_state, line.manager_comment) == ("", "Нет в наличии у поставщика")
    assert line.history.order_by("-id").first().comment == "Нет в наличии у поставщика"


def test_seen_flag_only_on_refused_lines(buyer, manager):
    _, [line, refused] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refuse(line_ids=[refused.pk], actor=manager, reason="Нет в наличии")

    with pytest.raises(ApplicationError) as error:
        services.line_refusal_seen_set(client=buyer, line_id=line.pk, seen=True)
    services.line_refusal_seen_set(client=buyer, line_id=refused.pk, seen=True)

    assert error.value.code == "not_refused"
    assert _reload(refused).refusal_seen is True
    services.line_refusal_seen_set(client=buyer, line_id=refused.pk, seen=False)
    assert _reload(refused).refusal_seen is False


def test_reorder_puts_the_current_best_offer_into_the_cart(buyer, manager):
    # given: a refused line of 3 pieces; now the product has a cheaper offer with min order 5
    _, [line] = order_with_lines(buyer, quantity=3)
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    Offer.objects.filter(pk=line.offer_id).update(quantity=0)
    cheaper = make_offer(
        line.product,
        make_warehouse(Warehouse.Kind.HOME),
        price="10.00",
        quantity=7,
        min_order_quantity=5,
    )

    # when
    cart_line = services.line_reorder(client=buyer, line_id=line.pk)

    # then
    assert (cart_line.offer_id, cart_line.quantity) == (cheaper.pk, 5)
    # a second reorder is cut to what is left in stock
    again = services.line_reorder(client=buyer, line_id=line.pk)
    assert again.quantity == 7
    with pytest.raises(ApplicationError) as error:
        services.line_reorder(client=buyer, line_id=line.pk)
    assert error.value.code == "not_enough_stock"


def test_reorder_without_an_offer_is_a_clear_error(buyer, manager):
    _, [line] = order_with_lines(buyer)
    Offer.objects.filter(product=line.product).update(quantity=0)

    with pytest.raises(ApplicationError) as error:
        services.line_reorder(client=buyer, line_id=line.pk)

    assert error.value.code == "no_offer"
    assert line.article in error.value.message
    assert not CartLine.objects.filter(client=buyer).exists()


def test_refusal_request_writes_a_history_row_in_the_current_status(buyer, manager, mails):
    # given: a transit line «В пути»
    _, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.TRANSIT,))
    services.line_status_set(line_ids=[line.pk], status_id=status("В пути").pk, actor=manager)
    mails.clear()

    # when: the client asks, twice
    services.line_refusal_request(client=buyer, line_id=line.pk)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    # then: one row, by the client, in «В пути», never e-mailed
    rows = list(line.history.order_by("-id")[:2])
    assert (rows[0].status.name, rows[0].comment) == ("В пути", "Отказ от заказа на рассмотрении")
    assert rows[0].changed_by == buyer.user
    assert rows[0].notified_at is not None
    assert rows[1].comment != "Отказ от заказа на рассмотрении"
    assert mails == []


def test_status_refused_after_a_decline_clears_the_decline(buyer, manager, client):
    # given: the client asked, the manager declined
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)
    services.line_refusal_decline(
        line_ids=[line.pk], actor=manager, comment="Товар уже передан в доставку"
    )

    # when: later the manager sets «Отказ» through «Сменить статус» after all
    services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)

    # then: the line is a plain refusal; the client no longer reads the old decline
    line = _reload(line)
    assert line.status.role == "refused"
    assert (line.refusal_state, line.manager_comment) == (RefusalState.NONE, "")
    client.force_login(buyer.user)
    page = client.get("/cabinet/orders/").content.decode()
    row = re.search(rf'id="line-{line.pk}".*?</tr>', page, re.S).group(0)
    assert ">Отказ<" in row
    assert "Товар уже передан в доставку" not in page
    assert "Отказ отклонён" not in row


def test_status_refused_with_a_comment_after_a_decline_shows_that_comment(buyer, manager):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)
    services.line_refusal_decline(line_ids=[line.pk], actor=manager, comment="Уже едет")

    services.line_status_set(
        line_ids=[line.pk], status_id=role("refused").pk, actor=manager, comment="Брак при приёмке"
    )

    line = _reload(line)
    assert (line.refusal_state, line.manager_comment) == (RefusalState.NONE, "Брак при приёмке")
    # and the client may not ask again: the line is refused
    with pytest.raises(ApplicationError) as error:
        services.line_refusal_request(client=buyer, line_id=line.pk)
    assert error.value.code == "already_refused"


def test_a_line_with_a_pending_request_is_not_shipped_before_the_answer(buyer, manager):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    with pytest.raises(ApplicationError) as error:
        services.line_status_set(line_ids=[line.pk], status_id=role("shipped").pk, actor=manager)

    assert error.value.code == "refusal_pending"
    assert _reload(line).status.name == "Новый"


def test_another_clients_line_is_a_not_found_error(buyer):
    _, [line] = order_with_lines(buyer)

    with pytest.raises(NotFound):
        services.line_refusal_request(client=make_client(last_name="Чужой"), line_id=line.pk)


def test_the_client_sees_own_request_in_the_movement_history(buyer, client):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)
    client.force_login(buyer.user)

    page = client.get(f"/cabinet/orders/lines/{line.pk}/history/").content.decode()

    rows = re.findall(r'data-testid="history-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 2
    assert "вы" in rows[1] and "Отказ от заказа на рассмотрении" in rows[1]
    assert "система" in rows[0]
