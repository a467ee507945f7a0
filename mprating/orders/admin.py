"""Back office «Управление заявками» and «Настройки → Статусы» (seed 000, issue 4).

Seed 000: «Здесь отображаются все заявки, созданные клиентами. Видны следующие поля: Текущий
статус, Дата создания, Клиент, Артикул и его состав…, Комментарий к заявке, Способ оплаты,
Номер получателя». Statuses of lines change only through the actions below (each calls a
service of `orders.services`, which writes the history and e-mails the client): «Сменить
статус», «Подтвердить отказ», «Отклонить отказ», «Отказать (по другой причине)»,
«Комментарий менеджера». They work on lines picked on the order's page or in a list of lines
(«Отказы на рассмотрении» is that list filtered to pending refusal requests).

The order list runs a fixed number of queries whatever the page size and never counts the
whole table on an unfiltered page (see `EstimatedCountPaginator`).
"""

from collections import Counter
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RangeDateFilter
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from mprating.accounts.models import Client
from mprating.accounts.phones import format_phone, try_normalize_phone
from mprating.catalog.normalize import normalize_article
from mprating.core.errors import ApplicationError
from mprating.core.exports import export_xlsx
from mprating.core.money import format_rub
from mprating.orders import services
from mprating.orders.models import (
    NUMBER_PREFIX,
    Order,
    OrderLine,
    OrderStatus,
    RefusalState,
    Source,
    StatusChange,
)

# ---- shared pieces ------------------------------------------------------------------------


def status_badge(status: OrderStatus, suffix: str = ""):
    """A status as the client sees it: its name in its colour, with a swatch."""
    return format_html(
        '<span class="mp-status" style="display:inline-flex;align-items:center;gap:6px;'
        'white-space:nowrap;color:{};font-weight:600">'
        '<span style="display:inline-block;width:10px;height:10px;border-radius:9999px;'
        'background:{}"></span>{}{}</span>',
        status.colour,
        status.colour,
        status.name,
        suffix,
    )


# Orders found by an article in the back office search; a more common article needs a filter.
ARTICLE_SEARCH_LIMIT = 2000


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


class LineActionForm(forms.Form):
    """The lines an action applies to (checkboxes named like the changelist's own, so that
    a changelist action and an order's page post the same form), plus the action's fields."""

    def __init__(self, *args, lines: QuerySet[OrderLine], kind: "LineAction", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[ACTION_CHECKBOX_NAME] = forms.ModelMultipleChoiceField(
            queryset=lines,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Отметьте позиции.",
                "invalid_choice": "Позиция больше не подходит для этого действия: "
                "обновите страницу.",
                "invalid_pk_value": "Позиция не найдена.",
            },
        )
        if kind.needs_status:
            self.fields["status"] = forms.ModelChoiceField(
                label="Новый статус",
                queryset=OrderStatus.objects.all(),
                widget=UnfoldAdminSelectWidget,
                empty_label="— выберите —",
                error_messages={"required": "Выберите статус."},
            )
        if kind.comment_label:
            self.fields["comment"] = forms.CharField(
                label=kind.comment_label,
                required=kind.comment_required,
                max_length=services.COMMENT_LINE_MAX,
                widget=UnfoldAdminTextareaWidget(attrs={"rows": 3})
                if kind.code != "comment"
                else UnfoldAdminTextInputWidget,
                help_text=kind.comment_help,
                error_messages={
                    "required": kind.comment_required_message,
                    "max_length": f"Не длиннее {services.COMMENT_LINE_MAX} символов.",
                },
            )


class LineAction:
    """One of the actions on order lines, with its form fields and its service call."""

    def __init__(
        self,
        code: str,
        title: str,
        button: str,
        run: Callable[..., int],
        *,
        needs_status: bool = False,
        comment_label: str = "",
        comment_required: bool = False,
        comment_required_message: str = "",
        comment_help: str = "",
        only_requested: bool = False,
        done: str = "Готово: {n}.",
    ) -> None:
        self.code = code
        self.title = title
        self.button = button
        self.run = run
        self.needs_status = needs_status
        self.comment_label = comment_label
        self.comment_required = comment_required
        self.comment_required_message = comment_required_message
        self.comment_help = comment_help
        self.only_requested = only_requested
        self.done = done


