"""Cabinet «Заказы» / «Архив» (seed 004): the table, its filters, sorting, pagination, the
history popup, refusals, the seen flag, «Перезаказ», the archive and the badge."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.orders import cabinet_selectors, services
from mprating.orders.models import Order, OrderLine, OrderStatus, RefusalState
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db

LINES = "/cabinet/orders/"
ARCHIVE = "/cabinet/orders/archive/"


def _status(role: str) -> OrderStatus:
    return OrderStatus.objects.get(role=role)


def _order(client, *offers, quantity: int = 1) -> Order:
    for offer in offers:
        add_to_cart(client, offer, quantity=quantity)
    return place_order(client)


def _offers(n: int, *, brand: str = "BOSCH", **fields) -> list:
    warehouse = make_warehouse()
    return [make_offer(make_product(brand=brand), warehouse, **fields) for _ in range(n)]


def _set(lines, role: str, actor=None, comment: str = "") -> None:
    services.line_status_set(
        line_ids=[line.pk for line in lines],
        status_id=_status(role).pk,
        actor=actor,
        comment=comment,
    )


def _rows(response) -> list[str]:
    return re.findall(r'data-line="(\d+)"', response.content.decode())


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Заказов", phone="+79035550077")
    client.force_login(account.user)
    return account


@pytest.fixture
def manager():
    return make_staff(email="manager@example.ru")


def test_url_names_and_placed_route_still_resolve():
    assert reverse("orders:lines") == LINES
    assert reverse("orders:archive") == ARCHIVE
    assert reverse("orders:return_policy") == "/cabinet/orders/return-policy/"
    assert reverse("orders:line_history", args=[7]) == "/cabinet/orders/lines/7/history/"
    assert reverse("orders:placed", args=["MP-000007"]) == "/cabinet/orders/MP-000007/"
    assert reverse("orders:checkout") == "/cabinet/orders/checkout/"


def test_lines_page_shows_twelve_columns_in_seed_order(client, signed_in):
    offer = make_offer(
        make_product(brand="SACHS", article="313 484", name="Амортизатор передний"),
        price="5230.00",
        return_days=14,
    )
    Offer.objects.filter(pk=offer.pk).update(return_deduction_percent=Decimal("10"))
    order = _order(signed_in, offer, quantity=2)

    response = client.get(LINES)

    assert response.status_code == 200
    html = response.content.decode()
    headers = re.findall(r'data-testid="sort-(\w+)"', html)
    assert headers == [
        "date",
        "number",
        "brand",
        "article",
        "name",
        "quantity",
        "price",
        "status",
        "return",
        "seen",
        "delivery",
        "comment",
    ]
    assert order.number in html
    assert "SACHS" in html and "313 484" in html and "Амортизатор передний" in html
    assert "5\u202f230,00" in html
    assert "Новый" in html
    assert "возврат 14&nbsp;дн." in html and "удержание 10&nbsp;%" in html
    assert 'href="/cabinet/orders/return-policy/"' in html
    # The refusal-seen checkbox only appears on lines in «Отказ».
    assert 'data-testid="line-seen"' not in html


def test_non_returnable_line_reads_nevozvratny(client, signed_in):
    _order(signed_in, make_offer(is_returnable=False, return_days=0))

    assert "невозвратный" in client.get(LINES).content.decode()


def test_archived_orders_are_only_in_archive(client, signed_in):
    kept = _order(signed_in, *_offers(1))
    gone = _order(signed_in, *_offers(1))
    Order.objects.filter(pk=gone.pk).update(archived_at=timezone.now())

    in_work = client.get(LINES).content.decode()
    archived = client.get(ARCHIVE).content.decode()

    assert kept.number in in_work and gone.number not in in_work
    assert gone.number in archived and kept.number not in archived


@pytest.mark.parametrize("sort", ["-date", "price", "-status"])
def test_other_clients_lines_are_never_listed(client, signed_in, sort):
    other = make_client(phone="+79035550078")
    foreign = _order(other, *_offers(2))
    own = _order(signed_in, *_offers(1))

    rows = _rows(client.get(LINES, {"sort": sort}))

    assert rows == [str(own.lines.get().pk)]
    assert not set(rows) & {str(pk) for pk in foreign.lines.values_list("pk", flat=True)}


# --- filters -------------------------------------------------------------------------


def test_filter_by_order_number_accepts_short_form(client, signed_in):
    first = _order(signed_in, *_offers(1))
    second = _order(signed_in, *_offers(1))

    html = client.get(LINES, {"number": str(first.pk)}).content.decode()

    assert first.number in html and second.number not in html


def test_filter_by_brand_and_normalized_article(client, signed_in):
    wanted = make_offer(make_product(brand="SACHS", article="0 986-452.041"))
    other = make_offer(make_product(brand="MANN", article="W 712/75"))
    order = _order(signed_in, wanted, other)
    line = order.lines.get(article="0 986-452.041")

    by_article = client.get(LINES, {"article": "0986452041"})
    by_brand = client.get(LINES, {"brand": "mann"})

    assert _rows(by_article) == [str(line.pk)]
    assert _rows(by_brand) == [str(order.lines.get(brand_name="MANN").pk)]


def test_filter_by_date_range(client, signed_in):
    now = timezone.now()
    old = _order(signed_in, *_offers(1))
    Order.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=10))
    new = _order(signed_in, *_offers(1))
    day = timezone.localdate()

    recent = client.get(LINES, {"date_from": (day - timedelta(days=1)).isoformat()})
    earlier = client.get(LINES, {"date_to": (day - timedelta(days=5)).isoformat()})

    assert new.number in recent.content.decode() and old.number not in recent.content.decode()
    assert old.number in earlier.content.decode() and new.number not in earlier.content.decode()


def test_inverted_date_range_shows_russian_error_and_ignores_the_range(client, signed_in):
    order = _order(signed_in, *_offers(1))

    response = client.get(LINES, {"date_from": "2026-05-10", "date_to": "2026-05-01"})

    html = response.content.decode()
    assert "Дата «по» раньше даты «с»." in html
    assert order.number in html


def test_filter_by_status_source_and_refusals(client, signed_in, manager):
    home = _offers(2)
    transit = make_offer(warehouse=make_warehouse(kind=Warehouse.Kind.TRANSIT))
    order = _order(signed_in, *home, transit)
    seen_line, unseen_line = list(order.lines.filter(source="home").order_by("pk"))
    transit_line = order.lines.get(source="transit")
    services.line_refuse(
        line_ids=[seen_line.pk, unseen_line.pk], actor=manager, reason="Нет в наличии"
    )
    services.line_refusal_seen_set(client=signed_in, line_id=seen_line.pk, seen=True)

    by_status = client.get(LINES, {"status": _status("refused").pk})
    by_source = client.get(LINES, {"source": "transit"})
    refusals = client.get(LINES, {"refusals": "on"})
    unseen = client.get(LINES, {"unseen": "on"})

    assert sorted(_rows(by_status)) == sorted([str(seen_line.pk), str(unseen_line.pk)])
    assert _rows(by_source) == [str(transit_line.pk)]
    assert sorted(_rows(refusals)) == sorted([str(seen_line.pk), str(unseen_line.pk)])
    assert _rows(unseen) == [str(unseen_line.pk)]


def test_unknown_status_choice_is_a_russian_error(client, signed_in):
    _order(signed_in, *_offers(1))

    html = client.get(LINES, {"status": "999999"}).content.decode()

    assert "Выберите статус из списка." in html


def test_no_match_says_so(client, signed_in):
    _order(signed_in, *_offers(1))

    html = client.get(LINES, {"brand": "NOSUCH"}).content.decode()

    assert "Под фильтры не подходит ни одна позиция." in html


# --- sorting and pagination -------------------------------------------------------------


def test_sort_by_price_both_ways_and_default_newest_first(client, signed_in):
    warehouse = make_warehouse()
    cheap = make_offer(make_product(), warehouse, price="100.00")
    dear = make_offer(make_product(), warehouse, price="900.00")
    first = _order(signed_in, dear)
    second = _order(signed_in, cheap)
    dear_line, cheap_line = first.lines.get(), second.lines.get()

    assert _rows(client.get(LINES)) == [str(cheap_line.pk), str(dear_line.pk)]
    assert _rows(client.get(LINES, {"sort": "price"})) == [str(cheap_line.pk), str(dear_line.pk)]
    assert _rows(client.get(LINES, {"sort": "-price"})) == [
        str(dear_line.pk),
        str(cheap_line.pk),
    ]
    assert _rows(client.get(LINES, {"sort": "date"})) == [str(dear_line.pk), str(cheap_line.pk)]


@pytest.mark.parametrize("key", list(cabinet_selectors.SORTS))
def test_every_sort_key_works_both_ways(client, signed_in, key):
    _order(signed_in, *_offers(3))

    for sort in (key, f"-{key}"):
        response = client.get(LINES, {"sort": sort})
        assert response.status_code == 200
        assert len(_rows(response)) == 3


def test_unknown_sort_falls_back_to_default(client, signed_in):
    _order(signed_in, *_offers(2))

    response = client.get(LINES, {"sort": "client__user__password"})

    assert response.status_code == 200
    assert len(_rows(response)) == 2


def test_sort_link_toggles_direction_and_keeps_filters(client, signed_in):
    _order(signed_in, *_offers(1, brand="SACHS"))

    html = client.get(LINES, {"brand": "SACHS", "sort": "price"}).content.decode()

    link = re.search(r'href="\?([^"]+)" class="oc-sort" data-testid="sort-price"', html).group(1)
    assert "brand=SACHS" in link and "sort=-price" in link


def test_pagination_without_count(client, signed_in, monkeypatch):
    monkeypatch.setattr(cabinet_selectors, "PER_PAGE", 2)
    order = _order(signed_in, *_offers(5))
    ids = [str(pk) for pk in order.lines.order_by("-id").values_list("pk", flat=True)]

    first = client.get(LINES)
    third = client.get(LINES, {"page": 3})
    beyond = client.get(LINES, {"page": 4})

    assert _rows(first) == ids[:2]
    assert 'data-testid="page-next"' in first.content.decode()
    assert "page=2" in first.content.decode()
    assert _rows(third) == ids[4:]
    assert 'data-testid="page-next"' not in third.content.decode()
    assert 'data-testid="page-prev"' in third.content.decode()
    assert _rows(beyond) == []
    assert " из " not in re.search(r"Страница \d+[^<]*", first.content.decode()).group(0)


def test_bad_page_number_reads_as_first(client, signed_in):
    _order(signed_in, *_offers(1))

    assert len(_rows(client.get(LINES, {"page": "abc"}))) == 1


def test_list_query_count_is_constant(client, signed_in):
    small = _order(signed_in, *_offers(5))
    assert small.lines.count() == 5
    client.get(LINES)  # the first visit of a session also runs the archive check
    few = count_queries(lambda: client.get(LINES))
    _order(signed_in, *_offers(45))
    many = count_queries(lambda: client.get(LINES))

    assert few == many
    assert many <= 14


def test_archive_query_count_is_constant(client, signed_in, manager):
    order = _order(signed_in, *_offers(5))
    _set(order.lines.all(), "refused", actor=manager, comment="Нет в наличии")
    services.order_archive(client=signed_in, order_id=order.pk)
    client.get(ARCHIVE)  # the first visit of a session also runs the archive check
    few = count_queries(lambda: client.get(ARCHIVE))
    bigger = _order(signed_in, *_offers(45))
    _set(bigger.lines.all(), "refused", actor=manager, comment="Нет в наличии")
    services.order_archive(client=signed_in, order_id=bigger.pk)
    many = count_queries(lambda: client.get(ARCHIVE))

    assert few == many


# --- history popup ----------------------------------------------------------------------


def test_history_popup_lists_movements_with_time_who_and_comment(client, signed_in, manager):
    order = _order(signed_in, *_offers(1))
    line = order.lines.get()
    _set([line], "shipped", actor=manager, comment="Отгружено курьером")

    response = client.get(
        reverse("orders:line_history", args=[line.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Информация о позиции" in html
    assert html.count('data-testid="history-row"') == 2
    assert "Новый" in html and "Отгружен" in html and "Отгружено курьером" in html
    assert "менеджер" in html


def test_history_full_page_without_htmx(client, signed_in):
    line = _order(signed_in, *_offers(1)).lines.get()

    response = client.get(reverse("orders:line_history", args=[line.pk]))

    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_history_query_count_is_constant(client, signed_in, manager):
    line = _order(signed_in, *_offers(1)).lines.get()
    url = reverse("orders:line_history", args=[line.pk])
    headers = {"HX-Request": "true"}
    few = count_queries(lambda: client.get(url, headers=headers))
    for role in ("refused", "new", "shipped", "refused", "new"):
        _set([line], role, actor=manager)
    many = count_queries(lambda: client.get(url, headers=headers))

    assert few == many


# --- refusal request ------------------------------------------------------------------


def test_refuse_button_only_before_shipped(client, signed_in, manager):
    order = _order(signed_in, *_offers(2))
    open_line, shipped_line = order.lines.order_by("pk")
    _set([shipped_line], "shipped", actor=manager)

    html = client.get(LINES).content.decode()

    open_row = re.search(rf'id="line-{open_line.pk}".*?</tr>', html, re.S).group(0)
    shipped_row = re.search(rf'id="line-{shipped_line.pk}".*?</tr>', html, re.S).group(0)
    assert "Отказаться от заказа" in open_row
    assert "Отказаться от заказа" not in shipped_row
    # «Создать возврат» comes from the returns app through orders.hooks (tested there, on
    # shipped lines only); a line not shipped yet never offers it.
    assert "Создать возврат" not in open_row


def test_refuse_with_htmx_swaps_row_with_pending_comment(client, signed_in):
    line = _order(signed_in, *_offers(1)).lines.get()

    response = client.post(
        reverse("orders:line_refuse", args=[line.pk]),
        {"next": LINES},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="line-{line.pk}"')
    assert "Отказ от заказа на рассмотрении" in html
    assert 'data-testid="line-refuse"' not in html
    line.refresh_from_db()
    assert line.refusal_state == RefusalState.REQUESTED


def test_refuse_after_shipped_is_refused_with_message(client, signed_in, manager):
    line = _order(signed_in, *_offers(1)).lines.get()
    _set([line], "shipped", actor=manager)

    response = client.post(reverse("orders:line_refuse", args=[line.pk]), {"next": LINES})

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Позиция уже отгружена" in page
    line.refresh_from_db()
    assert line.refusal_state == ""


def test_confirmed_refusal_reads_otkaz_klienta_with_reorder_and_unseen_flag(
    client, signed_in, manager
):
    line = _order(signed_in, *_offers(1)).lines.get()
    services.line_refusal_request(client=signed_in, line_id=line.pk)
    services.line_refusal_confirm(line_ids=[line.pk], actor=manager)

    html = client.get(LINES).content.decode()

    row = re.search(rf'id="line-{line.pk}".*?</tr>', html, re.S).group(0)
    assert "Отказ клиента" in row
    assert 'data-testid="line-seen"' in row and "checked" not in row
    assert "Перезаказ" in row
    assert "1 из 1 отказа не просмотрен" in html


# --- seen flag and badge ----------------------------------------------------------------


def test_seen_checkbox_saves_and_updates_badges_out_of_band(client, signed_in, manager):
    order = _order(signed_in, *_offers(2))
    first, second = order.lines.order_by("pk")
    services.line_refuse(line_ids=[first.pk, second.pk], actor=manager, reason="Нет в наличии")

    response = client.post(
        reverse("orders:line_refusal_seen", args=[first.pk]),
        {"seen": "on", "next": LINES},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    first.refresh_from_db()
    assert first.refusal_seen is True
    assert 'id="refusals-nav-badge" hx-swap-oob="true"' in html
    assert "1 из 2 отказов не просмотрен" in html

    client.post(
        reverse("orders:line_refusal_seen", args=[first.pk]),
        {"next": LINES},
        headers={"HX-Request": "true"},
    )
    first.refresh_from_db()
    assert first.refusal_seen is False


def test_seen_on_a_line_not_refused_is_an_error_and_changes_nothing(client, signed_in):
    line = _order(signed_in, *_offers(1)).lines.get()

    response = client.post(
        reverse("orders:line_refusal_seen", args=[line.pk]),
        {"seen": "on"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "только у позиции в статусе «Отказ»" in response.content.decode()
    line.refresh_from_db()
    assert line.refusal_seen is False


def test_no_refusals_no_badge(client, signed_in):
    _order(signed_in, *_offers(1))

    html = client.get(LINES).content.decode()

    assert 'data-testid="refusals-badge"' not in html
    assert 'data-testid="refusals-frame"' not in html


# --- reorder ----------------------------------------------------------------------------


def test_reorder_puts_the_article_back_into_the_cart(client, signed_in, manager):
    offer = make_offer(make_product(brand="SACHS", article="313 484"), quantity=10)
    line = _order(signed_in, offer, quantity=2).lines.get()
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")

    response = client.post(reverse("orders:line_reorder", args=[line.pk]), {"next": LINES})

    assert response.status_code == 302
    assert response.url == reverse("cart:detail")
    cart_line = CartLine.objects.get(client=signed_in)
    assert cart_line.offer_id == offer.pk and cart_line.quantity == 2
    assert "SACHS 313 484 добавлен в корзину: 2 шт." in client.get(response.url).content.decode()


def test_reorder_without_offer_shows_clear_message(client, signed_in, manager):
    offer = make_offer(quantity=1)
    line = _order(signed_in, offer).lines.get()
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    # The refusal gave the piece back; another buyer has taken it meanwhile.
    Offer.objects.filter(pk=offer.pk).update(quantity=0)
    assert Offer.objects.get(pk=offer.pk).quantity == 0

    response = client.post(
        reverse("orders:line_reorder", args=[line.pk]), {"next": LINES}, follow=True
    )

    assert "сейчас нет предложений в наличии" in response.content.decode()
    assert not CartLine.objects.filter(client=signed_in).exists()


def test_reorder_is_offered_in_the_archive(client, signed_in, manager):
    order = _order(signed_in, *_offers(1))
    _set(order.lines.all(), "refused", actor=manager, comment="Нет в наличии")
    services.order_archive(client=signed_in, order_id=order.pk)

    html = client.get(ARCHIVE).content.decode()

    assert 'data-testid="line-reorder"' in html
    assert 'data-testid="order-archive"' not in html


# --- archive ----------------------------------------------------------------------------


def test_archive_button_only_when_all_lines_are_final(client, signed_in, manager):
    done = _order(signed_in, *_offers(2))
    _set(done.lines.all(), "shipped", actor=manager)
    busy = _order(signed_in, *_offers(2))
    _set(busy.lines.all()[:1], "shipped", actor=manager)

    html = client.get(LINES).content.decode()

    buttons = re.findall(r"/cabinet/orders/order/(\d+)/archive/", html)
    assert buttons == [str(done.pk)]


def test_manual_archive_moves_order(client, signed_in, manager):
    order = _order(signed_in, *_offers(1))
    _set(order.lines.all(), "shipped", actor=manager)

    response = client.post(
        reverse("orders:order_archive", args=[order.pk]), {"next": LINES}, follow=True
    )

    html = response.content.decode()
    assert f"Заказ {order.number} перенесён в архив." in html
    order.refresh_from_db()
    assert order.archived_at is not None
    assert order.number in client.get(ARCHIVE).content.decode()


def test_manual_archive_of_unfinished_order_explains(client, signed_in):
    order = _order(signed_in, *_offers(1))

    response = client.post(reverse("orders:order_archive", args=[order.pk]), follow=True)

    assert "когда все его позиции в завершающих статусах" in response.content.decode()
    order.refresh_from_db()
    assert order.archived_at is None


def test_opening_orders_auto_archives_old_finished_orders_as_unseen(client, signed_in, manager):
    with time_machine.travel(timezone.now() - timedelta(days=75), tick=False):
        old = _order(signed_in, *_offers(1))
        services.line_refuse(line_ids=[old.lines.get().pk], actor=manager, reason="Нет")
        services.line_refusal_seen_set(client=signed_in, line_id=old.lines.get().pk, seen=True)
    fresh = _order(signed_in, *_offers(1))

    html = client.get(LINES).content.decode()

    old.refresh_from_db()
    assert old.archived_at is not None
    assert old.number not in html and fresh.number in html
    assert old.lines.get().refusal_seen is False
    assert "1 из 1 отказа не просмотрен" in html


# --- 404 ----------------------------------------------------------------------------------


def test_another_clients_line_and_order_are_404(client, signed_in, manager):
    other = make_client(phone="+79035550079")
    order = _order(other, *_offers(1))
    line = order.lines.get()
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет")

    assert client.get(reverse("orders:line_history", args=[line.pk])).status_code == 404
    assert client.post(reverse("orders:line_refuse", args=[line.pk])).status_code == 404
    assert client.post(reverse("orders:line_refusal_seen", args=[line.pk])).status_code == 404
    assert client.post(reverse("orders:line_reorder", args=[line.pk])).status_code == 404
    assert client.post(reverse("orders:order_archive", args=[order.pk])).status_code == 404
    line.refresh_from_db()
    assert line.refusal_seen is False
    assert not CartLine.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(LINES)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_return_policy_page(client, signed_in):
    html = client.get(reverse("orders:return_policy")).content.decode()

    assert "Политика возврата товаров" in html
    assert "невозвратный" in html and "удержание" in html
    assert "Отгружен" in html


def test_nav_has_orders_and_archive(client, signed_in):
    html = client.get(reverse("cart:detail")).content.decode()

    assert f'href="{LINES}"' in html and f'href="{ARCHIVE}"' in html


def test_lines_are_plain_rows_of_the_clients_lines(signed_in):
    _order(signed_in, *_offers(1))
    page = cabinet_selectors.lines_page(
        client=signed_in, archived=False, filters=cabinet_selectors.LineFilters()
    )
    line = OrderLine.objects.get(client=signed_in)
    assert isinstance(page.lines[0], cabinet_selectors.PageLine)
    assert page.lines[0].pk == line.pk and page.lines[0].order.number == line.order.number
    assert page.lines[0].order_all_final is False


def test_archive_check_runs_once_per_session_every_ten_minutes(client, signed_in, monkeypatch):
    calls = []
    original = services.orders_auto_archive
    monkeypatch.setattr(
        services, "orders_auto_archive", lambda **kw: calls.append(kw) or original(**kw)
    )

    with time_machine.travel("2026-11-22 12:00", tick=False):
        client.get(LINES)
        client.get(ARCHIVE)
    with time_machine.travel("2026-11-22 12:11", tick=False):
        client.get(LINES)

    assert [call["client"] for call in calls] == [signed_in, signed_in]


@pytest.mark.parametrize("archived", [False, True])
def test_orders_and_archive_show_dates_as_dd_mm_yyyy(client, signed_in, manager, archived):
    # given: an order placed on 30.11.2026 (Moscow) with a line due three days later
    with time_machine.travel("2026-11-30 10:00 +03:00", tick=False):
        order = _order(signed_in, make_offer(delivery_days=3))
    line = order.lines.get()
    if archived:
        _set([line], "shipped", actor=manager)
        services.order_archive(client=signed_in, order_id=order.pk)

    html = client.get(ARCHIVE if archived else LINES).content.decode()

    # then: ДД.ММ.ГГГГ as everywhere else, never the short «30.11.26»
    row = re.search(rf'<tr id="line-{line.pk}".*?</tr>', html, re.S).group(0)
    assert ">30.11.2026</td>" in row
    assert f">{line.expected_delivery_date:%d.%m.%Y}</td>" in row
    assert not re.search(r"\b\d\d\.\d\d\.\d\d\b(?!\d)", re.sub(r"<[^>]+>", " ", row))


def test_filters_fold_on_a_phone_unless_a_filter_is_set(client, signed_in):
    _order(signed_in, *_offers(1))

    plain = client.get(LINES).content.decode()
    filtered = client.get(LINES, {"brand": "BOSCH"}).content.decode()

    def form_tag(html: str) -> str:
        return re.search(r'<form method="get" id="order-filters"[^>]*>', html).group(0)

    assert "is-open" not in form_tag(plain)
    assert 'aria-controls="order-filters" aria-expanded="false"' in plain
    assert "fold-panel is-open" in form_tag(filtered)
    assert 'aria-controls="order-filters" aria-expanded="true"' in filtered
    assert "Фильтры · заданы" in filtered
