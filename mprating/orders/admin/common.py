"""Pieces shared by the orders admins: the status badge, the paginator that does not count a
million orders, and the «статус позиции» filter."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from mprating.orders.models import OrderLine, OrderStatus


def status_badge(status: OrderStatus, count: int | None = None) -> SafeString:
    """A status as the client sees it: its name in its colour, with a swatch (and « × N»)."""
    html = render_to_string("orders/admin/_status_badge.html", {"status": status, "count": count})
    return mark_safe(html.strip())  # the template escapes every value


def render_cell(template: str, **context) -> SafeString:
    """A changelist or inline cell rendered from its template (the markup lives there)."""
    return mark_safe(render_to_string(f"orders/admin/{template}", context).strip())


class EstimatedCountPaginator(Paginator):
    """A paginator that does not COUNT(*) the whole table on an unfiltered page.

    Issue 4: «avoid COUNT(*) over the whole table on every back office page». On PostgreSQL,
    when the list is neither filtered nor searched, the number of rows is taken from the
    planner's estimate (`pg_class.reltuples`, kept fresh by autovacuum/ANALYZE) — the page
    numbers are then approximate, which nobody notices on a million orders. A small table
    (under `EXACT_BELOW` rows by the estimate), a table never analysed, any filtered or searched
    list and every other database get the exact count.
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


class EstimatedCountMixin:
    """Changelists of orders and lines: the estimated count when nothing narrows the list."""

    def get_paginator(
        self, request, queryset, per_page, orphans=0, allow_empty_first_page=True
    ) -> Paginator:
        return EstimatedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            estimate=not queryset.query.where,
        )


class LineStatusFilter(admin.SimpleListFilter):
    """Orders having at least one line in the status."""

    title = "статус позиции"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(status.pk), status.name) for status in OrderStatus.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), status_id=self.value()))
            )
        return queryset
