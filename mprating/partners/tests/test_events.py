"""The point events the statistics count, taken from the lines' status history."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from mprating.catalog.models import Warehouse
from mprating.partners import events, services
from mprating.partners.events import point_events_rebuild, point_events_sync
from mprating.partners.models import PartnerSettings, PointDay, PointEvent
from mprating.partners.tests.factories import arrive, line_to, move, msk, role

pytestmark = pytest.mark.django_db
Kind = PointEvent.Kind


def test_arrival_hand_out_and_return_become_events_with_the_wait(point, all_chains_at_point):
    first, second = line_to(point), line_to(point, source=Warehouse.Kind.HOME)
    move(arrive(first, msk(2026, 11, 2, 10)), role("shipped"), msk(2026, 11, 4, 16))
    move(arrive(second, msk(2026, 11, 3, 10)), role("refused"), msk(2026, 11, 12, 10))

    written = point_events_sync()

    assert written == 4
    rows = list(
        PointEvent.objects.order_by("at").values_list("line_id", "kind", "is_buyout", "waited")
    )
    assert rows == [
        (first.pk, Kind.ARRIVED, True, None),
        (second.pk, Kind.ARRIVED, False, None),
        (first.pk, Kind.HANDED_OUT, True, timedelta(days=2, hours=6)),
        (second.pk, Kind.RETURNED, False, timedelta(days=9)),
    ]
    assert PartnerSettings.objects.get().events_synced_at is not None


def test_sync_twice_writes_nothing_new(point, at_point):
    arrive(line_to(point), msk(2026, 11, 2, 10))

    assert point_events_sync() == 1
    assert point_events_sync() == 0
    assert PointEvent.objects.count() == 1


def test_exit_without_an_arrival_is_not_the_points_business(point, at_point):
    move(line_to(point), role("shipped"), msk(2026, 11, 4, 10))

    point_events_sync()

    assert not PointEvent.objects.exists()


def test_a_late_commit_below_the_last_id_is_still_taken(point, at_point):
    # given: an arrival whose event is missing although later history was taken already
    late = arrive(line_to(point), msk(2026, 11, 2, 10))
    arrive(line_to(point), msk(2026, 11, 3, 10))
    point_events_sync()
    PointEvent.objects.filter(line=late).delete()

    # when: the next run
    written = point_events_sync()

    # then: the window below the last id is read again
    assert written == 1
    assert PointEvent.objects.filter(line=late, kind=Kind.ARRIVED).exists()


def test_batches_follow_each_other(point, at_point, monkeypatch):
    monkeypatch.setattr(events, "BATCH", 2)
    lines = [line_to(point) for _ in range(5)]
    for n, line in enumerate(lines):
        arrive(line, msk(2026, 11, 2 + n, 10))

    assert point_events_sync() == 5


def test_owner_hand_out_updates_the_events_after_commit(
    point, owner, at_point, django_capture_on_commit_callbacks
):
    line = arrive(line_to(point), msk(2026, 11, 2, 10))
    point_events_sync()

    with django_capture_on_commit_callbacks(execute=True):
        services.line_hand_out(owner=owner, line_id=line.pk)

    assert PointEvent.objects.filter(line=line, kind=Kind.HANDED_OUT).exists()


def test_the_orders_hook_brings_the_events_up_to_date(point, at_point):
    line = arrive(line_to(point), msk(2026, 11, 2, 10))

    events.after_status_changes([line.history.order_by("-id").first().pk])

    assert PointEvent.objects.filter(line=line).exists()


def test_rebuild_and_the_command(point, at_point):
    arrive(line_to(point), msk(2026, 11, 2, 10))
    point_events_sync()

    assert point_events_rebuild() == 1
    out = StringIO()
    call_command("partners_sync", stdout=out)
    assert out.getvalue().strip() == "Событий ПВЗ записано: 0."


def test_day_totals_follow_moscow_days_and_add_up_across_runs(point, at_point):
    # 02.11 23:30 MSK is still 02.11 in Moscow (20:30 UTC)
    first = arrive(line_to(point), msk(2026, 11, 2, 23, 30))
    point_events_sync()
    move(first, role("shipped"), msk(2026, 11, 3, 11, 30))
    arrive(line_to(point), msk(2026, 11, 3, 0, 10))
    point_events_sync()

    days = {
        day.day.isoformat(): (day.arrived, day.buyouts, day.handed_out, day.returned, day.waited)
        for day in PointDay.objects.filter(point=point)
    }
    assert days == {
        "2026-11-02": (1, 1, 0, 0, timedelta(0)),
        "2026-11-03": (1, 1, 1, 0, timedelta(hours=12)),
    }
    before = sorted(days.items())
    point_events_rebuild()
    after = sorted(
        (d.day.isoformat(), (d.arrived, d.buyouts, d.handed_out, d.returned, d.waited))
        for d in PointDay.objects.filter(point=point)
    )
    assert after == before
