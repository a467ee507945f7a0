"""Back office «Письма»: every letter of the store (read-only) with «Отправить снова».

Filters by kind and state, search by recipient, subject or what the letter is about. A letter
with a login link (password reset) never shows its text here.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from mprating.core import outbox
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.models import OutgoingEmail

State = OutgoingEmail.State
HIDDEN = "скрыто: письмо со ссылкой для входа"

STATE_FILTERS = {
    State.QUEUED: Q(sent_at__isnull=True, gave_up=False, series_attempts=0),
    State.FAILED: Q(sent_at__isnull=True, gave_up=False, series_attempts__gt=0),
    State.SENT: Q(sent_at__isnull=False),
    State.GAVE_UP: Q(sent_at__isnull=True, gave_up=True),
}


class KindFilter(admin.SimpleListFilter):
    title = "вид"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(outbox.KINDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class StateFilter(admin.SimpleListFilter):
    title = "состояние"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        condition = STATE_FILTERS.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


def _send_again(*, request, objects, data) -> str:
    queued = outbox.email_requeue(email_ids=[letter.pk for letter in objects])
    return f"Поставлено в очередь писем: {queued}."


SEND_AGAIN = AdminAction(
    title="Отправить письма снова",
    button="Отправить снова",
    run=_send_again,
    intro="Письма получат новую серию попыток и уйдут сразу. Отправленные письма не повторяются.",
    headers=("Письмо", "Кому", "Состояние"),
    row_template="admin/core/outgoing_email_row.html",
    empty_message="Среди выбранных писем нет неотправленных.",
)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ModelAdmin):
    list_display = [
        "subject",
        "to",
        "kind_name",
        "created_at",
        "state_badge",
        "attempts",
        "error_short",
    ]
    list_filter = [KindFilter, StateFilter, "created_at"]
    search_fields = ["to", "subject", "=ref"]
    search_help_text = "Адрес получателя, тема или «о чём» (например, garage.vinrequest:42)"
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    actions = ["send_again"]
    fields = [
        "kind_name",
        "to",
        "subject",
        "ref",
        "state_badge",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "text",
        "html",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @display(description="вид", ordering="kind")
    def kind_name(self, obj: OutgoingEmail) -> str:
        return outbox.KINDS.get(obj.kind, obj.kind)

    @display(
        description="состояние",
        label={
            State.QUEUED.label: "info",
            State.FAILED.label: "warning",
            State.SENT.label: "success",
            State.GAVE_UP.label: "danger",
        },
    )
    def state_badge(self, obj: OutgoingEmail) -> str:
        return obj.get_state_display()

    @display(description="последняя ошибка")
    def error_short(self, obj: OutgoingEmail) -> str:
        if obj.sent_at is not None or not obj.last_error:
            return ""
        return obj.last_error[:120]

    @display(description="текст")
    def text(self, obj: OutgoingEmail) -> str:
        return HIDDEN if obj.sensitive else obj.body_text

    @display(description="HTML")
    def html(self, obj: OutgoingEmail) -> str:
        return HIDDEN if obj.sensitive else obj.body_html

    @action(description="Отправить снова", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]):
        return admin_action_view(
            self,
            request,
            SEND_AGAIN,
            OutgoingEmail.objects.filter(pk__in=queryset.values("pk"), sent_at__isnull=True),
            changelist_action="send_again",
        )
