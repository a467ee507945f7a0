"""«Документы → VIN-запросы»: the list, the page of a request and its status actions.

Seed 004: «Остальные [статусы] выставляются дежурным по VIN-запросам менеджером вручную в
ПУПе». The status field is read-only; «Принят», «Обрабатывается», «Выполнен» are actions on the
page and on the list that open a confirmation page and change the status only on its POST
(`core.admin_actions`), only forward (`services.manual_statuses_after`, the one rule). The
answers go through `services`; the chat is `chat.ChatAdminMixin`.
"""

from dataclasses import replace

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from mprating.accounts.admin_journal import ClientDataViewJournal
from mprating.accounts.models import PersonalDataView
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.admin_page_columns import PageColumnsMixin
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.garage import selectors, services
from mprating.garage.admin_vin.chat import ChatAdminMixin
from mprating.garage.admin_vin.inlines import (
    AnswerInline,
    LineInline,
    StatusHistoryInline,
    can_process,
)
from mprating.garage.models import VinAnswer, VinRequest

Status = VinRequest.Status
STATUS_LABELS = {
    Status.NOT_SENT.label: "danger",
    Status.PENDING.label: "warning",
    Status.ACCEPTED.label: "info",
    Status.IN_PROGRESS.label: "info",
    Status.DONE.label: "success",
}


def _status_action(status: str) -> AdminAction:
    label = Status(status).label

    def run(*, request, objects, data):
        changed = services.vin_requests_status_set(
            request_ids=[obj.pk for obj in objects], status=status, by=request.user
        )
        result = [(messages.SUCCESS, f"Статус «{label}» выставлен: {len(changed)}.")]
        if status == Status.DONE:
            unanswered = selectors.unanswered_lines_counts([obj.pk for obj in changed])
            result += [
                (
                    messages.WARNING,
                    f"VIN-запрос № {request_id} отмечен «Выполнен», но {count} из его позиций "
                    "без ответа «Бренд, Артикул». Система этого не запрещает — проверьте, что "
                    "клиенту ответили по всем позициям.",
                )
                for request_id, count in unanswered.items()
                if count
            ]
        return result

    return AdminAction(
        title=f"Статус «{label}»",
        button=f"Поставить «{label}»",
        run=run,
        intro=f"Статус станет «{label}». Статусы VIN-запроса идут только вперёд: вернуть "
        "прежний будет нельзя.",
        headers=("Запрос", "Клиент", "Сейчас"),
        row_template="garage/admin/status_row.html",
        empty_message=f"Нет VIN-запросов, которым можно поставить «{label}»: у них уже этот "
        "статус или следующий.",
    )


STATUS_ACTIONS = {status: _status_action(status) for status in services.MANUAL_STATUSES}
# On a request's own page there is nothing to pick: the action is for that request.
DETAIL_STATUS_ACTIONS = {
    status: replace(bulk, selectable=False) for status, bulk in STATUS_ACTIONS.items()
}


