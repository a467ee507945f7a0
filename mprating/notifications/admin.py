"""Back office: the outbox of status e-mails (read-only) with «Отправить снова»."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from mprating.notifications import services
from mprating.notifications.models import StatusEmail


@admin.register(StatusEmail)
class StatusEmailAdmin(ModelAdmin):
    list_display = ["subject", "to_email", "created_at", "sent_state", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["to_email", "order__number", "subject"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in StatusEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @display(description="отправлено", label={"да": "success", "нет": "danger"})
    def sent_state(self, obj: StatusEmail) -> str:
        return "да" if obj.sent_at else "нет"

    @action(description="Отправить снова", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[StatusEmail]) -> None:
        queued = services.status_emails_requeue(
            email_ids=list(queryset.values_list("pk", flat=True))
        )
        messages.success(request, f"Поставлено в очередь писем: {queued}.")