def _set_status(*, lines, actor, data) -> int:
    changes = services.line_status_set(
        line_ids=[line.pk for line in lines],
        status_id=data["status"].pk,
        actor=actor,
        comment=data.get("comment", ""),
    )
    return len(changes)


def _confirm(*, lines, actor, data) -> int:
    return services.line_refusal_confirm(line_ids=[line.pk for line in lines], actor=actor)


def _decline(*, lines, actor, data) -> int:
    return services.line_refusal_decline(
        line_ids=[line.pk for line in lines], actor=actor, comment=data["comment"]
    )


def _refuse(*, lines, actor, data) -> int:
    return services.line_refuse(
        line_ids=[line.pk for line in lines], actor=actor, reason=data["comment"]
    )


def _comment(*, lines, actor, data) -> int:
    for line in lines:
        services.line_manager_comment_set(line_id=line.pk, actor=actor, comment=data["comment"])
    return len(lines)


LINE_ACTIONS = {
    action.code: action
    for action in (
        LineAction(
            "status",
            "Сменить статус позиций",
            "Сменить статус",
            _set_status,
            needs_status=True,
            comment_label="Комментарий",
            comment_help="Попадёт в историю движения позиции; клиент увидит его в истории.",
            done="Статус изменён у позиций: {n}. Клиентам уйдут уведомления.",
        ),
        LineAction(
            "confirm",
            "Подтвердить отказ клиента",
            "Подтвердить отказ",
            _confirm,
            only_requested=True,
            done="Отказ подтверждён у позиций: {n}. Клиент увидит «Отказ клиента».",
        ),
        LineAction(
            "decline",
            "Отклонить отказ клиента",
            "Отклонить отказ",
            _decline,
            comment_label="Почему отказ отклонён",
            comment_required=True,
            comment_required_message="Укажите причину: клиент увидит её в заказе.",
            comment_help="Клиент увидит этот текст в последней колонке таблицы заказов.",
            only_requested=True,
            done="Отказ отклонён у позиций: {n}.",
        ),
        LineAction(
            "refuse",
            "Отказать по другой причине",
            "Отказать",
            _refuse,
            comment_label="Причина отказа",
            comment_required=True,
            comment_required_message="Укажите причину отказа.",
            comment_help="Например: «Нет в наличии у поставщика». Клиент увидит её в заказе.",
            done="Отказано по позициям: {n}.",
        ),
        LineAction(
            "comment",
            "Комментарий менеджера",
            "Сохранить комментарий",
            _comment,
            comment_label="Комментарий менеджера",
            comment_help="Последняя колонка таблицы заказов клиента. Пусто — убрать комментарий.",
            done="Комментарий сохранён у позиций: {n}.",
        ),
    )
}


def _line_rows() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("status", "order")


