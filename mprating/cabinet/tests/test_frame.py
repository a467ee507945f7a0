"""The cabinet's left frame and navigation (seed 004): balance, positions by status, the
«N из M отказов не просмотрены» badge, unread VIN chat; the cabinet home; who may enter."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.cabinet.selectors import CabinetSummary, cabinet_summary
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.finance import services as finance_services
from mprating.garage import services as garage_services
from mprating.garage.tests.vin_factories import make_vin_request
from mprating.orders import services
from mprating.orders.models import Order, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db

CHECKOUT = "/cabinet/orders/checkout/"


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Фреймов", phone="+79035550088")
    client.force_login(account.user)
    return account


@pytest.fixture
def manager():
    return make_staff(email="manager@example.ru")


def _order(client, *offers, quantity: int = 1) -> Order:
    for offer in offers:
        add_to_cart(client, offer, quantity=quantity)
    return place_order(client)


def _offers(n: int, *, brand: str = "BOSCH", **fields) -> list:
    warehouse = make_warehouse()
    return [make_offer(make_product(brand=brand), warehouse, **fields) for _ in range(n)]


def _cart_of(client_account, lines: int) -> None:
    for _ in range(lines):
        add_to_cart(client_account, make_offer(quantity=5), quantity=1)


def test_cabinet_frame_counts_positions_by_status_in_fixed_queries(client, signed_in, manager):
    # given: 3 new lines, 1 line moved to «Отказ», a shipped line of an archived order, another
    # client — all through the services (they keep the frame's counters)
    _cart_of(signed_in, 3)
    place_order(signed_in)
    _cart_of(signed_in, 1)
    refused = place_order(signed_in)
    services.line_refuse(line_ids=[refused.lines.get().pk], actor=manager, reason="Нет")
    _cart_of(signed_in, 1)
    archived = place_order(signed_in)
    services.line_status_set(
        line_ids=[archived.lines.get().pk],
        status_id=OrderStatus.objects.get(role="shipped").pk,
        actor=manager,
    )
    services.order_archive(client=signed_in, order_id=archived.pk)
    stranger = make_client(email="stranger@example.ru")
    _cart_of(stranger, 2)
    place_order(stranger)

    # when
    summary = None

    def read():
        nonlocal summary
        summary = cabinet_summary(client=signed_in)

    queries = count_queries(read)

    # then
    assert queries == 1  # balance, positions by status and unread chat in one statement
    assert summary.unread_chat == 0
    assert [(row.name, row.colour, row.count) for row in summary.status_counts] == [
        ("Новый", "#2563eb", 3),
        ("Отказ", "#dc2626", 1),
    ]
    assert summary.balance == Decimal("0.00")
    page = client.get(CHECKOUT).content.decode()
    assert 'data-testid="no-positions"' not in page
    assert "Отказ <b>1</b>" in page


def test_cabinet_frame_without_orders_says_there_are_no_positions(client, signed_in):
    assert cabinet_summary(client=signed_in).status_counts == []


def test_badge_counts_all_refusals_archive_included(client, signed_in, manager):
    orders = [_order(signed_in, *_offers(1)) for _ in range(5)]
    lines = [order.lines.get() for order in orders]
    services.line_refuse(line_ids=[line.pk for line in lines], actor=manager, reason="Нет")
    for line in lines[:3]:
        services.line_refusal_seen_set(client=signed_in, line_id=line.pk, seen=True)
    services.order_archive(client=signed_in, order_id=orders[0].pk)

    summary = cabinet_summary(client=signed_in)
    html = client.get(reverse("cart:detail")).content.decode()

    assert (summary.refusals_unseen, summary.refusals_total) == (2, 5)
    assert summary.refusals_label == "2 из 5 отказов не просмотрены"
    assert "2 из 5 отказов не просмотрены" in html
    assert re.search(r'data-testid="refusals-badge">2<', html)


@pytest.mark.parametrize(
    ("total", "unseen", "label"),
    [
        (5, 0, "Все отказы просмотрены"),
        (1, 1, "1 из 1 отказа не просмотрен"),
        (21, 21, "21 из 21 отказа не просмотрен"),
        (11, 11, "11 из 11 отказов не просмотрены"),
        (12, 2, "2 из 12 отказов не просмотрены"),
    ],
)
def test_refusals_label_agrees_in_number(total, unseen, label):
    assert CabinetSummary(refusals_total=total, refusals_unseen=unseen).refusals_label == label


def test_vin_requests_link_shows_the_managers_unread_messages(client, signed_in, manager):
    request = make_vin_request(signed_in)
    for text in ("Уточните год выпуска", "И объём двигателя"):
        garage_services.chat_message_post(
            request=request, author=manager, from_client=False, text=text
        )

    page = client.get(reverse("cabinet:profile")).content.decode()

    assert cabinet_summary(client=signed_in).unread_chat == 2
    assert re.search(r'VIN-запросы <span class="badge" title="Новые сообщения менеджера">2<', page)


def test_frame_and_navigation_are_on_every_cabinet_page(client, signed_in):
    for url in (reverse("cabinet:profile"), reverse("cart:detail"), reverse("orders:lines")):
        page = client.get(url).content.decode()

        assert 'data-testid="balance"' in page, url
        assert "0,00\u00a0₽" in page, url
        assert 'aria-label="Разделы кабинета"' in page, url
        assert f'href="{reverse("garage:requests")}"' in page, url


def test_current_section_is_marked_in_the_navigation(client, signed_in):
    page = client.get(reverse("cabinet:profile")).content.decode()

    assert f'href="{reverse("cabinet:profile")}" aria-current="page"' in page
    assert f'href="{reverse("cart:detail")}" aria-current' not in page


def test_frame_query_count_does_not_grow_with_the_orders(client, signed_in):
    _cart_of(signed_in, 5)
    place_order(signed_in)
    small = count_queries(lambda: client.get(reverse("cabinet:profile")))
    for _ in range(9):
        _cart_of(signed_in, 5)
        place_order(signed_in)

    large = count_queries(lambda: client.get(reverse("cabinet:profile")))

    assert small == large


@pytest.mark.parametrize("orders", [1, 8])
def test_frame_never_reads_the_order_lines(client, signed_in, manager, orders):
    """Issue 13: the frame reads the client's counters, not the lines — one statement
    (balance row, counters by status, unread chat, by key), the same for 1 order or 8, none
    on `orders_orderline`; a cabinet page that is not about orders reads no line at all."""
    # given: lines in «Новый», refused (one seen), and an archived order
    for _ in range(orders):
        order = _order(signed_in, *_offers(2))
    first, second = order.lines.order_by("pk")
    services.line_refuse(line_ids=[first.pk, second.pk], actor=manager, reason="Нет")
    services.line_refusal_seen_set(client=signed_in, line_id=first.pk, seen=True)
    services.order_archive(client=signed_in, order_id=order.pk)

    # when
    with CaptureQueriesContext(connection) as frame:
        summary = cabinet_summary(client=signed_in)
    with CaptureQueriesContext(connection) as page:
        html = client.get(reverse("cabinet:profile")).content.decode()

    # then
    assert len(frame.captured_queries) == 1
    assert not [q["sql"] for q in frame.captured_queries if "orders_orderline" in q["sql"]]
    assert not [q["sql"] for q in page.captured_queries if "orders_orderline" in q["sql"]]
    in_work = 2 * (orders - 1)
    assert [(row.name, row.count) for row in summary.status_counts] == (
        [("Новый", in_work)] if in_work else []
    )
    assert (summary.refusals_unseen, summary.refusals_total) == (1, 2)
    assert "1 из 2 отказов не просмотрен" in html


def test_frame_reads_the_balance_to_the_kopeck(client, signed_in, manager):
    # given: a balance that a float would not keep exactly (SQLite stores it as REAL)
    finance_services.manual_correction(
        client_id=signed_in.pk, amount=Decimal("1234567.89"), reason="Сверка с банком", by=manager
    )
    finance_services.manual_correction(
        client_id=signed_in.pk, amount=Decimal("-0.10"), reason="Сверка с банком", by=manager
    )

    summary = cabinet_summary(client=signed_in)

    assert summary.balance == Decimal("1234567.79")
    assert str(summary.balance) == "1234567.79"


def test_cabinet_page_reads_the_client_with_the_user(client, signed_in):
    """Issue 13: the signed-in user comes with its client row (one query), so a cabinet page
    does not read `accounts_client` again."""
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("cabinet:profile"))

    assert response.status_code == 200
    reads = [q["sql"] for q in page.captured_queries if 'FROM "accounts_client"' in q["sql"]]
    assert reads == []
    assert any('JOIN "accounts_client"' in q["sql"] for q in page.captured_queries)


def test_cabinet_home_opens_the_orders(client, signed_in):
    response = client.get(reverse("cabinet:home"))

    assert response.status_code == 302
    assert response.url == reverse("orders:lines")


def test_pickup_point_owner_is_told_in_russian_that_the_cabinet_is_for_clients(client):
    owner = User.objects.create_user(email="pvz@example.ru", password=PASSWORD)
    owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    client.force_login(owner)

    response = client.get("/cabinet/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "Личный кабинет доступен только клиентам магазина." in page
    assert 'data-testid="error-page"' in page
    assert 'aria-label="Разделы кабинета"' not in page  # no frame: there is no client


def test_phone_bar_shows_the_balance_and_what_waits_for_the_client(client, signed_in, manager):
    # given: two refusals not yet seen and one unread message of the manager
    order = _order(signed_in, *_offers(2))
    services.line_refuse(
        line_ids=list(order.lines.values_list("pk", flat=True)), actor=manager, reason="Нет"
    )
    garage_services.chat_message_post(
        request=make_vin_request(signed_in), author=manager, from_client=False, text="Год?"
    )

    page = client.get(reverse("orders:lines")).content.decode()

    # then: «Разделы» carries 2 + 1, the balance line the balance; the frame's script is a
    # static file (no inline script: a content security policy comes later)
    assert cabinet_summary(client=signed_in).attention == 3
    menu = re.search(r'<button[^>]*data-testid="menu-button".*?</button>', page, re.S).group(0)
    assert 'aria-controls="frame-nav"' in menu and 'aria-expanded="false"' in menu
    assert 'data-testid="menu-badge">3<' in menu
    balance = re.search(r'<button[^>]*data-testid="summary-button".*?</button>', page, re.S)
    assert "Баланс" in balance.group(0) and "0,00\u00a0₽" in balance.group(0)
    assert 'id="frame-nav"' in page and 'id="frame-summary"' in page
    assert page.index("js/cabinet.js") < page.index('id="cabinet-frame"')
    assert re.search(r'<script src="/static/js/cabinet\.js(\?[^"]*)?"></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_ticking_a_refusal_seen_updates_the_phone_menu_badge_too(client, signed_in, manager):
    order = _order(signed_in, *_offers(2))
    first, second = order.lines.order_by("pk")
    services.line_refuse(line_ids=[first.pk, second.pk], actor=manager, reason="Нет")

    response = client.post(
        reverse("orders:line_refusal_seen", args=[first.pk]),
        {"seen": "on", "next": reverse("orders:lines")},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert re.search(
        r'<span id="menu-badge" hx-swap-oob="true"><span class="badge" '
        r'data-testid="menu-badge">1</span></span>',
        html,
    )
