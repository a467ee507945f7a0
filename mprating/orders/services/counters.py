"""The frame counters (`ClientStatusCount`): the one writer of their increments and the recount.

Every service that changes what the cabinet's left frame counts calls `counts_add` in its own
transaction, after it has written the lines (checkout, the gatekeeper `line_status_set`, the
archive). Increments are `UPDATE … SET n = n + d` (`F()`), so two transactions moving lines of
the same client never lose each other's change; the rows are updated in (client, status)
order, the same in every writer, and always as the last thing the writer locks (after the
lines, the orders and the balance), so two writers cannot wait for each other's counters.

Why the numbers stay exact under concurrency: a writer reads what it counts from rows it has
locked (the gatekeeper and the archive lock the lines, checkout creates them), and the
gatekeeper reads whether an order is archived only after it holds its lines' locks; the
archive sets `archived_at` and then locks the order's lines, so whichever of the two comes
second sees the other's committed change (on PostgreSQL a row locked after a wait is
returned in its newest version).

`counts_recount` rebuilds the rows from the lines (the repair: `manage.py
recount_frame_counters`); the data migration that created the table did the same for the
lines that existed then.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q

from mprating.orders.models import ClientStatusCount, OrderLine

Key = tuple[int, int]  # (client_id, status_id)
FIELDS = ("in_work", "total", "unseen")


class CountDeltas:
    """What one change does to the counters, collected before it is written."""

    def __init__(self) -> None:
        self.by_key: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, key: Key, *, in_work: int = 0, total: int = 0, unseen: int = 0) -> None:
        row = self.by_key[key]
        row[0] += in_work
        row[1] += total
        row[2] += unseen

    def lines(self, key: Key, *, archived: bool, seen: bool, n: int = 1) -> None:
        """`n` lines enter the row of `key` (a negative `n`: they leave it)."""
        self.add(key, in_work=0 if archived else n, total=n, unseen=0 if seen else n)

    def items(self) -> list[tuple[Key, tuple[int, int, int]]]:
        return sorted((key, tuple(row)) for key, row in self.by_key.items() if any(row))


def counts_add(deltas: CountDeltas) -> None:
    """Apply the increments, row by row in (client, status) order. Must run inside the
    transaction of the change. A row missing (the client's first line in that status) is
    created with zeros — `ON CONFLICT DO NOTHING`, so two first lines at once both land — and
    incremented."""
    if not connection.in_atomic_block:
        raise RuntimeError("counters move only inside the change's transaction")
    for (client_id, status_id), (in_work, total, unseen) in deltas.items():
        rows = ClientStatusCount.objects.filter(client_id=client_id, status_id=status_id)
        change = {
            "in_work": F("in_work") + in_work,
            "total": F("total") + total,
            "unseen": F("unseen") + unseen,
        }
        if not rows.update(**change):
            ClientStatusCount.objects.bulk_create(
                [ClientStatusCount(client_id=client_id, status_id=status_id)],
                ignore_conflicts=True,
            )
            rows.update(**change)


def counts_from_lines(client_ids: Iterable[int] | None = None) -> dict[Key, tuple[int, int, int]]:
    """The counters as the lines say they should be: one grouped read of the lines (the whole
    table, or the given clients'). Rows that would be all zeros are left out."""
    lines = OrderLine.objects.all()
    if client_ids is not None:
        lines = lines.filter(client_id__in=list(client_ids))
    rows = (
        lines.values("client_id", "status_id")
        .annotate(
            in_work=Count("id", filter=Q(order__archived_at__isnull=True)),
            total=Count("id"),
            unseen=Count("id", filter=Q(refusal_seen=False)),
        )
        .order_by()
    )
    return {
        (row["client_id"], row["status_id"]): (row["in_work"], row["total"], row["unseen"])
        for row in rows
    }


def counts_stored(client_ids: Iterable[int] | None = None) -> dict[Key, tuple[int, int, int]]:
    """The counters as stored, without the rows at zero (comparable with `counts_from_lines`)."""
    rows = ClientStatusCount.objects.exclude(in_work=0, total=0, unseen=0)
    if client_ids is not None:
        rows = rows.filter(client_id__in=list(client_ids))
    return {
        (client_id, status_id): (in_work, total, unseen)
        for client_id, status_id, in_work, total, unseen in rows.values_list(
            "client_id", "status_id", *FIELDS
        )
    }


@transaction.atomic
def counts_recount(*, client_ids: Iterable[int] | None = None) -> int:
    """Rebuild the counters from the lines (all clients, or the given ones) and return how many
    rows were wrong. Exact while the store works: on PostgreSQL the counters table is locked
    against every other writer first (SHARE ROW EXCLUSIVE lets readers through), so a change
    either committed before the recount reads the lines, or applies its increment after the
    recount wrote its rows; SQLite runs one writer at a time anyway."""
    ids = None if client_ids is None else sorted(set(client_ids))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ClientStatusCount._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
            )
    truth = counts_from_lines(ids)
    stored_rows = ClientStatusCount.objects.all()
    if ids is not None:
        stored_rows = stored_rows.filter(client_id__in=ids)
    stored = {(row.client_id, row.status_id): row for row in stored_rows}
    changed: list[ClientStatusCount] = []
    for key, row in stored.items():
        want = truth.get(key, (0, 0, 0))
        if (row.in_work, row.total, row.unseen) != want:
            row.in_work, row.total, row.unseen = want
            changed.append(row)
    ClientStatusCount.objects.bulk_update(changed, list(FIELDS), batch_size=1000)
    missing = [
        ClientStatusCount(client_id=c, status_id=s, in_work=w, total=t, unseen=u)
        for (c, s), (w, t, u) in sorted(truth.items())
        if (c, s) not in stored
    ]
    ClientStatusCount.objects.bulk_create(missing, batch_size=1000)
    return len(changed) + len(missing)
