"""«Управление заявками → Возвраты»: the queue and a return's page (see the package
docstring)."""

from dataclasses import replace

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from mprating.accounts.admin_journal import ClientDataViewJournal
from mprating.accounts.models import PersonalDataView
from mprating.accounts.phones import try_normalize_phone
from mprating.catalog.normalize import normalize_article
from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.kept_queries import kept_statements
from mprating.core.money import format_rub
from mprating.orders.cabinet_selectors import order_number_query
from mprating.returns import selectors
from mprating.returns.admin.steps import DETAIL_STEPS, STEPS, receive_form
from mprating.returns.models import ReturnReason, ReturnRequest, ReturnStatus, ReturnStatusChange
from mprating.returns.transitions import BY_TARGET, OPEN, sources_of

S = ReturnStatus
STATUS_LABELS = {
    S.NEW.label: "info",
    S.REVIEW.label: "warning",
    S.APPROVED.label: "primary",
    S.REJECTED.label: "danger",
    S.RECEIVED.label: "info",
    S.REFUNDED.label: "success",
}
CHANGE = "returns.change_returnrequest"


def _cell(template: str, **context):
    html = render_to_string(f"returns/admin/{template}", context).strip()
    # The templates escape every value; strip() turned the SafeString into a plain str.
    return mark_safe(html)  # nosec B308 B703


class ReasonFilter(admin.RelatedFieldListFilter):
    """«Причина»: Django's filter of the foreign key, the reasons read through the kept
    statement of their plain query (`core.kept_queries`, issue 13) instead of compiling it on
    every visit of the list; the same rows in the same order, each named by `str()`."""

    def field_choices(self, field, request, model_admin):
        # As `Field.get_choices`: the reasons admin's ordering, else the model's.
        ordering = self.field_admin_ordering(field, request, model_admin)
        reasons = ReturnReason.objects.all()
        if ordering:
            reasons = reasons.order_by(*ordering)
        return [(reason.pk, str(reason)) for reason in kept_statements(reasons)]


class StatusFilter(admin.SimpleListFilter):
    title = "статус"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "В работе (не завершённые)"), *S.choices]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=OPEN)
        if self.value() in S.values:
            return queryset.filter(status=self.value())
        return queryset


class StatusHistoryInline(TabularInline):
    model = ReturnStatusChange
    verbose_name_plural = "История возврата"
    fields = ["changed_at", "status_badge", "who", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    hide_title = True

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("changed_by").order_by("changed_at", "id")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description="статус", label=STATUS_LABELS)
    def status_badge(self, obj: ReturnStatusChange) -> str:
        return obj.get_status_display()

    @display(description="кто")
    def who(self, obj: ReturnStatusChange) -> str:
        if obj.changed_by is None:
            return "система"
        if not obj.changed_by.is_staff:
            return f"клиент ({obj.changed_by.email})"
        return obj.changed_by.get_full_name() or obj.changed_by.email


def _detail_step(target: str, url_path: str, icon: str):
    @action(
        description=BY_TARGET[target][0].action,
        url_path=url_path,
        permissions=["process"],
        icon=icon,
    )
    def run(self, request: HttpRequest, object_id: str):
        candidates = self._candidates(ReturnRequest.objects.filter(pk=object_id), target)
        step = replace(STEPS[target], selectable=False)
        if target == S.RECEIVED:
            current = candidates.first()
            step = replace(step, form_class=receive_form(current.restock if current else None))
        return admin_action_view(
            self,
            request,
            step,
            candidates,
            done_url=reverse("admin:returns_returnrequest_change", args=[object_id]),
            title=f"Возврат № {object_id}: {step.title}",
        )

    return run


def _bulk_step(target: str, name: str):
    @admin.action(description=BY_TARGET[target][0].action, permissions=["process"])
    def run(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]):
        return admin_action_view(
            self,
            request,
            STEPS[target],
            self._candidates(ReturnRequest.objects.filter(pk__in=queryset.values("pk")), target),
            changelist_action=name,
        )

    run.__name__ = name
    return run


