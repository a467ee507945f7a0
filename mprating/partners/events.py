"""The facts the point statistics count (`PointEvent`), taken from the lines' status history.

`point_events_sync` reads the status history rows (`orders.StatusChange`) written since the
last run, in id order, and turns the relevant ones into events:

- a line reaching the «at the point» status (`PartnerSettings.at_point_status`, «В ПВЗ») in an
  order to a pickup point → «поступил»;
- then «Отгружен» → «выдан», or «Отказ» → «возврат», each with how long the line waited since
  its latest arrival (an exit without an arrival before it is not the point's business);
- and adds them to the point's totals of that (Moscow) day, `PointDay`, which the statistics
  pages read.

Safe to run any time, by anyone, twice: one event per history row (unique), the runs queue on
the settings row's lock, and each run first re-reads a window of ids below the last one it
took, so a history row that committed late with a lower id is not lost. Runs after the
owner's «Выдан» / «Возврат», after the status changes orders announces through its hook, and
from cron (`manage.py partners_sync`) for everything else.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mprating.orders.models import OrderStatus, Source, StatusChange
from mprating.partners.models import PartnerSettings, PointDay, PointEvent

BATCH = 5000
RESCAN = 2000  # ids re-read below the last one taken: transactions that committed late

Kind = PointEvent.Kind
DAY_FIELDS = ("arrived", "buyouts", "handed_out", "returned", "waited")
ZERO = timedelta(0)


def _exit_kinds() -> dict[int, str]:
    roles = {OrderStatus.Role.SHIPPED: Kind.HANDED_OUT, OrderStatus.Role.REFUSED: Kind.RETURNED}
    return {
        pk: roles[role]
        for pk, role in OrderStatus.objects.filter(role__in=roles).values_list("pk", "role")
    }


@transaction.atomic
def _sync_batch(after: int | None) -> tuple[int, int | None]:
    """One batch in one transaction: returns (events written, the id to go on after, or None
    when nothing is left)."""
    settings_row = PartnerSettings.objects.select_for_update().filter(pk=1).first()
    if settings_row is None or settings_row.at_point_status_id is None:
        return 0, None
    arrival_status = settings_row.at_point_status_id
    exits = _exit_kinds()
    start = after if after is not None else max(0, settings_row.events_synced_to - RESCAN)
    rows = list(
        StatusChange.objects.filter(
            pk__gt=start,
            status_id__in=[arrival_status, *exits],
            line__order__pickup_point__isnull=False,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "line_id",
            "status_id",
            "changed_at",
            "line__source",
            "line__order__pickup_point_id",
        )[:BATCH]
    )
    if not rows:
        _mark(settings_row, settings_row.events_synced_to)
        return 0, None
    taken = set(
        PointEvent.objects.filter(change_id__in=[row[0] for row in rows]).values_list(
            "change_id", flat=True
        )
    )

    def event(row, kind: str, **extra) -> PointEvent:
        pk, line_id, _status, at, source, point_id = row
        return PointEvent(
            change_id=pk,
            point_id=point_id,
            line_id=line_id,
            kind=kind,
            at=at,
            is_buyout=source == Source.MARKETPLACE,
            **extra,
        )

    fresh = [row for row in rows if row[0] not in taken]
    arrivals = [event(row, Kind.ARRIVED) for row in fresh if row[2] == arrival_status]
    PointEvent.objects.bulk_create(arrivals)
    exit_events: list[PointEvent] = []
    leaving = [row for row in fresh if row[2] in exits]
    if leaving:
        arrived: dict[int, list[datetime]] = {}
        for line_id, at in PointEvent.objects.filter(
            kind=Kind.ARRIVED, line_id__in={row[1] for row in leaving}
        ).values_list("line_id", "at"):
            arrived.setdefault(line_id, []).append(at)
        for row in leaving:
            before = [at for at in arrived.get(row[1], ()) if at <= row[3]]
            if before:
                exit_events.append(event(row, exits[row[2]], waited=row[3] - max(before)))
        PointEvent.objects.bulk_create(exit_events)
    _add_to_days([*arrivals, *exit_events])
    written = len(arrivals) + len(exit_events)
    last = rows[-1][0]
    _mark(settings_row, max(settings_row.events_synced_to, last))
    return written, (last if len(rows) == BATCH else None)


def _add_to_days(events: list[PointEvent]) -> None:
    """Add the new events to their points' day totals (Moscow days): one read, one update and
    one insert per batch. Runs under the settings row's lock, so nobody else writes them."""
    if not events:
        return
    deltas: dict[tuple[int, date], dict] = defaultdict(
        lambda: {"arrived": 0, "buyouts": 0, "handed_out": 0, "returned": 0, "waited": ZERO}
    )
    for item in events:
        delta = deltas[(item.point_id, timezone.localdate(item.at))]
        if item.kind == Kind.ARRIVED:
            delta["arrived"] += 1
            delta["buyouts"] += item.is_buyout
        elif item.kind == Kind.HANDED_OUT:
            delta["handed_out"] += 1
            delta["waited"] += item.waited
        else:
            delta["returned"] += 1
    existing = {
        (day.point_id, day.day): day
        for day in PointDay.objects.filter(
            point_id__in={point for point, _ in deltas}, day__in={day for _, day in deltas}
        )
    }
    changed, new = [], []
    for (point_id, day), delta in deltas.items():
        row = existing.get((point_id, day))
        if row is None:
            new.append(PointDay(point_id=point_id, day=day, **delta))
            continue
        for field, value in delta.items():
            setattr(row, field, getattr(row, field) + value)
        changed.append(row)
    PointDay.objects.bulk_update(changed, list(DAY_FIELDS), batch_size=1000)
    PointDay.objects.bulk_create(new, batch_size=1000)


def _mark(settings_row: PartnerSettings, synced_to: int) -> None:
    settings_row.events_synced_to = synced_to
    settings_row.events_synced_at = timezone.now()
    settings_row.save(update_fields=["events_synced_to", "events_synced_at"])


def point_events_sync() -> int:
    """Bring the events up to date with the status history; returns how many were written."""
    total, after = 0, None
    while True:
        written, after = _sync_batch(after)
        total += written
        if after is None:
            return total


def point_events_rebuild() -> int:
    """Forget the events and take them again from the whole history (after the «at the
    point» status was changed in the settings)."""
    with transaction.atomic():
        PartnerSettings.objects.select_for_update().filter(pk=1).update(
            events_synced_to=0, events_synced_at=None
        )
        PointEvent.objects.all().delete()
        PointDay.objects.all().delete()
    return point_events_sync()


@task()
def sync_point_events() -> int:
    """The background run of `point_events_sync` (idempotent)."""
    return point_events_sync()


def after_status_changes(change_ids: list[int]) -> None:
    """The orders hook's listener: new status history → bring the events up to date."""
    sync_point_events.enqueue()
