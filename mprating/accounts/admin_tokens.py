"""Back office «Пользователи» → «API-токены»: clients' personal API tokens (issue 12), read-only,
with «Отозвать». Registered by importing this module from `accounts/admin.py`."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.decorators import display

from mprating.accounts import services
from mprating.accounts.models import ApiToken
from mprating.accounts.selectors import api_tokens_for_backoffice
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_filters import DateRangeFilter


class ApiTokenStateFilter(admin.SimpleListFilter):
    title = "состояние"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("working", "Действуют"), ("expired", "Срок истёк"), ("revoked", "Отозваны")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "working":
            return queryset.filter(services.api_tokens_active_q(now))
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def _revoke(*, request, objects, data) -> str:
    done = services.api_tokens_revoke_by_staff(
        token_ids=[t.pk for t in objects], actor=request.user
    )
    return f"Отозвано токенов: {done}. Программы клиентов с ними больше не получат доступ."


REVOKE_TOKENS = AdminAction(
    title="Отозвать API-токены",
    button="Отозвать",
    intro="Программы клиента, которые пользуются этими токенами, сразу потеряют доступ к API.",
    headers=("Токен",),
    run=_revoke,
    choose_error="Отметьте токены, которые нужно отозвать.",
    empty_message="Среди выбранных нет действующих токенов.",
)


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    """Read-only: the client makes and revokes tokens in the cabinet; the back office may revoke
    one (a leak, a call to support), and who did it stays on the token. The hash of a token is
    never shown: it is of no use to a person and must not leave the database."""

    list_display = ["name", "token_start", "client", "created_at", "last_used", "state"]
    list_filter = [ApiTokenStateFilter, ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["name", "prefix", "client__user__email", "client__user__last_name"]
    search_help_text = "Название, начало токена, e-mail или фамилия клиента"
    ordering = ["-created_at", "-id"]
    fields = [
        "name",
        "token_start",
        "client",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return api_tokens_for_backoffice()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.revoke_apitoken")

    @display(description="токен", ordering="prefix")
    def token_start(self, obj: ApiToken) -> str:
        return f"mpr_{obj.prefix}_…"

    @display(description="последнее использование", ordering="last_used_at")
    def last_used(self, obj: ApiToken) -> str:
        if obj.last_used_at is None:
            return "—"
        when = timezone.localtime(obj.last_used_at).strftime("%d.%m.%Y %H:%M")
        return f"{when}, IP {obj.last_used_ip}" if obj.last_used_ip else when

    @display(
        description="состояние",
        label={"Действует": "success", "Срок истёк": "warning", "Отозван": "danger"},
    )
    def state(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return "Отозван"
        return "Действует" if obj.is_active_at(timezone.now()) else "Срок истёк"

    @admin.action(description="Отозвать выбранные токены", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]):
        return admin_action_view(
            self,
            request,
            REVOKE_TOKENS,
            queryset.filter(revoked_at__isnull=True),
            changelist_action="revoke_selected",
        )
