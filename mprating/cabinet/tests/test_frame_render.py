"""`{% cabinet_frame %}` (cabinet.frame) writes the frame and navigation in Python, cached per
state: byte for byte what the reference template `cabinet/_aside.html` renders, in every state
and with hostile values, and never a stale state from its cache."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory

from mprating.cabinet import frame
from mprating.cabinet.navigation import NavItem, cabinet_nav
from mprating.cabinet.selectors import CabinetSummary
from mprating.orders.selectors import StatusCount

HOSTILE = '<b>"O\'Reilly" & «Ёж»</b> {{ x }}'

SUMMARIES = [
    CabinetSummary(),
    CabinetSummary(
        balance=Decimal("-1234567.50"),
        status_counts=[
            StatusCount(name="Новый", colour="#2563eb", count=1),
            StatusCount(name=HOSTILE, colour='"><script>', count=123456),
        ],
        unread_chat=3,
        refusals_total=5,
        refusals_unseen=2,
    ),
    CabinetSummary(balance=Decimal("0.5"), refusals_total=1, refusals_unseen=1),
    CabinetSummary(balance=Decimal("10"), refusals_total=21, refusals_unseen=0, unread_chat=1),
    CabinetSummary(
        status_counts=[StatusCount(name="Отказ", colour="", count=0)], refusals_unseen=11
    ),
]
HOSTILE_NAV = [
    NavItem(url="/cabinet/a&b/<1>/", label=HOSTILE, testid='t"<x>', badge="refusals"),
    NavItem(url="/cabinet/chat/", label="Чат", badge="chat"),
    NavItem(url="/cabinet/plain/", label="Просто"),
]


def _contexts():
    navs = [cabinet_nav(), HOSTILE_NAV]
    for summary in SUMMARIES:
        for nav in navs:
            for path in [*(item.url for item in nav), "/cabinet/elsewhere/"]:
                yield summary, nav, path


def _reference(summary, nav, path) -> str:
    request = RequestFactory().get(path)
    context = {"cabinet_summary": summary, "cabinet_nav": nav, "request": request}
    return get_template("cabinet/_aside.html").render(context, request)


def _tag(summary, nav, path) -> str:
    request = RequestFactory().get(path)
    context = {"cabinet_summary": summary, "cabinet_nav": nav, "request": request}
    return Template("{% load cabinet_frame %}{% cabinet_frame %}").render(Context(context))


@pytest.mark.parametrize(("summary", "nav", "path"), list(_contexts()))
def test_the_frame_is_what_the_reference_template_renders(summary, nav, path):
    expected = _reference(summary, nav, path)

    assert expected.endswith("</aside>\n")
    request_path = RequestFactory().get(path).path
    assert frame.aside_html(summary=summary, nav=nav, path=request_path) == expected[:-1]
    assert _tag(summary, nav, path) == expected[:-1]


def test_a_changed_counter_is_a_new_state_not_a_stale_one():
    nav, path = cabinet_nav(), "/cabinet/orders/"
    before = CabinetSummary(refusals_total=3, refusals_unseen=2)
    after = CabinetSummary(refusals_total=3, refusals_unseen=1)

    first = frame.aside_html(summary=before, nav=nav, path=path)
    again = frame.aside_html(summary=before, nav=nav, path=path)
    changed = frame.aside_html(summary=after, nav=nav, path=path)

    assert again is first  # the same state comes from the cache
    assert changed == _reference(after, nav, path)[:-1]
    assert "1 из 3 отказов не просмотрен" in changed


def test_a_page_without_a_client_renders_the_template(rf):
    request = rf.get("/cabinet/")
    context = {"cabinet_nav": cabinet_nav(), "request": request}

    rendered = Template("{% load cabinet_frame %}{% cabinet_frame %}").render(Context(context))

    assert rendered == get_template("cabinet/_aside.html").render(context, request)[:-1]
    assert 'data-testid="no-positions"' in rendered