class LineActionsMixin:
    """Renders and runs a `LineAction` for lines of one order or a changelist selection."""

    def _line_action_view(
        self,
        request: HttpRequest,
        kind: LineAction,
        candidates: QuerySet[OrderLine],
        *,
        cancel_url: str,
        preselect_all: bool,
        changelist_action: str | None = None,
        done_url: str | None = None,
        order: Order | None = None,
    ) -> HttpResponse | None:
        if kind.only_requested:
            candidates = candidates.filter(refusal_state=RefusalState.REQUESTED)
        candidates = candidates.order_by("order_id", "pk")
        submitted = request.method == "POST" and "confirm" in request.POST
        initial = {ACTION_CHECKBOX_NAME: list(candidates)} if preselect_all else {}
        form = LineActionForm(
            request.POST if submitted else None, lines=candidates, kind=kind, initial=initial
        )
        if submitted and form.is_valid():
            lines = list(form.cleaned_data[ACTION_CHECKBOX_NAME])
            try:
                done = kind.run(lines=lines, actor=request.user, data=form.cleaned_data)
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, kind.done.format(n=done), messages.SUCCESS)
                skipped = len(lines) - done
                if skipped > 0:
                    self.message_user(
                        request,
                        f"Пропущено позиций: {skipped} (уже в этом состоянии).",
                        messages.WARNING,
                    )
                if changelist_action:
                    return None
                return HttpResponseRedirect(done_url or cancel_url)
        rows = list(candidates)
        if not rows:
            message = (
                "Среди выбранных позиций нет запросов на отказ."
                if kind.only_requested
                else "Нет позиций для этого действия."
            )
            self.message_user(request, message, messages.WARNING)
            if changelist_action:
                return None
            return HttpResponseRedirect(cancel_url)
        selected = {str(pk) for pk in (form[ACTION_CHECKBOX_NAME].value() or [])}
        if not form.is_bound and preselect_all:
            selected = {str(line.pk) for line in rows}
        context = {
            **self.admin_site.each_context(request),
            "opts": (Order if order else OrderLine)._meta,
            "title": f"{kind.title} — заказ {order.number}" if order else kind.title,
            "kind": kind,
            "form": form,
            "rows": rows,
            "selected": selected,
            "field_names": [name for name in form.fields if name != ACTION_CHECKBOX_NAME],
            "cancel_url": cancel_url,
            "changelist_action": changelist_action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "orders/admin/line_action.html", context)


# ---- «Настройки → Статусы» ------------------------------------------------------------------


class OrderStatusForm(forms.ModelForm):
    class Meta:
        model = OrderStatus
        fields = [
            "name",
            "colour",
            "sort_order",
            "is_final",
            "notify_client",
            "for_home",
            "for_transit",
            "for_marketplace",
        ]
        widgets = {"colour": forms.TextInput(attrs={"type": "color", "class": "mp-colour"})}


