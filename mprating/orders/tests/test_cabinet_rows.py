"""The cabinet «Заказы» rows (orders.cabinet_rows) escape with the standard library: byte for
byte what Django's `escape` writes, for hostile values in every cell and every kind of row."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import html as django_html
from django.utils import timezone

from mprating.orders import cabinet_rows
from mprating.orders.hooks import LineAction

HOSTILE = '<b>"O\'Reilly" & «Ёж»</b>'


def _line(*, refused: bool, final: bool, returnable: bool, **fields) -> SimpleNamespace:
    values = {
        "pk": 41,
        "order_id": 7,
        "order": SimpleNamespace(
            pk=7, number="MP-<7>&'", created_at=dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC)
        ),
        "status": SimpleNamespace(colour='#fff"><x', name=HOSTILE, is_final=final),
        "is_refused": refused,
        "order_all_final": final,
        "refusal_state": "",
        "refusal_seen": False,
        "brand_name": HOSTILE,
        "article": "A&B <1>",
        "product_name": HOSTILE,
        "quantity": 3,
        "price": Decimal("1234.5"),
        "is_returnable": returnable,
        "return_days": 14,
        "return_deduction_percent": Decimal("12.50"),
        "expected_delivery_date": dt.date(2026, 12, 1),
        "manager_comment": HOSTILE + "\nещё",
        "extra_actions": [LineAction(label=HOSTILE, url="/r/?a=1&b=<2>", name='n"', hint=HOSTILE)],
    }
    values.update(fields)
    return SimpleNamespace(**values)


LINES = [
    _line(refused=False, final=False, returnable=True),
    _line(refused=True, final=True, returnable=False, refusal_seen=True),
    _line(refused=True, final=True, returnable=True, product_name="", manager_comment=""),
    _line(refused=False, final=True, returnable=True, return_deduction_percent=None),
    _line(refused=False, final=False, returnable=False, expected_delivery_date=None),
]


@pytest.mark.parametrize("archived", [False, True])
@pytest.mark.parametrize("line", LINES)
def test_rows_escape_as_django_does(monkeypatch, line, archived):
    def render() -> str:
        ctx = cabinet_rows.row_context(
            archived=archived, next_url="/cabinet/orders/?q=<1>&x='2'", csrf_token="t<&>"
        )
        return cabinet_rows.line_row(line, ctx, first_of_order=True, row_error=HOSTILE)

    fast = render()
    monkeypatch.setattr(cabinet_rows, "escape", django_html.escape)

    assert fast == render()
    assert "&lt;b&gt;&quot;O&#x27;Reilly&quot; &amp;" in fast


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok", "UTC"])
def test_row_date_is_in_the_requests_time_zone(zone):
    # Given: an order placed late in the evening UTC (the next day in Moscow and Vladivostok)
    created = dt.datetime(2026, 11, 30, 22, 5, tzinfo=dt.UTC)
    line = _line(refused=False, final=False, returnable=True)
    line.order = SimpleNamespace(pk=7, number="MP-000007", created_at=created)

    # When: the row is written under the zone
    with timezone.override(zone):
        ctx = cabinet_rows.row_context(archived=False, next_url="/", csrf_token="t")
        row = cabinet_rows.line_row(line, ctx, first_of_order=False)
        local = timezone.localtime(created)

    # Then: the date and the time are those `timezone.localtime` gives there
    assert f'title="{local:%d.%m.%Y %H:%M}">{local:%d.%m.%Y}</td>' in row, row
