"""Small pieces the marketplaces admin pages share."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from mprating.marketplaces.models import AccountStatus, BuyoutStatus

ACCOUNT_STATUS_LABELS = {
    AccountStatus.ACTIVE.label: "success",
    AccountStatus.INACTIVE.label: "danger",
    AccountStatus.BUSY.label: "warning",
}
BUYOUT_STATUS_LABELS = {
    BuyoutStatus.PLACED.label: "info",
    BuyoutStatus.IN_TRANSIT.label: "warning",
    BuyoutStatus.AT_POINT.label: "primary",
    BuyoutStatus.RECEIVED.label: "success",
    BuyoutStatus.CANCELLED.label: "danger",
}


def date_ru(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def moment_ru(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def nowrap(text):
    return format_html('<span style="white-space:nowrap">{}</span>', text)


class EstimatedCountPaginator(Paginator):
    """A paginator that does not COUNT(*) hundreds of thousands of rows on every page.

    On PostgreSQL the number of rows is first taken from the planner: `pg_class.reltuples` for
    an unfiltered list, `EXPLAIN`'s row estimate for a filtered or searched one (about a
    millisecond either way). When that says `EXACT_BELOW` rows or more, the estimate is the count
    (page numbers are then approximate, which nobody notices on a million buyouts); below it,
    and on any other database, the rows are counted exactly. (The orders admin estimates only
    unfiltered lists; this app keeps its own so as not to import another app's admin module.)
    """

    EXACT_BELOW = 50_000

    def __init__(self, *args, estimate: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.estimate = estimate

    @cached_property
    def count(self) -> int:
        if self.estimate:
            estimated = self._estimated_rows()
            if estimated is not None and estimated >= self.EXACT_BELOW:
                return estimated
        return super().count

    def _estimated_rows(self) -> int | None:
        query = self.object_list
        connection = connections[query.db]
        if connection.vendor != "postgresql":
            return None
        if not query.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [query.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row is None or row[0] is None or row[0] < 0:
                return None
            return int(row[0])
        try:
            plan = json.loads(query.explain(format="json"))
            return int(plan[0]["Plan"]["Plan Rows"])
        except (ValueError, KeyError, IndexError, TypeError):
            return None


def badge(text: str, variant: str):
    """A coloured label as unfold draws it in lists, for readonly fields of a page."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    html = render_to_string("unfold/helpers/label.html", {"text": text, "variant": variant})
    # unfold's own template; the text is auto-escaped by it.
    return mark_safe(html.strip())
