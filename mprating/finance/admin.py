"""Back office «Финансы»: the ledger (read-only), client balances, corrections, credit limits,
акты сверки.

Ledger entries are never edited or deleted here (no add, change or delete permission is
honoured); a mistake is fixed by «Корректировка баланса», which a manager confirms on a second
page and which goes through `services.manual_correction` like any other write.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display

from mprating.core.admin_filters import DateRangeFilter
from mprating.core.exports import export_xlsx
from mprating.core.money import format_rub
from mprating.finance import selectors
from mprating.finance.models import LedgerEntry, Statement

CLIENT_SEARCH = [
    "client__user__last_name",
    "client__user__first_name",
    "client__user__email",
    "client__user__phone",
    "client__company_name",
    "client__inn",
]


def client_name(client) -> str:
    name = client.user.get_full_name() or client.user.email
    return f"{name} ({client.company_name})" if client.company_name else name


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "client_column",
        "kind",
        "document_label",
        "debit_column",
        "credit_column",
        "created_by",
    ]
    list_filter = [
        "kind",
        ("occurred_at", DateRangeFilter),
        ("client", AutocompleteSelectFilter),
    ]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = [*CLIENT_SEARCH, "document_label", "idempotency_key"]
    search_help_text = "Клиент (ФИО, e-mail, телефон, компания, ИНН), документ или ключ"
    ordering = ["-occurred_at", "-id"]
    actions = [export_xlsx]
    export_columns = [
        ("Дата", lambda e: e.occurred_at),
        ("Клиент", lambda e: client_name(e.client)),
        ("E-mail", lambda e: e.client.user.email),
        ("Операция", lambda e: e.get_kind_display()),
        ("Документ", lambda e: e.document_label),
        ("Дебет", lambda e: e.debit),
        ("Кредит", lambda e: e.credit),
        ("Записал", lambda e: str(e.created_by or "система")),
        ("Комментарий", lambda e: e.comment),
        ("Ключ", lambda e: e.idempotency_key),
    ]
    fields = [
        "occurred_at",
        "client",
        "kind",
        "document_type",
        "document_id",
        "document_label",
        "debit",
        "credit",
        "comment",
        "created_at",
        "created_by",
        "idempotency_key",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        return selectors.ledger_entries_for_backoffice()

    @display(description="клиент", ordering="client__user__last_name")
    def client_column(self, obj: LedgerEntry) -> str:
        return client_name(obj.client)

    @display(description="дебет", ordering="debit")
    def debit_column(self, obj: LedgerEntry) -> str:
        return format_rub(obj.debit) if obj.debit else ""

    @display(description="кредит", ordering="credit")
    def credit_column(self, obj: LedgerEntry) -> str:
        return format_rub(obj.credit) if obj.credit else ""


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "client_column",
        "period_label",
        "status",
        "progress",
        "closing_column",
        "files",
    ]
    list_filter = ["status", ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = CLIENT_SEARCH
    search_help_text = "Клиент: ФИО, e-mail, телефон, компания или ИНН"
    ordering = ["-created_at", "-id"]
    fields = [
        "client",
        "period_start",
        "period_end",
        "status",
        "progress",
        "error_message",
        "source",
        "data_as_of",
        "opening_balance",
        "debit_turnover",
        "credit_turnover",
        "closing_balance",
        "movements_count",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "files",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return selectors.statements_for_backoffice()

    @display(description="клиент", ordering="client__user__last_name")
    def client_column(self, obj: Statement) -> str:
        return client_name(obj.client)

    @display(description="период")
    def period_label(self, obj: Statement) -> str:
        return obj.period_label

    @display(description="сальдо конечное", ordering="closing_balance")
    def closing_column(self, obj: Statement) -> str:
        return "" if obj.closing_balance is None else format_rub(obj.closing_balance)

    @display(description="файлы")
    def files(self, obj: Statement) -> str:
        if obj.status != Statement.Status.DONE:
            return "—"
        links = [
            (reverse("admin:finance_statement_file", args=[obj.pk, kind]), kind.upper())
            for kind in ("pdf", "xlsx")
        ]
        link = '<a href="{}" class="text-primary-600">{}</a>'
        return format_html(f"{link} · {link}", *links[0], *links[1])

    def get_urls(self):
        return [
            path(
                "<int:object_id>/file/<str:kind>/",
                self.admin_site.admin_view(self.file_view),
                name="finance_statement_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, object_id: int, kind: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        statement = get_object_or_404(Statement.objects.filter(~Q(pdf="")), pk=object_id)
        stored = {"pdf": statement.pdf, "xlsx": statement.xlsx}.get(kind)
        if not stored:
            raise Http404("Нет такого файла.")
        return FileResponse(
            stored.open("rb"), as_attachment=True, filename=statement.file_name(kind)
        )


from mprating.finance import admin_accounts  # noqa: E402, F401 — balances, corrections, limits
from mprating.finance.onec import admin as onec_admin  # noqa: E402, F401 — registers the 1С pages
