"""«Монетизация → Покупки пакетов» and «Выручка»: purchases, their actions, the revenue page."""

import json
from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from mprating.accounts.phones import try_normalize_phone
from mprating.billing import selectors, services
from mprating.billing.admin.common import (
    EXPIRED,
    NOWRAP,
    STATUS_LABELS,
    PurchaseHistoryInline,
    _day,
    _month_label,
)
from mprating.billing.models import (
    PURCHASE_NUMBER_PREFIX,
    PackagePurchase,
    PurchaseStatus,
)
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.charts import bar_chart_options
from mprating.core.exports import export_xlsx
from mprating.core.money import format_rub


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Причина отмены",
        max_length=services.REASON_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Попадёт в историю покупки.",
        error_messages={
            "required": "Укажите причину отмены.",
            "max_length": f"Причина не длиннее {services.REASON_MAX} символов.",
        },
    )


def _confirm(*, request, objects, data) -> str:
    done = services.package_purchases_confirm_payment(
        purchase_ids=[p.pk for p in objects], by=request.user
    )
    return f"Оплата подтверждена: {done}. Пакеты действуют с этой минуты."


def _cancel(*, request, objects, data) -> str:
    done = services.package_purchases_cancel(
        purchase_ids=[p.pk for p in objects], by=request.user, reason=data["reason"]
    )
    return f"Покупок отменено: {done}."


PURCHASE_HEADERS = ("Покупка", "Клиент", "Пакет", "Цена", "Оформлена")
CONFIRM = AdminAction(
    title="Подтвердить оплату по счёту",
    button="Подтвердить оплату",
    run=_confirm,
    intro="Отметьте покупки, счета которых оплачены. Пакет начнёт действовать с момента "
    "подтверждения; в истории покупки останется, кто подтвердил.",
    headers=PURCHASE_HEADERS,
    row_template="billing/admin/_purchase_row.html",
    choose_error="Отметьте покупки.",
    empty_message="Среди выбранных нет покупок, ожидающих оплаты.",
)
CANCEL = AdminAction(
    title="Отменить покупки",
    button="Отменить покупки",
    run=_cancel,
    form_class=CancelForm,
    intro="Отменить можно только покупку, ожидающую оплаты. Оплаченный пакет не отменяется: "
    "деньги возвращают корректировкой баланса.",
    headers=PURCHASE_HEADERS,
    row_template="billing/admin/_purchase_row.html",
    choose_error="Отметьте покупки.",
    empty_message="Среди выбранных нет покупок, ожидающих оплаты.",
)


def _awaiting(queryset: QuerySet[PackagePurchase]) -> QuerySet[PackagePurchase]:
    return queryset.filter(status=PurchaseStatus.AWAITING_PAYMENT).select_related("client__user")