@admin.register(VinRequest)
class VinRequestAdmin(
    PageColumnsMixin, NoRowsNoQueryMixin, ClientDataViewJournal, ChatAdminMixin, ModelAdmin
):
    journal_what = PersonalDataView.What.VIN_REQUEST

    list_display = [
        "number",
        "created_at",
        "client_short",
        "vehicle_column",
        "lines_total",
        "answered_total",
        "status_badge",
        "chat_link",
    ]
    list_display_links = ["number", "vehicle_column"]
    list_filter = ["status", ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["=id", "vin", "vehicle_name", "client__user__email", "client__user__last_name"]
    search_help_text = "Номер, VIN, автомобиль, e-mail или фамилия клиента"
    ordering = ["-id"]
    inlines = [LineInline, AnswerInline, StatusHistoryInline]
    actions = ["set_accepted", "set_in_progress", "set_done"]
    actions_detail = ["accept", "take", "complete", "open_chat"]
    readonly_fields = [
        "number",
        "created_at",
        "status_badge",
        "client_name",
        "vehicle_name",
        "vin",
        "comment",
        "email_state",
    ]
    fieldsets = [("VIN-запрос", {"fields": readonly_fields})]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VinRequest]:
        if self.listed_root(request):
            return self.page_queryset()
        return selectors.vin_requests_for_backoffice()

    # The list's counts «позиций», «обработано» and the chat's unread (`PageColumnsMixin`):
    # what `selectors.vin_requests_for_backoffice` annotates, on the page's rows only.
    page_column_names = ("lines_count", "answered_count", "unread_for_managers")

    def page_queryset(self) -> QuerySet[VinRequest]:
        return selectors.vin_requests_plain_for_backoffice()

    def page_columns(self, queryset: QuerySet[VinRequest]) -> QuerySet[VinRequest]:
        return selectors.with_counts(queryset)  # the one rule for the counts

    # ---- permissions: only «обрабатывать VIN-запросы» ------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_process(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_process(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_process(request)

    def has_process_permission(self, request: HttpRequest, object_id=None) -> bool:
        return can_process(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients create requests in the cabinet

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Every field of the request is read-only: nothing to write (answers go by services)."""

    def save_formset(self, request, form, formset, change) -> None:
        # The admin's change message reads these lists; the writes below go through services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not VinAnswer:
            return
        for answer_form in formset.forms:
            if not hasattr(answer_form, "cleaned_data") or not answer_form.cleaned_data:
                continue
            instance = answer_form.instance
            if instance.pk and answer_form.cleaned_data.get("DELETE"):
                services.vin_answer_delete(answer_id=instance.pk, by=request.user)
            elif not instance.pk and answer_form.has_changed():
                data = answer_form.cleaned_data
                try:
                    services.vin_answer_add(
                        line_id=data["line"].pk,
                        by=request.user,
                        product_id=data["product"].pk if data.get("product") else None,
                        brand_name=data.get("brand_name", ""),
                        article=data.get("article", ""),
                    )
                except ApplicationError as error:
                    self.message_user(request, error.message, messages.ERROR)

    # ---- columns ----------------------------------------------------------------------------

    @display(description="№", ordering="id")
    def number(self, obj: VinRequest) -> str:
        return f"№ {obj.pk}"

    @display(description="клиент", ordering="client__user__last_name")
    def client_name(self, obj: VinRequest) -> str:
        user = obj.client.user
        return f"{user.get_full_name() or user.email} ({user.email})"

    @display(description="клиент", ordering="client__user__last_name")
    def client_short(self, obj: VinRequest) -> str:
        return obj.client.user.get_full_name() or obj.client.user.email

    @display(description="автомобиль, VIN", ordering="vehicle_name")
    def vehicle_column(self, obj: VinRequest) -> str:
        return render_to_string("garage/admin/columns.html#vehicle", {"request": obj})

    @display(description="позиций", ordering="lines_count")
    def lines_total(self, obj: VinRequest) -> int:
        return obj.lines_count

    @display(description="обработано", ordering="answered_count")
    def answered_total(self, obj: VinRequest) -> int:
        return obj.answered_count

    @display(description="статус", ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj: VinRequest) -> str:
        return obj.get_status_display()

    @display(description="чат")
    def chat_link(self, obj: VinRequest) -> str:
        return render_to_string(
            "garage/admin/columns.html#chat",
            {
                "url": reverse("admin:garage_vinrequest_chat", args=[obj.pk]),
                "unread": getattr(obj, "unread_for_managers", 0),
            },
        )

    @display(description="письмо менеджерам")
    def email_state(self, obj: VinRequest) -> str:
        letter = selectors.vin_request_letter(obj)
        if letter is None:
            return "письма нет — причина в истории статусов"
        when = timezone.localtime(letter.sent_at or letter.next_attempt_at)
        state = letter.state
        if state == OutgoingEmail.State.SENT:
            return f"отправлено {when:%d.%m.%Y %H:%M} на {letter.to}"
        if state == OutgoingEmail.State.QUEUED:
            return f"в очереди на отправку на {letter.to}"
        tries = f"попыток: {letter.attempts}"
        if state == OutgoingEmail.State.GAVE_UP:
            return f"не отправлено, попытки исчерпаны ({tries}): {letter.last_error}"
        return f"не отправлено ({tries}), следующая попытка {when:%d.%m.%Y %H:%M}: " + (
            letter.last_error
        )

    # ---- statuses: «выставляются дежурным по VIN-запросам менеджером вручную» -------------

    def _status_candidates(self, queryset: QuerySet[VinRequest], status: str):
        return queryset.filter(status__in=services.statuses_allowing(status)).select_related(
            "client__user"
        )

    def _detail_status(self, request: HttpRequest, object_id: str, status: str):
        change_url = reverse("admin:garage_vinrequest_change", args=[object_id])
        return admin_action_view(
            self,
            request,
            DETAIL_STATUS_ACTIONS[status],
            self._status_candidates(VinRequest.objects.filter(pk=object_id), status),
            done_url=change_url,
            title=f"VIN-запрос № {object_id}: статус «{Status(status).label}»",
        )

    def _bulk_status(self, request: HttpRequest, queryset, status: str, name: str):
        return admin_action_view(
            self,
            request,
            STATUS_ACTIONS[status],
            self._status_candidates(
                VinRequest.objects.filter(pk__in=queryset.values("pk")), status
            ),
            changelist_action=name,
        )

    @action(description="Принят", url_path="accept", permissions=["process"], icon="inbox")
    def accept(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.ACCEPTED)

    @action(description="Обрабатывается", url_path="take", permissions=["process"], icon="pending")
    def take(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.IN_PROGRESS)

    @action(description="Выполнен", url_path="complete", permissions=["process"], icon="task_alt")
    def complete(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.DONE)

    @action(description="Открыть чат", url_path="open-chat", permissions=["process"], icon="chat")
    def open_chat(self, request: HttpRequest, object_id: str):
        return HttpResponseRedirect(reverse("admin:garage_vinrequest_chat", args=[object_id]))

    @admin.action(description="Статус «Принят»", permissions=["process"])
    def set_accepted(self, request, queryset):
        return self._bulk_status(request, queryset, Status.ACCEPTED, "set_accepted")

    @admin.action(description="Статус «Обрабатывается»", permissions=["process"])
    def set_in_progress(self, request, queryset):
        return self._bulk_status(request, queryset, Status.IN_PROGRESS, "set_in_progress")

    @admin.action(description="Статус «Выполнен»", permissions=["process"])
    def set_done(self, request, queryset):
        return self._bulk_status(request, queryset, Status.DONE, "set_done")