@admin.register(OrderStatus)
class OrderStatusAdmin(ModelAdmin):
    """Seed 004: line statuses «их цвета и названия в точности соответствуют заданным в меню
    “Настройки->Статусы”». Managers edit them; the statuses with a role (new, «Отгружен»,
    «Отказ») keep the role and the final flag the code relies on. A status in use is never
    deleted."""

    form = OrderStatusForm
    list_display = [
        "swatch",
        "sort_order",
        "chains",
        "is_final",
        "notify_client",
        "role_label",
    ]
    list_display_links = ["swatch"]
    ordering = ["sort_order", "name"]
    list_per_page = 100
    actions = None
    fieldsets = [
        (None, {"fields": ["name", "colour", "sort_order", "role_label", "usage"]}),
        ("Смысл статуса", {"fields": ["is_final", "notify_client"]}),
        (
            "Цепочки (откуда исполняется позиция)",
            {
                "fields": ["for_home", "for_transit", "for_marketplace"],
                "description": "В каких цепочках статус можно присвоить позиции. "
                "«Отказ» доступен в любой цепочке.",
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = ["role_label", "usage"]
        if obj is not None and obj.role:
            # The database checks: «Отгружен» and «Отказ» are final, «Новый» is not.
            fields.append("is_final")
        if not self.has_change_permission(request, obj):
            fields += list(OrderStatusForm.Meta.fields)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        return not obj.role and not self._in_use(obj)

    @staticmethod
    def _in_use(obj: OrderStatus) -> bool:
        return (
            OrderLine.objects.filter(status=obj).exists()
            or StatusChange.objects.filter(status=obj).exists()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and obj is not None
            and super().has_delete_permission(request, obj)
            and not self.has_delete_permission(request, obj)
        ):
            self.message_user(request, self._why_not_deletable(obj), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def _why_not_deletable(self, obj: OrderStatus) -> str:
        if obj.role:
            return (
                f"Статус «{obj.name}» нельзя удалить: на его роль "
                f"«{obj.get_role_display()}» опирается программа. Переименовать можно."
            )
        return (
            f"Статус «{obj.name}» нельзя удалить: он уже есть у позиций заказов или в их "
            "истории. Переименуйте его или уберите из цепочек."
        )

    @display(description="статус", ordering="name")
    def swatch(self, obj: OrderStatus):
        return status_badge(obj)

    @display(description="цепочки")
    def chains(self, obj: OrderStatus) -> str:
        if obj.role == OrderStatus.Role.REFUSED:
            return "любая"
        names = [
            label
            for flag, label in (
                (obj.for_home, "домашний склад"),
                (obj.for_transit, "транзит"),
                (obj.for_marketplace, "маркетплейс"),
            )
            if flag
        ]
        return ", ".join(names) or "—"

    @display(description="роль")
    def role_label(self, obj: OrderStatus) -> str:
        return obj.get_role_display() if obj.role else "—"

    @display(description="использование")
    def usage(self, obj: OrderStatus) -> str:
        if obj.pk is None:
            return "Новый статус"
        lines = OrderLine.objects.filter(status=obj).count()
        if obj.role:
            return f"Позиций в статусе: {lines}. Статус с ролью удалить нельзя."
        if lines or StatusChange.objects.filter(status=obj).exists():
            return f"Позиций в статусе: {lines}. Статус уже использовался — удалить нельзя."
        return "Не используется — можно удалить."


# ---- «Управление заявками» -----------------------------------------------------------------


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


class LineSourceFilter(admin.SimpleListFilter):
    title = "источник"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices

    def queryset(self, request, queryset):
        if self.value() in Source.values:
            return queryset.filter(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), source=self.value()))
            )
        return queryset


class ArchivedFilter(admin.SimpleListFilter):
    title = "архив"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Текущие"), ("yes", "В архиве")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class OrderLineInline(TabularInline):
    """The lines of the order as they were bought, with status, refusal and history."""

    model = OrderLine
    verbose_name = "позиция"
    verbose_name_plural = "Позиции заказа"
    fields = [
        "position",
        "price_display",
        "status_display",
        "refusal_display",
        "history_display",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("status")
            .prefetch_related(
                Prefetch(
                    "history",
                    queryset=StatusChange.objects.select_related("status", "changed_by").order_by(
                        "changed_at", "id"
                    ),
                )
            )
        )

    @display(description="позиция")
    def position(self, obj: OrderLine):
        return format_html(
            '<div style="min-width:180px"><b>{}</b> {}<br>{}{}'
            '<br><span style="opacity:.7">{}</span></div>',
            obj.brand_name,
            obj.article,
            obj.product_name,
            format_html('<br><em style="opacity:.7">«{}»</em>', obj.comment) if obj.comment else "",
            obj.get_source_display(),
        )

    @display(description="кол-во × цена")
    def price_display(self, obj: OrderLine):
        return format_html(
            '<span style="white-space:nowrap">{} × {}</span>', obj.quantity, format_rub(obj.price)
        )

    @display(description="статус")
    def status_display(self, obj: OrderLine):
        return status_badge(obj.status)

    @display(description="отказ и комментарий менеджера")
    def refusal_display(self, obj: OrderLine):
        state = obj.get_refusal_state_display() if obj.refusal_state else ""
        if obj.status.role == OrderStatus.Role.REFUSED:
            seen = "клиент просмотрел" if obj.refusal_seen else "клиент не просмотрел"
            state = f"{state}, {seen}" if state else seen.capitalize()
        return format_html(
            '<div style="min-width:160px">{}{}</div>',
            format_html("<b>{}</b><br>", state) if state else "",
            obj.manager_comment or "—",
        )

    @display(description="история движения")
    def history_display(self, obj: OrderLine):
        return history_html(obj.history.all())


def history_html(changes):
    rows = format_html_join(
        "",
        '<li style="margin-bottom:4px"><span style="white-space:nowrap">{}</span> {}{}{}</li>',
        (
            (
                change_time(change),
                status_badge(change.status),
                format_html(", {}", change.changed_by.get_full_name() or change.changed_by.email)
                if change.changed_by
                else "",
                format_html(" <em>«{}»</em>", change.comment) if change.comment else "",
            )
            for change in changes
        ),
    )
    return format_html(
        '<ul class="mp-history" style="margin:0;padding:0;min-width:280px;list-style:none">{}</ul>',
        rows,
    )


def change_time(change: StatusChange) -> str:
    return timezone.localtime(change.changed_at).strftime("%d.%m.%Y %H:%M")


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


@admin.register(Order)
class OrderAdmin(LineActionsMixin, ModelAdmin):
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
        ("created_at", RangeDateFilter),
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
        (None, {"fields": ["number", "created_at", "client_display", "current_status"]}),
        (
            "Оформление",
            {
                "fields": [
                    "payment_method",
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
        "payment_method",
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
        ("Номер получателя", lambda o: o.recipient_phone_display),
        (
            "Доставка",
            lambda o: str(o.pickup_point) if o.pickup_point_id else o.delivery_address,
        ),
        ("В архиве с", lambda o: o.archived_at),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        lines = OrderLine.objects.select_related("status").only(
            "order_id",
            "brand_name",
            "article",
            "product_name",
            "quantity",
            "comment",
            "status__name",
            "status__colour",
            "status__sort_order",
        )
        return (
            super()
            .get_queryset(request)
            .select_related("client__user", "pickup_point")
            .prefetch_related(Prefetch("lines", queryset=lines.order_by("pk")))
        )

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

    @display(description="номер", ordering="number")
    def number_display(self, obj: Order):
        return format_html(
            '<span style="white-space:nowrap">{}</span>{}',
            obj.number,
            format_html('<br><span style="opacity:.6">в архиве</span>') if obj.archived_at else "",
        )

    @display(description="текущий статус")
    def current_status(self, obj: Order):
        lines = list(obj.lines.all())
        counts = Counter(line.status_id for line in lines)
        statuses = {line.status_id: line.status for line in lines}
        if not counts:
            return "—"
        if len(counts) == 1:
            return status_badge(next(iter(statuses.values())))
        ordered = sorted(statuses.values(), key=lambda s: (s.sort_order, s.name))
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((status_badge(status, f" × {counts[status.pk]}"),) for status in ordered),
        )

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: Order):
        user = obj.client.user
        url = reverse("admin:accounts_client_change", args=[obj.client_id])
        return format_html(
            '<a href="{}">{}</a><br><span style="opacity:.7">{}</span>',
            url,
            user.get_full_name() or user.email,
            user.email,
        )

    @display(description="артикул и состав")
    def composition(self, obj: Order):
        return format_html(
            '<ul style="margin:0;padding:0;min-width:260px;max-width:420px;list-style:none">'
            "{}</ul>",
            format_html_join(
                "",
                '<li style="margin-bottom:2px"><b>{}</b> {} — {} × {}{}</li>',
                (
                    (
                        line.brand_name,
                        line.article,
                        line.product_name,
                        line.quantity,
                        format_html(' <em style="opacity:.7">«{}»</em>', line.comment)
                        if line.comment
                        else "",
                    )
                    for line in obj.lines.all()
                ),
            ),
        )

    @display(description="комментарий к заявке")
    def comment_display(self, obj: Order) -> str:
        if len(obj.comment) > 120:
            return obj.comment[:119] + "…"
        return obj.comment or "—"

    @display(description="номер получателя", ordering="recipient_phone")
    def phone_display(self, obj: Order):
        return format_html(
            '<span style="white-space:nowrap">{}</span>', format_phone(obj.recipient_phone)
        )

    @display(description="номер получателя")
    def recipient_phone_display(self, obj: Order) -> str:
        return obj.recipient_phone_display

    @display(description="доставка")
    def delivery(self, obj: Order) -> str:
        if obj.pickup_point_id:
            return f"Пункт выдачи: {obj.pickup_point.name}, {obj.pickup_point.address}"
        return f"По адресу: {obj.delivery_address}"

    # ---- actions on the order's lines ----

    def _order_lines_action(self, request, object_id, code: str):
        order = get_object_or_404(Order, pk=object_id)
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        return self._line_action_view(
            request,
            LINE_ACTIONS[code],
            _line_rows().filter(order=order),
            cancel_url=change_url,
            preselect_all=False,
            order=order,
        )

    @action(
        description="Сменить статус",
        url_path="lines-status",
        permissions=["lines_change"],
        icon="swap_horiz",
    )
    def lines_status(self, request, object_id):
        return self._order_lines_action(request, object_id, "status")

    @action(
        description="Подтвердить отказ",
        url_path="lines-confirm",
        permissions=["lines_change"],
        icon="task_alt",
    )
    def lines_confirm(self, request, object_id):
        return self._order_lines_action(request, object_id, "confirm")

    @action(
        description="Отклонить отказ",
        url_path="lines-decline",
        permissions=["lines_change"],
        icon="undo",
    )
    def lines_decline(self, request, object_id):
        return self._order_lines_action(request, object_id, "decline")

    @action(
        description="Отказать (по другой причине)",
        url_path="lines-refuse",
        permissions=["lines_change"],
        icon="block",
    )
    def lines_refuse(self, request, object_id):
        return self._order_lines_action(request, object_id, "refuse")

    @action(
        description="Комментарий менеджера",
        url_path="lines-comment",
        permissions=["lines_change"],
        icon="comment",
    )
    def lines_comment(self, request, object_id):
        return self._order_lines_action(request, object_id, "comment")


# ---- order lines: «Отказы на рассмотрении» and bulk actions ---------------------------------


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


@admin.register(OrderLine)
class OrderLineAdmin(LineActionsMixin, ModelAdmin):
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
        "refusal_state",
        "manager_comment",
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderLine]:
        return super().get_queryset(request).select_related("order", "client__user", "status")

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

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        condition = Q(order__number=term.upper())
        article = normalize_article(term)
        if article:
            condition |= Q(product__article_normalized=article)
        return queryset.filter(condition), False

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
            extra_context = {**(extra_context or {}), "title": "Отказы на рассмотрении"}
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
        url = reverse("admin:orders_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @display(description="дата заказа", ordering="order__created_at")
    def created(self, obj: OrderLine) -> str:
        return timezone.localtime(obj.order.created_at).strftime("%d.%m.%Y %H:%M")

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: OrderLine) -> str:
        return obj.client.user.get_full_name() or obj.client.user.email

    @display(description="статус", ordering="status__sort_order")
    def status_display(self, obj: OrderLine):
        return status_badge(obj.status)

    def _selected(self, request, queryset, code: str):
        return self._line_action_view(
            request,
            LINE_ACTIONS[code],
            _line_rows().filter(pk__in=queryset.values("pk")),
            cancel_url=request.get_full_path(),
            preselect_all=True,
            changelist_action=f"selected_{code}",
        )

    @admin.action(description="Подтвердить отказ", permissions=["lines_change"])
    def selected_confirm(self, request, queryset):
        return self._selected(request, queryset, "confirm")

    @admin.action(description="Отклонить отказ (с комментарием)", permissions=["lines_change"])
    def selected_decline(self, request, queryset):
        return self._selected(request, queryset, "decline")

    @admin.action(description="Сменить статус", permissions=["lines_change"])
    def selected_status(self, request, queryset):
        return self._selected(request, queryset, "status")

    @admin.action(description="Отказать (по другой причине)", permissions=["lines_change"])
    def selected_refuse(self, request, queryset):
        return self._selected(request, queryset, "refuse")

    @admin.action(description="Комментарий менеджера", permissions=["lines_change"])
    def selected_comment(self, request, queryset):
        return self._selected(request, queryset, "comment")
