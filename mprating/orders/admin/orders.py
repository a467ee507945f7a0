"""«Управление заявками» (seed 000): «Здесь отображаются все заявки, созданные клиентами. Видны
следующие поля: Текущий статус, Дата создания, Клиент, Артикул и его состав…, Комментарий к
заявке, Способ оплаты, Номер получателя». An order's lines change only through the line actions
(`line_actions`), run from the order's page on lines the manager ticks.

The list runs a fixed number of queries whatever the page size and never counts the whole
table on an unfiltered page (`core.admin_paging`).
"""

from collections import Counter
from functools import wraps

from django.contrib import admin
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import action, display
from unfold.forms import PaginationInlineFormSet

from mprating.accounts.admin_journal import ClientDataViewJournal
from mprating.accounts.admin_people import listed_person, person_values
from mprating.accounts.models import Client, PersonalDataView
from mprating.accounts.phones import format_phone, try_normalize_phone
from mprating.catalog.normalize import normalize_article
from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.admin_paging import EstimatedCountMixin
from mprating.core.admin_rows import row_object_url
from mprating.core.exports import export_xlsx
from mprating.core.history import history_of
from mprating.core.money import ZERO, format_rub
from mprating.core.text import count_ru
from mprating.orders import hooks
from mprating.orders.admin.common import (
    ArchivedFilter,
    LineSourceFilter,
    LineStatusFilter,
    escape_kept,
    history_cell,
    refusal_cell,
    render_cell,
    status_badge,
)
from mprating.orders.admin.line_actions import LINE_ACTIONS, line_candidates
from mprating.orders.admin.listed import (
    KeptPageChangeList,
    attach_lines,
    composition_cell,
    status_cell,
)
from mprating.orders.admin.order_page import readonly_fieldsets_html, readonly_inline_rows_html
from mprating.orders.models import NUMBER_PREFIX, Order, OrderLine, OrderStatus, StatusChange
from mprating.orders.selectors import order_total

# Django's `escape` without its lazy-argument wrapper (the same `html.escape`), kept per value
# (`common.escape_kept`): the cells below call it ~175 times a page.
_escape = escape_kept

NOWRAP = '<span style="white-space:nowrap">{}</span>'

POSITIONS = ("позиция", "позиции", "позиций")
REFUSALS = ("отказа", "отказов", "отказов")  # «без 1 отказа», «без 2 отказов»

# Orders found by an article in the back office search; a more common article needs a filter.
ARTICLE_SEARCH_LIMIT = 2000


class OrderLinesFormSet(PaginationInlineFormSet):
    """The order page's lines, with the higher apps' actions put on them once for all the lines
    (`hooks.line_actions_attach`, e.g. «Оформить выкуп» from marketplaces)."""

    user = None

    def get_queryset(self):
        first = not hasattr(self, "_queryset")
        queryset = super().get_queryset()
        if first:  # reads the lines (the queryset keeps them) and asks the providers once
            hooks.line_actions_attach(queryset, where=hooks.BACKOFFICE, user=self.user)
        return queryset


def _once_per_line(method):
    """unfold builds a line's read-only field several times per page and computes its value
    each time (6 times a line in Django 5.2 / unfold 0.91): the cell is computed once per line
    and kept on the line for the rest of the page (issue 13)."""
    key = f"_cell_{method.__name__}"

    @wraps(method)
    def cell(self, obj: OrderLine):
        if key not in obj.__dict__:
            obj.__dict__[key] = method(self, obj)
        return obj.__dict__[key]

    return cell


