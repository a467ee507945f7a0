"""Back office «Балансы клиентов»: every client's balance and credit limit, the manager's
«Корректировка баланса» (amount, reason, a confirmation page, POST only) and the credit limit
with its history. Both go through `finance.services`."""

import uuid
from decimal import Decimal
from html import escape

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR
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
LISTING = "_finance_client_accounts_listing"


class ClientAccountChangeList(ListedRowsChangeList):
    """The page's clients with their user's name and e-mail annotated, no `User` objects.

    The balance columns (`selectors.client_accounts_for_backoffice`) are annotated on the
    page's rows only, and on the whole list when it is sorted or filtered by them or shows
    the filter's counts (issue 13): resolving them and compiling the count of an annotated
    query (its LEFT JOIN of the balances kept) cost ~1,200 Python calls a page; the plain
    clients' count statement is kept (`core.kept_queries`). Same rows, same cells."""

    listed_values = person_values("user", "client")
    listed_fields = ("company_name",)

    def get_queryset(self, request, exclude_parameters=None):
        # The filter «баланс» reads the columns, also for its counts (`_facets`).
        filtered = BalanceFilter.parameter_name in self.params or self.add_facets
        plain = BALANCE_COLUMNS[0] not in self.root_queryset.query.annotations
        if plain and (filtered or self._sorted_by_balance(request)):
            self.root_queryset = selectors.client_accounts_for_backoffice(self.root_queryset)
        return super().get_queryset(request, exclude_parameters)

    def _sorted_by_balance(self, request) -> bool:
        """Does the ordering (the admin's, or `o=` as `ChangeList.get_ordering` reads it)
        name a balance column?"""
        fields = list(self.model_admin.get_ordering(request) or ())
        for part in (self.params.get(ORDER_VAR) or "").split("."):
            try:
                name = self.list_display[int(part.rpartition("-")[2])]
            except (IndexError, ValueError):
                continue
            fields.append(self.get_ordering_field(name))
        return any(type(field) is str and field.lstrip("-") in BALANCE_COLUMNS for field in fields)

    def get_results(self, request):
        super().get_results(request)
        if BALANCE_COLUMNS[0] not in self.result_list.query.annotations:
            # After `listed_rows`: its rows read no `User` (the selector's select_related off).
            self.result_list = selectors.client_accounts_for_backoffice(
                self.result_list
            ).select_related(None)


@admin.register(ClientAccount)
class ClientAccountAdmin(ReadOnlyAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request is not None and request.__dict__.get(LISTING) is self:
            return queryset  # the list's root: `ClientAccountChangeList` adds the balances
        return selectors.client_accounts_for_backoffice(queryset)

    def get_changelist_instance(self, request):
        # Only the list's own root is plain: anything else asking `get_queryset` (an account's
        # page, «Корректировка баланса») gets the balances.
        request.__dict__[LISTING] = self
        try:
            return super().get_changelist_instance(request)
        finally:
            request.__dict__.pop(LISTING, None)

    def get_changelist(self, request: HttpRequest, **kwargs):
        return ClientAccountChangeList

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
