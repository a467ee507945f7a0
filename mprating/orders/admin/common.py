"""Pieces shared by the orders admins: the status badge, the paginator that does not count a
million orders, and the «статус позиции» filter."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from mprating.orders.models import OrderLine, OrderStatus


def status_badge(status: OrderStatus, count: int | None = None) -> SafeString:
    """A status as the client sees it: its name in its colour, with a swatch (and « × N»)."""
    html = render_to_string("orders/admin/_status_badge.html", {"status": status, "count": count})
    return mark_safe(html.strip())  # the template escapes every value


def render_cell(template: str, **context) -> SafeString:
    """A changelist or inline cell rendered from its template (the markup lives there)."""
    return mark_safe(render_to_string(f"orders/admin/{template}", context).strip())


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
