"""Back office «Балансы клиентов»: every client's balance and credit limit, the manager's
«Корректировка баланса» (amount, reason, a confirmation page, POST only) and the credit limit
with its history. Both go through `finance.services`."""

import uuid
from decimal import Decimal
from html import escape

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from mprating.accounts.admin_people import ListedRowsChangeList, listed_person, person_values
from mprating.core.admin_page_columns import PageColumnsMixin, page_columns_changelist
from mprating.core.errors import ApplicationError
from mprating.core.money import format_rub
from mprating.finance import selectors, services
from mprating.finance.admin import ReadOnlyAdmin, client_name
from mprating.finance.models import ClientAccount, CreditLimitChange


class RublesField(forms.DecimalField):
    """A sum as people type it: «15 000,50», «-1500.00», «−200» (spaces and the minus sign
    ignored, comma or dot)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("−", "-")
            value = value.replace(",", ".")
        return super().to_python(value)


class CorrectionForm(forms.Form):
    amount = RublesField(
        label="Сумма, ₽",
        max_digits=14,
        decimal_places=2,
        widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal"}),
        help_text="Плюс — зачислить на баланс, минус — списать (например, −1500,00).",
        error_messages={"required": "Укажите сумму.", "invalid": "Введите сумму числом."},
    )
    reason = forms.CharField(
        label="Причина",
        max_length=255,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text="Обязательна. Её увидит клиент в «Финансах» и в акте сверки.",
        error_messages={"required": "Укажите причину корректировки."},
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("Сумма корректировки не может быть нулевой.")
        return amount


class CreditLimitForm(forms.Form):
    limit = RublesField(
        label="Кредитный лимит, ₽",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal"}),
        help_text="На сколько баланс может уйти в минус при оплате с баланса; 0 — без кредита.",
        error_messages={
            "required": "Укажите лимит.",
            "invalid": "Введите сумму числом.",
            "min_value": "Кредитный лимит не может быть отрицательным.",
        },
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=1000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )


class CreditLimitHistoryInline(TabularInline):
    model = CreditLimitChange
    fk_name = "client"
    verbose_name_plural = "История кредитного лимита"
    fields = ["changed_at", "old_limit", "new_limit", "changed_by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class BalanceFilter(admin.SimpleListFilter):
    title = "баланс"
    parameter_name = "balance"

    def lookups(self, request, model_admin):
        return [
            ("debt", "Задолженность"),
            ("positive", "Деньги на счёте"),
            ("limit", "С кредитным лимитом"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "debt":
            return queryset.filter(balance_value__lt=0)
        if self.value() == "positive":
            return queryset.filter(balance_value__gt=0)
        if self.value() == "limit":
            return queryset.filter(credit_limit_value__gt=0)
        return queryset


BALANCE_COLUMNS = ("balance_value", "credit_limit_value", "balance_updated_at")


class ClientAccountChangeList(ListedRowsChangeList):
    """The page's clients with their user's name and e-mail annotated, no `User` objects."""

    listed_values = person_values("user", "client")
    listed_fields = ("company_name",)


@admin.register(ClientAccount)
class ClientAccountAdmin(PageColumnsMixin, ReadOnlyAdmin):
    list_display = ["full_name", "company_name", "balance_column", "limit_column", "updated_column"]
    list_filter = [BalanceFilter]
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "user__last_name",
        "user__first_name",
        "user__email",
        "user__phone",
        "company_name",
        "inn",
    ]
    search_help_text = "ФИО, e-mail, телефон, компания или ИНН"
    ordering = ["user__last_name", "id"]
    inlines = [CreditLimitHistoryInline]
    actions_detail = ["correct", "change_limit", "open_ledger"]
    fields = [
        "full_name",
        "company_name",
        "inn",
        "balance_column",
        "limit_column",
        "updated_column",
    ]
    readonly_fields = fields

    # The balance columns (`selectors.client_accounts_for_backoffice`) on the page's rows only
    # (`PageColumnsMixin`, issue 13): resolving them and compiling the count of the annotated
    # query (its LEFT JOIN of the balances) cost ~1,200 Python calls a page.
    page_column_names = BALANCE_COLUMNS

    def page_columns(self, queryset: QuerySet) -> QuerySet:
        # On the list's rows, which read no `User` (`ListedRowsChangeList`).
        return selectors.client_accounts_for_backoffice(queryset).select_related(None)

    def page_columns_for_whole_list(self, changelist, request) -> bool:
        # The filter «баланс» reads the columns, also for its counts (`_facets`).
        return (
            BalanceFilter.parameter_name in changelist.params
            or changelist.add_facets
            or super().page_columns_for_whole_list(changelist, request)
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.listed_root(request):
            return queryset
        return selectors.client_accounts_for_backoffice(queryset)

    def get_changelist(self, request: HttpRequest, **kwargs):
        return page_columns_changelist(ClientAccountChangeList)

    @display(description="клиент", ordering="user__last_name")
    def full_name(self, obj) -> str:
        user = listed_person(obj, "client") or obj.user
        return user.get_full_name() or user.email

    @display(description="баланс", ordering="balance_value")
    def balance_column(self, obj) -> str:
        colour = "#b91c1c" if obj.balance_value < 0 else "inherit"
        shown = escape(format_rub(obj.balance_value))
        return SafeString(  # nosec B703: a constant colour and the escaped sum
            f'<span style="white-space:nowrap; color:{colour}">{shown}</span>'
        )

    @display(description="кредитный лимит", ordering="credit_limit_value")
    def limit_column(self, obj) -> str:
        return format_rub(obj.credit_limit_value) if obj.credit_limit_value else "—"

    @display(description="изменён", ordering="balance_updated_at")
    def updated_column(self, obj):
        return obj.balance_updated_at or "—"

    def has_correct_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("finance.correct_balance")

    def has_change_limit_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("finance.change_credit_limit")

    def has_open_ledger_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("finance.view_ledgerentry")

    @action(description="Операции", url_path="ledger", permissions=["open_ledger"], icon="list")
    def open_ledger(self, request: HttpRequest, object_id: str) -> HttpResponse:
        url = reverse("admin:finance_ledgerentry_changelist")
        return HttpResponseRedirect(f"{url}?client__id__exact={int(object_id)}")

    @action(
        description="Корректировка баланса",
        url_path="correct",
        permissions=["correct"],
        icon="edit_note",
    )
    def correct(self, request: HttpRequest, object_id: str) -> HttpResponse:
        client = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:finance_clientaccount_change", args=[client.pk])
        if request.method != "POST":
            form = CorrectionForm(initial={"token": uuid.uuid4().hex})
            return self._page(request, client, form, "correction", change_url)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self._page(request, client, form, "correction", change_url, status=422)
        amount = form.cleaned_data["amount"]
        if request.POST.get("confirm") != "yes":
            # The second page: what will happen, the same fields hidden, «Подтвердить».
            return self._page(
                request,
                client,
                form,
                "correction",
                change_url,
                confirm=True,
                new_balance=client.balance_value + amount,
                amount_abs=abs(amount),
            )
        try:
            services.manual_correction(
                client_id=client.pk,
                amount=amount,
                reason=form.cleaned_data["reason"],
                by=request.user,
                idempotency_key=f"correction:{form.cleaned_data['token']}",
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self._page(request, client, form, "correction", change_url, status=422)
        self.message_user(
            request,
            f"Баланс скорректирован на {format_rub(amount)}. "
            f"Причина: {form.cleaned_data['reason']}",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    @action(
        description="Кредитный лимит",
        url_path="credit-limit",
        permissions=["change_limit"],
        icon="credit_score",
    )
    def change_limit(self, request: HttpRequest, object_id: str) -> HttpResponse:
        client = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:finance_clientaccount_change", args=[client.pk])
        if request.method != "POST":
            form = CreditLimitForm(initial={"limit": client.credit_limit_value})
            return self._page(request, client, form, "limit", change_url)
        form = CreditLimitForm(request.POST)
        if form.is_valid():
            try:
                services.credit_limit_set(
                    client_id=client.pk,
                    limit=form.cleaned_data["limit"],
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                limit = format_rub(form.cleaned_data["limit"])
                self.message_user(request, f"Кредитный лимит: {limit}.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return self._page(request, client, form, "limit", change_url, status=422)

    def _page(self, request, client, form, kind, cancel_url, *, status=200, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Корректировка баланса" if kind == "correction" else "Кредитный лимит",
            "kind": kind,
            "client": client,
            "client_name": client_name(client),
            "form": form,
            "cancel_url": cancel_url,
            **extra,
        }
        return TemplateResponse(request, "finance/admin/account_form.html", context, status=status)
