"""Seed 000 «Смотреть статистику партнёрского ПВЗ»: the numbers against known data, and query
counts that do not grow with points or lines."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mprating.catalog.models import Warehouse
from mprating.core.testing import count_queries
from mprating.partners import selectors
from mprating.partners.events import point_events_sync
from mprating.partners.selectors import MONTH, Period
from mprating.partners.tests.factories import arrive, line_to, move, msk, role
from mprating.pickup_points.tests.factories import make_point

pytestmark = pytest.mark.django_db
NOW = msk(2026, 11, 18, 12)  # Wednesday


@pytest.fixture
def known(point, other_point, all_chains_at_point):
    """Lines of «point» with known moments (Moscow time):

    L1 buyout: arrived Mon 02.11 10:00, handed out 04.11 10:00 (2 days)
    L2 buyout: arrived 03.11 10:00, handed out Sat 07.11 10:00 (4 days)
    L3 buyout: arrived 05.11 10:00, returned 14.11 «Не забран из ПВЗ»
    L4 buyout: arrived 16.11 10:00, waiting (2 days)
    L5 buyout: arrived 09.11 10:00, waiting (overdue: > 7 days)
    L6 home:   arrived 10.11 10:00, waiting (overdue)
    and noise: a line of another point, a line of this point shipped without arriving.
    """
    shipped, refused = role("shipped"), role("refused")
    l1, l2, l3, l4, l5 = (line_to(point) for _ in range(5))
    l6 = line_to(point, source=Warehouse.Kind.HOME)
    move(arrive(l1, msk(2026, 11, 2, 10)), shipped, msk(2026, 11, 4, 10))
    move(arrive(l2, msk(2026, 11, 3, 10)), shipped, msk(2026, 11, 7, 10))
    move(arrive(l3, msk(2026, 11, 5, 10)), refused, msk(2026, 11, 14, 10), comment="Не забран")
    arrive(l4, msk(2026, 11, 16, 10))
    arrive(l5, msk(2026, 11, 9, 10))
    arrive(l6, msk(2026, 11, 10, 10))
    elsewhere = line_to(other_point)
    move(arrive(elsewhere, msk(2026, 11, 3, 11)), shipped, msk(2026, 11, 4, 11))
    move(line_to(point), shipped, msk(2026, 11, 6, 10))
    point_events_sync()
    return point


def test_weekly_numbers_of_a_point(known):
    period = Period(start=date(2026, 11, 2), end=date(2026, 11, 18))

    with time_machine.travel(NOW, tick=False):
        stats = selectors.point_statistics(point=known, period=period)

    assert (stats.arrived, stats.buyouts, stats.handed_out, stats.returned) == (6, 5, 2, 1)
    assert stats.avg_days_to_hand_out == Decimal("3.0")
    assert (stats.now.waiting, stats.now.waiting_buyouts, stats.now.overdue) == (3, 2, 2)
    assert [(b.label, b.arrived, b.buyouts, b.handed_out, b.returned) for b in stats.buckets] == [
        ("02.11–08.11", 3, 3, 2, 0),
        ("09.11–15.11", 2, 1, 0, 1),
        ("16.11–22.11", 1, 1, 0, 0),
    ]


def test_monthly_numbers_and_an_empty_month(known):
    period = Period(start=date(2026, 10, 1), end=date(2026, 11, 18), grouping=MONTH)

    with time_machine.travel(NOW, tick=False):
        stats = selectors.point_statistics(point=known, period=period)

    assert [(b.label, b.arrived, b.handed_out, b.returned) for b in stats.buckets] == [
        ("октябрь 2026", 0, 0, 0),
        ("ноябрь 2026", 6, 2, 1),
    ]


def test_period_cuts_by_moscow_days(known):
    # 02.11–03.11: L1 and L2 arrived; nothing handed out yet
    period = Period(start=date(2026, 11, 2), end=date(2026, 11, 3))

    with time_machine.travel(NOW, tick=False):
        stats = selectors.point_statistics(point=known, period=period)

    assert (stats.arrived, stats.handed_out, stats.avg_days_to_hand_out) == (2, 0, None)


def test_overdue_follows_the_setting(known, settings):
    settings.PARTNER_OVERDUE_DAYS = 9

    with time_machine.travel(NOW, tick=False):
        now = selectors.points_now([known.pk], status=selectors.at_point_status())

    assert (now[known.pk].waiting, now[known.pk].overdue) == (3, 1)


def test_owner_home_numbers_for_many_points_in_fixed_queries(owner, operator, at_point):
    def make(count: int) -> list[int]:
        points = [make_point(by=operator) for _ in range(count)]
        for point in points[:3]:
            move(arrive(line_to(point), msk(2026, 11, 10, 10)), role("shipped"), msk(2026, 11, 12))
        point_events_sync()
        return [point.pk for point in points]

    few, many = make(5), make(50)

    def read(ids):
        return lambda: (
            selectors.points_now(ids, status=at_point),
            selectors.handed_out_by_point(ids, since=date(2026, 11, 1)),
        )

    assert count_queries(read(few)) == count_queries(read(many)) == 2
    assert sum(selectors.handed_out_by_point(many, since=date(2026, 11, 1)).values()) == 3


def test_statistics_queries_do_not_grow_with_lines(point, operator, at_point):
    period = Period(start=date(2026, 11, 2), end=date(2026, 11, 18))
    shipped = role("shipped")

    def add(count: int) -> None:
        for n in range(count):
            line = arrive(line_to(point), msk(2026, 11, 3 + n % 10, 10))
            if n % 2:
                move(line, shipped, msk(2026, 11, 15, 10))
        point_events_sync()

    add(5)
    with time_machine.travel(NOW, tick=False):
        few = count_queries(lambda: selectors.point_statistics(point=point, period=period))
    add(45)
    with time_machine.travel(NOW, tick=False):
        many = count_queries(lambda: selectors.point_statistics(point=point, period=period))
        stats = selectors.point_statistics(point=point, period=period)

    assert few == many <= 5
    assert (stats.arrived, stats.handed_out) == (50, 24)


def test_without_the_status_setting_nothing_is_counted(point, at_point):
    from mprating.partners.models import PartnerSettings

    arrive(line_to(point), msk(2026, 11, 10, 10))
    PartnerSettings.objects.update(at_point_status=None)

    stats = selectors.point_statistics(
        point=point, period=Period(start=date(2026, 11, 2), end=date(2026, 11, 18))
    )

    assert not stats.configured
    assert (stats.arrived, stats.now.waiting) == (0, 0)
    assert len(stats.buckets) == 3


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+79161234567", "+7 ••• •••-45-67"), ("+74951112233", "+7 ••• •••-22-33")],
)
def test_recipient_phone_is_masked_but_the_last_four_digits(phone, masked):
    assert selectors.mask_phone(phone) == masked
