"""Cabinet «Заказы» / «Архив»: keyset pages («Вперёд →» / «← Назад» carry a cursor) and the
rows written by `orders.cabinet_rows` (issue 13)."""

import html
import re

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.orders import cabinet_selectors, services
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db

LINES = "/cabinet/orders/"
ARCHIVE = "/cabinet/orders/archive/"


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Страничный", phone="+79035550078")
    client.force_login(account.user)
    return account


def _lines(account, prices: list[str], brands: list[str] | None = None) -> list[OrderLine]:
    """Two lines per order (so that the date sort has ties within an order)."""
    warehouse = make_warehouse()
    brands = brands or ["BOSCH"] * len(prices)
    for index, (price, brand) in enumerate(zip(prices, brands, strict=True)):
        add_to_cart(account, make_offer(make_product(brand=brand), warehouse, price=price))
        if index % 2 == 1:
            place_order(account)
    if len(prices) % 2:
        place_order(account)
    return list(OrderLine.objects.filter(client=account))


def _rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-line="(\d+)"', response.content.decode())]


def _link(response, testid: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" data-testid="{testid}"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def _number(response) -> int:
    return int(re.search(r"Страница (\d+)", response.content.decode()).group(1))


@pytest.mark.parametrize(
    ("url", "sort"),
    [(LINES, "-date"), (LINES, "-price"), (LINES, "brand"), (LINES, "return"), (ARCHIVE, "-date")],
)
def test_next_and_back_walk_the_same_pages_as_the_whole_ordering(
    client, signed_in, monkeypatch, url, sort
):
    # given: 7 lines with equal prices and brands (ties broken by the id), 2 per page
    lines = _lines(
        signed_in,
        ["300.00", "100.00", "300.00", "200.00", "100.00", "300.00", "50.00"],
        ["NGK", "BOSCH", "NGK", "SACHS", "BOSCH", "NGK", "AISIN"],
    )
    if url == ARCHIVE:
        services.line_status_set(
            line_ids=[line.pk for line in lines],
            status_id=OrderStatus.objects.get(role="refused").pk,
            actor=make_staff(email="manager@example.ru"),
        )
        for order in signed_in.orders.all():
            services.order_archive(client=signed_in, order_id=order.pk)
    whole = cabinet_selectors.lines_page(
        client=signed_in,
        archived=url == ARCHIVE,
        filters=cabinet_selectors.LineFilters(),
        sort=sort,
        per_page=100,
    )
    expected = [line.pk for line in whole.lines]
    monkeypatch.setattr(cabinet_selectors, "PER_PAGE", 2)

    # when: «Вперёд →» to the end, then «← Назад» back to the start
    forward, numbers = [], []
    response = client.get(url, {"sort": sort})
    for _ in range(10):  # a broken cursor must fail the test, not loop for ever
        forward.append(_rows(response))
        numbers.append(_number(response))
        link = _link(response, "page-next")
        if link is None:
            break
        assert "after=" in link and f"page={len(numbers) + 1}" in link
        response = client.get(url + link)
    backward = []
    for _ in range(10):
        backward.append(_rows(response))
        link = _link(response, "page-prev")
        if link is None:
            break
        response = client.get(url + link)

    # then
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [2, 2, 2, 1]
    assert numbers == [1, 2, 3, 4]
    assert backward == forward[::-1]
    assert _number(response) == 1


def test_an_old_page_link_is_still_an_offset_page(client, signed_in, monkeypatch):
    _lines(signed_in, ["10.00"] * 5)
    ids = [
        line.pk for line in OrderLine.objects.filter(client=signed_in).order_by("-order_id", "-id")
    ]
    monkeypatch.setattr(cabinet_selectors, "PER_PAGE", 2)

    second = client.get(LINES, {"page": 2})

    assert _rows(second) == ids[2:4]
    assert _link(second, "page-prev") == "?page=1"
    assert _rows(client.get(LINES + _link(second, "page-next"))) == ids[4:]


BAD_CURSORS = [
    "garbage",
    "!!!",
    cabinet_selectors.encode_cursor("-price", ["100.00", 1]),  # made for another sort
    cabinet_selectors.encode_cursor("-date", ["abc", 1]),  # a value of the wrong type
    cabinet_selectors.encode_cursor("-date", [1]),  # too short
    cabinet_selectors.encode_cursor("-date", [None, 1]),
    cabinet_selectors.encode_cursor("-date", [[1], 1]),
]


def test_a_bad_cursor_gives_the_first_page(client, signed_in, monkeypatch):
    _lines(signed_in, ["10.00"] * 3)
    monkeypatch.setattr(cabinet_selectors, "PER_PAGE", 2)
    first = _rows(client.get(LINES))

    for cursor in BAD_CURSORS:
        for direction in ("after", "before"):
            response = client.get(LINES, {direction: cursor, "page": 7})

            assert response.status_code == 200
            assert _rows(response) == first, (direction, cursor)
            assert _number(response) == 1
            assert _link(response, "page-prev") is None


@pytest.mark.parametrize(("url", "sort"), [(LINES, "-date"), (LINES, "-price"), (ARCHIVE, "-date")])
def test_keyset_page_query_count_is_constant(client, signed_in, url, sort):
    """A cursor before every row: the page is all the rows (5, then 50), through `after`."""
    archived = url == ARCHIVE
    start = cabinet_selectors.encode_cursor(
        sort, [10**9, 10**9] if sort == "-date" else ["99999999.00", 10**9]
    )
    manager = make_staff(email="manager@example.ru")
    refused = OrderStatus.objects.get(role="refused")

    def add(count: int, price: str) -> None:
        _lines(signed_in, [price] * count)
        if not archived:
            return
        services.line_status_set(
            line_ids=list(
                OrderLine.objects.filter(client=signed_in)
                .exclude(status=refused)
                .values_list("pk", flat=True)
            ),
            status_id=refused.pk,
            actor=manager,
        )
        for order in signed_in.orders.filter(archived_at__isnull=True):
            services.order_archive(client=signed_in, order_id=order.pk)

    def page() -> tuple[int, int]:
        client.get(url)  # the first visit of a session also runs the archive check
        queries = count_queries(lambda: client.get(url, {"sort": sort, "after": start}))
        return queries, len(_rows(client.get(url, {"sort": sort, "after": start})))

    add(5, "10.00")
    few, five = page()
    add(45, "20.00")
    many, fifty = page()

    assert (five, fifty) == (5, 50)
    assert few == many


def test_row_links_are_the_reversed_urls(client, signed_in):
    refused, open_line = sorted(_lines(signed_in, ["10.00", "20.00"]), key=lambda line: line.pk)
    services.line_status_set(
        line_ids=[refused.pk],
        status_id=OrderStatus.objects.get(role="refused").pk,
        actor=make_staff(email="manager@example.ru"),
    )

    page = client.get(LINES, {"brand": "BOSCH"}).content.decode()

    assert f'href="{reverse("orders:placed", args=[refused.order.number])}"' in page
    assert f'action="{reverse("orders:line_reorder", args=[refused.pk])}"' in page
    assert f'hx-post="{reverse("orders:line_refusal_seen", args=[refused.pk])}"' in page
    assert f'hx-post="{reverse("orders:line_refuse", args=[open_line.pk])}"' in page
    assert f'hx-get="{reverse("orders:line_history", args=[open_line.pk])}"' in page
    # The page to come back to: once for every row's htmx request (inherited from <tbody>),
    # and in each form for a browser without JavaScript.
    tbody = html.unescape(re.search(r"<tbody ([^>]*)>", page).group(1))
    assert tbody.endswith('hx-vals="{"next": "/cabinet/orders/?brand\\u003DBOSCH"}"')
    assert page.count('name="next" value="/cabinet/orders/?brand=BOSCH"') == 2