@admin.register(ReturnRequest)
class ReturnRequestAdmin(NoRowsNoQueryMixin, ClientDataViewJournal, ModelAdmin):
    journal_what = PersonalDataView.What.RETURN

    list_display = [
        "number_display",
        "created_at",
        "client_display",
        "order_display",
        "position",
        "quantity",
        "reason",
        "refund_display",
        "status_badge",
    ]
    list_display_links = ["number_display"]
    list_filter = [StatusFilter, ("reason", ReasonFilter), ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["line__order__number"]
    search_help_text = "Номер заказа, номер возврата, e-mail, телефон или фамилия клиента, артикул"
    ordering = ["-id"]  # ids grow with creation: newest first, on the primary key
    inlines = [StatusHistoryInline]
    actions = [
        "selected_review",
        "selected_approve",
        "selected_reject",
        "selected_receive",
        "selected_refund",
    ]
    actions_detail = ["step_review", "step_approve", "step_reject", "step_receive", "step_refund"]
    readonly_fields = [
        "number_display",
        "status_badge",
        "created_at",
        "client_link",
        "order_display",
        "position",
        "quantity",
        "amounts",
        "reason",
        "description",
        "restock_display",
        "photos_display",
    ]
    fieldsets = [
        (None, {"fields": ["number_display", "status_badge", "created_at", "client_link"]}),
        ("Что возвращают", {"fields": ["order_display", "position", "quantity", "amounts"]}),
        ("Почему", {"fields": ["reason", "description", "photos_display"]}),
        ("Склад", {"fields": ["restock_display"]}),
    ]

    selected_review = _bulk_step(S.REVIEW, "selected_review")
    selected_approve = _bulk_step(S.APPROVED, "selected_approve")
    selected_reject = _bulk_step(S.REJECTED, "selected_reject")
    selected_receive = _bulk_step(S.RECEIVED, "selected_receive")
    selected_refund = _bulk_step(S.REFUNDED, "selected_refund")
    step_review = _detail_step(S.REVIEW, "review", "pending")
    step_approve = _detail_step(S.APPROVED, "approve", "task_alt")
    step_reject = _detail_step(S.REJECTED, "reject", "block")
    step_receive = _detail_step(S.RECEIVED, "receive", "warehouse")
    step_refund = _detail_step(S.REFUNDED, "refund", "payments")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnRequest]:
        return selectors.returns_for_backoffice()

    def get_actions_detail(self, request: HttpRequest, object_id):
        """A return's page offers only the steps the table allows from its status."""
        actions = super().get_actions_detail(request, object_id)
        status = ReturnRequest.objects.filter(pk=object_id).values_list("status", flat=True)
        current = status.first()
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_"
        return [
            item
            for item in actions
            if DETAIL_STEPS.get(item.action_name.removeprefix(prefix)) is None
            or current in sources_of(DETAIL_STEPS[item.action_name.removeprefix(prefix)])
        ]

    def _candidates(self, queryset: QuerySet[ReturnRequest], target: str):
        return queryset.filter(status__in=sources_of(target)).select_related(
            "client__user", "line__order"
        )

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        condition = Q(line__order__number=order_number_query(term))
        # SQLite compares Cyrillic case-sensitively even with iexact: try the usual spelling too.
        name = term[:1].upper() + term[1:].lower()
        condition |= Q(client__user__email__iexact=term)
        condition |= Q(client__user__last_name__iexact=term) | Q(client__user__last_name=name)
        digits = term.removeprefix("№").strip()
        if digits.isdigit() and len(digits) <= 12:
            condition |= Q(pk=int(digits))
        phone = try_normalize_phone(term)
        if phone:
            condition |= Q(client__user__phone=phone)
        article = normalize_article(term)
        if article:
            condition |= Q(line__product__article_normalized=article) | Q(
                line__article__iexact=term
            )
        return queryset.filter(condition), False

    # ---- permissions: managers change (the steps), operators view -------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients create returns in the cabinet

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing is edited in place; the status moves by the actions

    def has_process_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm(CHANGE)

    # ---- columns ------------------------------------------------------------------------------

    @display(description="возврат", ordering="id")
    def number_display(self, obj: ReturnRequest) -> str:
        return obj.number

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: ReturnRequest) -> str:
        return obj.client.user.get_full_name() or obj.client.user.email

    @display(description="клиент")
    def client_link(self, obj: ReturnRequest):
        return _cell("_client.html", user=obj.client.user, client=obj.client)

    @display(description="заказ", ordering="line__order_id")
    def order_display(self, obj: ReturnRequest):
        return _cell("_order.html", order=obj.line.order)

    @display(description="позиция")
    def position(self, obj: ReturnRequest) -> str:
        line = obj.line
        name = f" — {line.product_name}" if line.product_name else ""
        return f"{line.brand_name} {line.article}{name}"

    @display(description="к возврату", ordering="refund_amount")
    def refund_display(self, obj: ReturnRequest) -> str:
        return format_rub(obj.refund_amount)

    @display(description="суммы")
    def amounts(self, obj: ReturnRequest):
        return _cell("_amounts.html", ret=obj)

    @display(description="статус", ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj: ReturnRequest) -> str:
        return obj.get_status_display()

    @display(description="вернуть на склад")
    def restock_display(self, obj: ReturnRequest):
        return _cell("_restock.html", ret=obj)

    @display(description="фото")
    def photos_display(self, obj: ReturnRequest):
        return _cell("_photos.html", photos=list(obj.photos.order_by("pk")), ret=obj)