class OrderLineInline(TabularInline):
    """The lines of the order as they were bought, with status, refusal, history and the
    actions other apps offer on a line."""

    model = OrderLine
    formset = OrderLinesFormSet
    # unfold's tabular inline, the lines written in Python (`order_page`, issue 13).
    template = "admin/orders/order/lines_inline.html"
    verbose_name = "позиция"
    verbose_name_plural = "Позиции заказа"
    fields = ["position", "price_display", "status_display", "refusal_display", "history_display"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on every call
        formset.user = request.user
        return formset

    def get_queryset(self, request):
        history = history_of(StatusChange.objects.select_related("status")).order_by(
            "changed_at", "id"
        )
        return (
            super()
            .get_queryset(request)
            .select_related("status")
            .prefetch_related(Prefetch("history", queryset=history))
        )

    @display(description="позиция")
    @_once_per_line
    def position(self, obj: OrderLine):
        return render_cell("_line_position.html", line=obj)

    @display(description="кол-во × цена")
    @_once_per_line
    def price_display(self, obj: OrderLine):
        return format_html(NOWRAP, f"{obj.quantity} × {format_rub(obj.price)}")

    @display(description="статус")
    @_once_per_line
    def status_display(self, obj: OrderLine):
        return status_badge(obj.status)

    @display(description="отказ и комментарий менеджера")
    @_once_per_line
    def refusal_display(self, obj: OrderLine):
        return refusal_cell(obj)

    @display(description="история движения")
    @_once_per_line
    def history_display(self, obj: OrderLine):
        return history_cell(obj.history.all())


def _composition(order: Order) -> str:
    return "; ".join(
        f"{line.brand_name} {line.article} {line.product_name} × {line.quantity}"
        for line in order.lines.all()
    )


def _status_summary_text(order: Order) -> str:
    counts = Counter(line.status.name for line in order.lines.all())
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{name}: {count}" for name, count in counts.items())


# Shown on the order's page and in the XLSX export, not in the list.
ORDER_PAGE_RELATED = ("pickup_point", "package_purchase")


LINE_FIELDS = ("order_id", "brand_name", "article", "product_name", "quantity", "price")
LINE_FIELDS += ("comment", "status_id")
STATUS_FIELDS = ("status__name", "status__role", "status__colour", "status__sort_order")
LIST_LINES = OrderLine.objects.order_by("pk")
# What the list's cells read of an order (`OrderChangeList`).
LIST_ORDER_FIELDS = ("number", "client_id", "created_at", "comment", "payment_method")
LIST_ORDER_FIELDS += ("recipient_phone", "archived_at")


class OrderChangeList(KeptPageChangeList):
    """The page read with the client's name annotated and only the fields the cells read
    (`ListedRowsChangeList`), by a statement compiled once when nothing filters it
    (`KeptPageChangeList`), its lines as plain values (`listed.attach_lines`). The actions
    (the XLSX export) get the admin's queryset."""

    listed_values = person_values("client__user", "client")
    listed_fields = LIST_ORDER_FIELDS

    def rows_read(self, rows, request):
        """The page's lines in one query of plain values instead of the prefetch (issue 13)."""
        attach_lines(rows, request)


def _line_action(description: str, url_path: str, icon: str, code: str):
    """A detail action of the order's page: the line action `code` on lines of this order."""

    @action(description=description, url_path=url_path, permissions=["lines_change"], icon=icon)
    def run(self, request, object_id):
        order = get_object_or_404(Order, pk=object_id)
        line_action = LINE_ACTIONS[code]
        return admin_action_view(
            self,
            request,
            line_action,
            line_candidates(code, OrderLine.objects.filter(order=order)),
            done_url=reverse("admin:orders_order_change", args=[order.pk]),
            title=f"{line_action.title} — заказ {order.number}",
        )

    return run


@admin.register(Order)
class OrderAdmin(ClientDataViewJournal, EstimatedCountMixin, ModelAdmin):
    journal_what = PersonalDataView.What.ORDER

    list_display = [
        "number_display",
        "current_status",
        "created_at",
        "client_display",
        "composition",
        "comment_display",
        "payment_method",
        "phone_display",
    ]
    list_display_links = ["number_display"]
    list_filter = [
        LineStatusFilter,
        ("created_at", DateRangeFilter),
        ("client", AutocompleteSelectFilter),
        "payment_method",
        LineSourceFilter,
        ArchivedFilter,
    ]
    list_filter_submit = True
    # Unfold renders every cell through several template layers (~2.5 ms per order with its
    # composition on the 2-core machine): 25 orders keep the page within 150 ms at p95
    # (bench/results/orders_latency.md); 50 took 170 ms.
    list_per_page = 25
    show_full_result_count = False
    search_fields = ["number"]
    search_help_text = "Номер заказа, телефон получателя или клиента, артикул в любом написании"
    ordering = ["-created_at", "-id"]
    date_hierarchy = None
    actions = [export_xlsx]
    inlines = [OrderLineInline]
    actions_detail = [
        "lines_status",
        {
            "title": "Отказы",
            "icon": "assignment_return",
            "items": ["lines_confirm", "lines_decline", "lines_refuse"],
        },
        "lines_comment",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["number", "created_at", "client_display", "current_status", "total"]},
        ),
        (
            "Оформление",
            {
                "fields": [
                    "payment_method",
                    "balance_charged_display",
                    "package_display",
                    "recipient_phone_display",
                    "delivery",
                    "comment",
                    "archived_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "number",
        "created_at",
        "client_display",
        "current_status",
        "total",
        "payment_method",
        "balance_charged_display",
        "package_display",
        "recipient_phone_display",
        "delivery",
        "comment",
        "archived_at",
    ]
    export_columns = [
        ("Номер", lambda o: o.number),
        ("Создан", lambda o: o.created_at),
        ("Клиент", lambda o: o.client.user.get_full_name()),
        ("E-mail клиента", lambda o: o.client.user.email),
        ("Текущий статус", _status_summary_text),
        ("Состав", _composition),
        ("Комментарий к заявке", lambda o: o.comment),
        ("Способ оплаты", lambda o: o.get_payment_method_display()),
        ("Списано с баланса, ₽", lambda o: o.balance_charged),
        ("Пакет", lambda o: o.package_purchase.number if o.package_purchase_id else ""),
        ("Номер получателя", lambda o: o.recipient_phone_display),
        (
            "Доставка",
            lambda o: str(o.pickup_point) if o.pickup_point_id else o.delivery_address,
        ),
        ("В архиве с", lambda o: o.archived_at),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        lines = LIST_LINES.select_related("status").only(*LINE_FIELDS, *STATUS_FIELDS)
        return (
            super()
            .get_queryset(request)
            .select_related("client__user", *ORDER_PAGE_RELATED)
            .prefetch_related(Prefetch("lines", queryset=lines))
        )

    def get_changelist(self, request: HttpRequest, **kwargs):
        return OrderChangeList

    # The order's page: its read-only fieldsets written in Python (`order_page`, issue 13).
    change_form_template = "admin/orders/order/change_form.html"

    def render_change_form(self, request, context, *args, **kwargs):
        context["order_fieldsets_html"] = readonly_fieldsets_html(context["adminform"])
        for inline_admin_formset in context["inline_admin_formsets"]:
            inline_admin_formset.fast_rows = readonly_inline_rows_html(inline_admin_formset)
        return super().render_change_form(request, context, *args, **kwargs)

    def export_queryset(self, queryset: QuerySet[Order]) -> QuerySet[Order]:
        """The XLSX export (`core.exports`) shows the package and the pickup point."""
        return queryset.select_related(*ORDER_PAGE_RELATED)

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        # Exact matches only, each on an indexed column (numbers are stored upper-case).
        condition = Q(number=term.upper())
        digits = term.upper().removeprefix(NUMBER_PREFIX).strip()
        if digits.isdigit() and len(digits) <= 9:
            condition |= Q(pk=int(digits))
        phone = try_normalize_phone(term)
        if phone:
            condition |= Q(recipient_phone=phone) | Q(
                client_id__in=list(
                    Client.objects.filter(user__phone=phone).values_list("pk", flat=True)
                )
            )
        article = normalize_article(term)
        if article:
            # Resolved to ids first: an OR with a correlated EXISTS would make PostgreSQL scan
            # every order; ids keep each branch of the OR an index lookup (bitmap OR).
            order_ids = list(
                OrderLine.objects.filter(product__article_normalized=article)
                .values_list("order_id", flat=True)
                .distinct()[:ARTICLE_SEARCH_LIMIT]
            )
            if order_ids:
                condition |= Q(pk__in=order_ids)
        return queryset.filter(condition), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Orders come from checkout only.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Nothing of the order is edited in place; lines change through the actions.
        return False

    def has_lines_change_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("orders.change_orderline")

    # ---- columns ----

    # The list's cells are built in Python with every value escaped, not rendered from
    # templates: a template render costs ~0.5 ms on the loaded 2-core machine and a page of 25
    # orders asked for 125 of them (issue 13, bench/results/backoffice_lists.md).

    @display(description="номер", ordering="number")
    def number_display(self, obj: Order):
        html = f'<span style="white-space:nowrap">{_escape(obj.number)}</span>'
        if obj.archived_at:
            html += '<br><span style="opacity:.6">в архиве</span>'
        return SafeString(html)  # nosec B703: the number escaped

    @display(description="текущий статус")
    def current_status(self, obj: Order):
        return status_cell(obj)

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: Order):
        person = listed_person(obj, "client") or obj.client.user
        url = _escape(row_object_url(obj, "admin:accounts_client_change", obj.client_id))
        name = _escape(person.get_full_name() or person.email)
        return SafeString(  # nosec B703: every value escaped
            f'<div style="overflow-wrap:anywhere"><a href="{url}">{name}</a><br>'
            f'<span style="opacity:.7">{_escape(person.email)}</span></div>'
        )

    @display(description="артикул и состав")
    def composition(self, obj: Order):
        return composition_cell(obj)

    @display(description="комментарий к заявке")
    def comment_display(self, obj: Order):
        comment = obj.comment
        style = "min-width:90px;max-width:120px;overflow-wrap:break-word"
        if len(comment) <= 80:
            return SafeString(  # nosec B703: the comment escaped
                f'<div style="{style}">{_escape(comment) if comment else "—"}</div>'
            )
        return SafeString(  # nosec B703: the comment escaped
            f'<div style="{style}" title="{_escape(comment)}">{_escape(comment[:79])}…</div>'
        )

    @display(description="номер получателя", ordering="recipient_phone")
    def phone_display(self, obj: Order):
        phone = _escape(format_phone(obj.recipient_phone))
        return SafeString(f'<span style="white-space:nowrap">{phone}</span>')  # nosec B703

    @display(description="сумма заказа")
    def total(self, obj: Order) -> str:
        """All the lines at the prices they were bought; refused lines are named apart."""
        lines = list(obj.lines.all())
        text = f"{format_rub(order_total(obj))} — {count_ru(len(lines), *POSITIONS)}"
        kept = [line for line in lines if line.status.role != OrderStatus.Role.REFUSED]
        if len(kept) < len(lines):
            refused = count_ru(len(lines) - len(kept), *REFUSALS)
            text += f", без {refused}: {format_rub(sum((line.amount for line in kept), ZERO))}"
        return text

    @display(description="номер получателя")
    def recipient_phone_display(self, obj: Order) -> str:
        return obj.recipient_phone_display

    @display(description="списано с баланса")
    def balance_charged_display(self, obj: Order) -> str:
        if obj.balance_charged is None:
            return "—"
        return format_rub(obj.balance_charged)

    @display(description="пакет")
    def package_display(self, obj: Order) -> str:
        """Which package covered the order and how many of its requests are left now."""
        purchase = obj.package_purchase
        if purchase is None:
            return "Без пакета"
        return (
            f"Заявка по пакету «{purchase.name}» ({purchase.number}), "
            f"осталось {purchase.requests_left}"
        )

    @display(description="доставка")
    def delivery(self, obj: Order) -> str:
        if obj.pickup_point_id:
            return f"Пункт выдачи: {obj.pickup_point.name}, {obj.pickup_point.address}"
        return f"По адресу: {obj.delivery_address}"

    # ---- actions on the order's lines (core.admin_actions) ----

    lines_status = _line_action("Сменить статус", "lines-status", "swap_horiz", "status")
    lines_confirm = _line_action("Подтвердить отказ", "lines-confirm", "task_alt", "confirm")
    lines_decline = _line_action("Отклонить отказ", "lines-decline", "undo", "decline")
    lines_refuse = _line_action("Отказать (по другой причине)", "lines-refuse", "block", "refuse")
    lines_comment = _line_action("Комментарий менеджера", "lines-comment", "comment", "comment")
