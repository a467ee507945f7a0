"""Lines of all orders, and «Отказы на рассмотрении» — the same list filtered to the clients'
pending refusal requests, at its own address for the sidebar. The bulk actions are the line
actions of `line_actions`, each one service call for all the ticked lines (all or nothing)."""

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display

from mprating.accounts.admin_people import listed_person, person_values
from mprating.catalog.normalize import normalize_article
from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_paging import EstimatedCountMixin
from mprating.core.admin_rows import row_object_url
from mprating.orders.admin.common import (
    LineStatusFilter,
    escape_kept,
    refusal_cell,
    status_badge,
    statuses_of,
)
from mprating.orders.admin.line_actions import LINE_ACTIONS, line_candidates
from mprating.orders.admin.listed import KeptPageChangeList
from mprating.orders.models import OrderLine, OrderStatus, RefusalState


class RefusalFilter(admin.SimpleListFilter):
    title = "отказ"
    parameter_name = "refusal"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in RefusalState.choices if value] + [
            ("any_refused", "Любой отказ (статус «Отказ»)")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any_refused":
            return queryset.filter(status__role=OrderStatus.Role.REFUSED)
        if value in RefusalState.values:
            return queryset.filter(refusal_state=value)
        return queryset


class LineOwnStatusFilter(LineStatusFilter):
    """The line's own status (the statuses are listed from their table, never from the lines)."""

    title = "статус"

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status_id=self.value())
        return queryset


LISTED_CREATED = "_listed_created"


def _created_text(created_at, zone) -> str:
    """«Дата заказа»: the order's date and time where the manager is."""
    return timezone.localtime(created_at, zone).strftime("%d.%m.%Y %H:%M")


class LineChangeList(KeptPageChangeList):
    """The list with its page read by a statement compiled once when nothing filters it
    (`KeptPageChangeList`), with its order's number and date and its client's name annotated
    (no `Order`, `Client`, `User` objects per line) and only the fields the cells read
    (`ListedRowsChangeList`), and the lines' statuses shared from the status filter's read
    (`statuses_of`), not one status object joined per line (issue 13)."""

    listed_values = {
        "listed_order_number": F("order__number"),
        "listed_order_created_at": F("order__created_at"),
        **person_values("client__user", "client"),
    }
    listed_fields = ("order_id", "client_id", "brand_name", "article", "product_name")
    listed_fields += ("quantity", "status_id", "refusal_state", "refusal_seen", "manager_comment")

    def rows_read(self, rows, request):
        # A status the filter's read does not know yet is read as Django reads it, lazily.
        statuses = statuses_of(request)
        # «Дата заказа» once per order of the page (its lines share it), in the request's zone.
        zone = timezone.get_current_timezone()
        created = {}
        for line in rows:
            values = line.__dict__
            status = statuses.get(line.status_id)
            if status is not None:
                line._state.fields_cache["status"] = status
            created_at = values.get("listed_order_created_at")
            if created_at is not None:
                text = created.get(created_at)
                if text is None:
                    text = created[created_at] = _created_text(created_at, zone)
                values[LISTED_CREATED] = text


def _bulk_action(description: str, code: str):
    """A changelist action: the line action `code` on the ticked lines."""

    @admin.action(description=description, permissions=["lines_change"])
    def run(self, request, queryset):
        return admin_action_view(
            self,
            request,
            LINE_ACTIONS[code],
            line_candidates(code, OrderLine.objects.filter(pk__in=queryset.values("pk"))),
            changelist_action=f"selected_{code}",
        )

    run.__name__ = f"selected_{code}"
    return run


@admin.register(OrderLine)
class OrderLineAdmin(EstimatedCountMixin, ModelAdmin):
    """Lines of all orders; with `?refusal=requested` it is «Отказы на рассмотрении»."""

    list_display = [
        "order_link",
        "created",
        "client_display",
        "brand_name",
        "article",
        "product_name",
        "quantity",
        "status_display",
        "refusal_display",
    ]
    list_display_links = None
    list_filter = [
        RefusalFilter,
        LineOwnStatusFilter,
        "source",
        ("client", AutocompleteSelectFilter),
    ]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["order__number", "article"]
    search_help_text = "Номер заказа или артикул в любом написании"
    ordering = ["-order_id", "pk"]
    actions = [
        "selected_confirm",
        "selected_decline",
        "selected_status",
        "selected_refuse",
        "selected_comment",
    ]

    selected_confirm = _bulk_action("Подтвердить отказ", "confirm")
    selected_decline = _bulk_action("Отклонить отказ (с комментарием)", "decline")
    selected_status = _bulk_action("Сменить статус", "status")
    selected_refuse = _bulk_action("Отказать (по другой причине)", "refuse")
    selected_comment = _bulk_action("Комментарий менеджера", "comment")

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderLine]:
        return super().get_queryset(request).select_related("order", "client__user", "status")

    def get_changelist(self, request: HttpRequest, **kwargs):
        return LineChangeList

    def get_search_results(self, request, queryset, search_term):
        """The lines of the order with that number and those of the products with that
        article, found by each index and joined by a UNION: one condition across both joined
        tables (`order number = … OR product article = …`) could use neither index and read
        every line of the store (2.3 s at 1,000,000 lines; 2 ms now)."""
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        found = OrderLine.objects.filter(order__number=term.upper()).order_by().values("pk")
        article = normalize_article(term)
        if article:
            by_article = OrderLine.objects.filter(product__article_normalized=article)
            found = found.union(by_article.order_by().values("pk"))
        return queryset.filter(pk__in=found), False

    def get_urls(self):
        """«Отказы на рассмотрении»: a stable address for the sidebar."""
        return [
            path(
                "refusals/",
                self.admin_site.admin_view(self.refusals_view),
                name="orders_orderline_refusals",
            ),
            *super().get_urls(),
        ]

    def refusals_view(self, request: HttpRequest) -> HttpResponse:
        """The list of lines filtered to pending refusal requests, at its own address (so the
        sidebar marks it); the actions post back here."""
        if "refusal" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["refusal"] = RefusalState.REQUESTED
        return self.changelist_view(request)

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("refusal") == RefusalState.REQUESTED:
            # `list_title` heads the page too (admin/orders/orderline/change_list.html).
            title = "Отказы на рассмотрении"
            extra_context = {**(extra_context or {}), "title": title, "list_title": title}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The lines are a snapshot; their status changes only through the actions.
        return False

    def has_lines_change_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.change_orderline")

    @display(description="заказ", ordering="order_id")
    def order_link(self, obj: OrderLine):
        url = escape_kept(row_object_url(obj, "admin:orders_order_change", obj.order_id))
        number = obj.__dict__.get("listed_order_number") or obj.order.number
        return SafeString(f'<a href="{url}">{escape_kept(number)}</a>')  # nosec B703: escaped

    @display(description="дата заказа", ordering="order__created_at")
    def created(self, obj: OrderLine) -> str:
        text = obj.__dict__.get(LISTED_CREATED)
        if text is not None:
            return text
        created_at = obj.__dict__.get("listed_order_created_at") or obj.order.created_at
        return _created_text(created_at, timezone.get_current_timezone())

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: OrderLine) -> SafeString:
        person = listed_person(obj, "client") or obj.client.user
        return SafeString(escape_kept(person.get_full_name() or person.email))  # nosec B703

    @display(description="статус", ordering="status__sort_order")
    def status_display(self, obj: OrderLine):
        return status_badge(obj.status)

    @display(description="отказ и комментарий менеджера")
    def refusal_display(self, obj: OrderLine):
        return refusal_cell(obj)