@admin.register(PackagePurchase)
class PackagePurchaseAdmin(ModelAdmin):
    list_display = [
        "number_display",
        "client_display",
        "name",
        "price_display",
        "method",
        "status_display",
        "created_day",
        "valid_until_day",
        "requests_display",
    ]
    list_display_links = ["number_display"]
    list_filter = [
        "status",
        ("client", AutocompleteSelectFilter),
        "package",
        "payment_method",
        ("created_at", DateRangeFilter),
        ("paid_at", DateRangeFilter),
    ]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["client__user__last_name", "client__user__first_name", "client__user__email"]
    search_help_text = "Номер покупки, ФИО, e-mail или телефон клиента"
    ordering = ["-created_at", "-id"]
    actions = ["confirm_selected", "cancel_selected", export_xlsx]
    actions_detail = ["confirm", "cancel"]
    inlines = [PurchaseHistoryInline]
    fieldsets = [
        (None, {"fields": ["number_display", "client_display", "status_display"]}),
        (
            "Что куплено",
            {"fields": ["name", "price_display", "requests_display", "validity_days"]},
        ),
        (
            "Оплата",
            {
                "fields": [
                    "payment_method",
                    "created_at",
                    "paid_at",
                    "valid_until",
                    "confirmed_by",
                    "cancelled_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "number_display",
        "client_display",
        "status_display",
        "name",
        "price_display",
        "requests_display",
        "validity_days",
        "payment_method",
        "created_at",
        "paid_at",
        "valid_until",
        "confirmed_by",
        "cancelled_at",
    ]
    export_columns = [
        ("Номер", lambda p: p.number),
        ("Клиент", lambda p: p.client.user.get_full_name()),
        ("E-mail клиента", lambda p: p.client.user.email),
        ("Пакет", lambda p: p.name),
        ("Цена, ₽", lambda p: p.price),
        ("Заявок", lambda p: p.requests_total),
        ("Осталось заявок", lambda p: p.requests_left),
        ("Срок, дней", lambda p: p.validity_days),
        ("Способ оплаты", lambda p: p.get_payment_method_display()),
        ("Состояние", lambda p: p.get_status_display()),
        ("Оформлена", lambda p: p.created_at),
        ("Оплачена", lambda p: p.paid_at),
        ("Действует до", lambda p: p.valid_until),
        ("Оплату подтвердил", lambda p: p.confirmed_by.get_full_name() if p.confirmed_by else ""),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PackagePurchase]:
        return selectors.purchases_for_backoffice()

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip().upper()
        digits = term.removeprefix(PURCHASE_NUMBER_PREFIX).strip()
        if digits.isdigit() and len(digits) <= 9:
            queryset |= self.get_queryset(request).filter(pk=int(digits))
        phone = try_normalize_phone(search_term) if search_term else None
        if phone:
            queryset |= self.get_queryset(request).filter(client__user__phone=phone)
        return queryset, duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients buy packages themselves

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing is edited in place: the actions change the state

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_manage_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("billing.change_packagepurchase")

    def has_awaiting_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not self.has_manage_permission(request):
            return False
        if object_id is None:
            return True
        return PackagePurchase.objects.filter(
            pk=object_id, status=PurchaseStatus.AWAITING_PAYMENT
        ).exists()

    # ---- columns ----

    @display(description="номер", ordering="id")
    def number_display(self, obj: PackagePurchase) -> str:
        return obj.number

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: PackagePurchase) -> str:
        user = obj.client.user
        return user.get_full_name() or user.email

    @display(description="оформлена", ordering="created_at")
    def created_day(self, obj: PackagePurchase) -> str:
        return _day(obj.created_at)

    @display(description="действует до", ordering="valid_until")
    def valid_until_day(self, obj: PackagePurchase) -> str:
        return _day(obj.valid_until)

    @display(description="цена", ordering="price")
    def price_display(self, obj: PackagePurchase) -> str:
        return format_rub(obj.price)

    @display(description="состояние", ordering="status", label=STATUS_LABELS)
    def status_display(self, obj: PackagePurchase) -> str:
        if obj.is_expired:
            return EXPIRED
        return obj.get_status_display()

    @display(description="оплата", ordering="payment_method")
    def method(self, obj: PackagePurchase) -> str:
        return format_html(NOWRAP, obj.get_payment_method_display())

    @display(description="заявки", ordering="requests_left")
    def requests_display(self, obj: PackagePurchase) -> str:
        return format_html(NOWRAP, f"{obj.requests_left} из {obj.requests_total}")

    # ---- actions (core.admin_actions) ----

    @admin.action(description="Подтвердить оплату", permissions=["manage"])
    def confirm_selected(self, request, queryset):
        return admin_action_view(
            self, request, CONFIRM, _awaiting(queryset), changelist_action="confirm_selected"
        )

    @admin.action(description="Отменить", permissions=["manage"])
    def cancel_selected(self, request, queryset):
        return admin_action_view(
            self, request, CANCEL, _awaiting(queryset), changelist_action="cancel_selected"
        )

    def _detail(self, request, object_id, what: AdminAction) -> HttpResponse:
        purchase = get_object_or_404(PackagePurchase, pk=object_id)
        return admin_action_view(
            self,
            request,
            what,
            _awaiting(PackagePurchase.objects.filter(pk=purchase.pk)),
            done_url=reverse("admin:billing_packagepurchase_change", args=[purchase.pk]),
            title=f"{what.title} — {purchase.number}",
            preselect=True,
        )

    @action(
        description="Подтвердить оплату",
        url_path="confirm",
        permissions=["awaiting"],
        icon="task_alt",
    )
    def confirm(self, request, object_id):
        return self._detail(request, object_id, CONFIRM)

    @action(description="Отменить", url_path="cancel", permissions=["awaiting"], icon="block")
    def cancel(self, request, object_id):
        return self._detail(request, object_id, CANCEL)

    # ---- «Выручка» ----

    def get_urls(self):
        revenue = self.admin_site.admin_view(self.revenue_view)
        return [
            path("revenue/", revenue, name="billing_packagepurchase_revenue"),
            *super().get_urls(),
        ]

    def revenue_view(self, request: HttpRequest) -> HttpResponse:
        """Revenue and packages sold per month of payment: the last 12 months, or a year."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        years = list(range(today.year, today.year - 5, -1))
        year = request.GET.get("year", "")
        if year.isdigit() and int(year) in years:
            first, last = date(int(year), 1, 1), date(int(year), 12, 1)
            period = f"{year} год"
        else:
            year = ""
            last = today.replace(day=1)
            first = selectors.months_between(date(last.year - 1, last.month, 1), last)[1]
            period = "последние 12 месяцев"
        revenue = selectors.package_revenue(first_month=first, last_month=last)
        labels = [_month_label(m.month) for m in revenue.months]
        chart = {
            "labels": labels,
            "datasets": [
                {
                    "label": "Выручка, ₽",
                    "data": [float(m.revenue) for m in revenue.months],
                    "backgroundColor": "var(--color-primary-600)",
                    "maxBarThickness": 32,
                    "displayYAxis": True,
                    "suffixYAxis": "₽",
                }
            ],
        }
        sold_chart = {
            "labels": labels,
            "datasets": [
                {
                    "label": "Продано пакетов",
                    "data": [m.sold for m in revenue.months],
                    "backgroundColor": "var(--color-primary-300)",
                }
            ],
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Выручка от пакетов",
            "period": period,
            "years": years,
            "year": year,
            "revenue": revenue,
            "months": list(zip(labels, revenue.months, strict=True)),
            "chart": json.dumps(chart, ensure_ascii=False),
            "sold_chart": json.dumps(sold_chart, ensure_ascii=False),
            # packages are counted: integer ticks (unfold's defaults drew 0,5 and 1,5)
            "sold_chart_options": bar_chart_options(),
        }
        return TemplateResponse(request, "billing/admin/revenue.html", context)
