"""Small pieces the marketplaces admin pages share."""

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
    """A paginator that does not COUNT(*) a big table on an unfiltered page.

    On PostgreSQL, when the list is neither filtered nor searched, the number of rows comes from
    the planner's estimate (`pg_class.reltuples`, kept fresh by autovacuum) once the table has
    `EXACT_BELOW` rows or more; page numbers are then approximate, which nobody notices on a
    million buyouts. Filtered lists, small tables and SQLite count exactly. (The same idea as
    the orders admin's paginator, kept here so that this app does not import another app's
    admin module.)
    """

    EXACT_BELOW = 50_000

    def __init__(self, *args, estimate: bool = False, **kwargs) -> None:
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
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [query.model._meta.db_table],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None or row[0] < 0:
            return None
        return int(row[0])


def badge(text: str, variant: str):
    """A coloured label as unfold draws it in lists, for readonly fields of a page."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    html = render_to_string("unfold/helpers/label.html", {"text": text, "variant": variant})
    # unfold's own template; the text is auto-escaped by it.
    return mark_safe(html.strip())
