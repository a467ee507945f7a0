"""«Сопоставление клиентов с 1С», «Синхронизация с 1С» (with «Синхронизировать сейчас») and the
history of the 1С settings."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from unfold.admin import ModelAdmin
from unfold.decorators import display

from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.errors import ApplicationError
from mprating.core.money import format_rub
from mprating.finance.onec import selectors, services
from mprating.finance.onec.admin.common import post_button, when
from mprating.finance.onec.models import OneCChange, OneCClientState, OneCCounterpartyLink

Status = OneCClientState.Status
STATUS_LABELS = {
    Status.OK.label: "success",
    Status.NEVER.label: "info",
    Status.NOT_FOUND.label: "warning",
    Status.NO_IDENTITY.label: "warning",
    Status.NOT_CONFIGURED.label: "warning",
    Status.ERROR.label: "danger",
}
RECENT_MOVEMENTS = 50


# ---- «Сопоставление клиентов с 1С» ---------------------------------------------------------


class CounterpartyLinkForm(forms.ModelForm):
    class Meta:
        model = OneCCounterpartyLink
        fields = ["client", "counterparty"]

    def clean_counterparty(self) -> str:
        try:
            return services.clean_counterparty_reference(self.cleaned_data["counterparty"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(OneCCounterpartyLink)
class OneCCounterpartyLinkAdmin(ModelAdmin):
    form = CounterpartyLinkForm
    list_display = ["client_name", "client_inn", "counterparty", "updated_at", "updated_by"]
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "client__user__last_name",
        "client__user__email",
        "client__inn",
        "counterparty",
    ]
    search_help_text = "Фамилия или e-mail клиента, ИНН, ключ или код контрагента"
    autocomplete_fields = ["client"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client__user", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "client"] if obj else self.readonly_fields

    @display(description="клиент", ordering="client__user__last_name")
    def client_name(self, obj: OneCCounterpartyLink) -> str:
        return obj.client.user.get_full_name() or obj.client.user.email

    @display(description="ИНН", ordering="client__inn")
    def client_inn(self, obj: OneCCounterpartyLink) -> str:
        return obj.client.inn or "—"

    def save_model(self, request, obj, form, change) -> None:
        client_id = obj.client_id
        link = services.counterparty_link_set(
            client_id=client_id, counterparty=form.cleaned_data["counterparty"], by=request.user
        )
        obj.pk, obj.updated_at, obj.updated_by = link.pk, link.updated_at, link.updated_by

    def delete_model(self, request, obj) -> None:
        services.counterparty_link_delete(client_id=obj.client_id, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for client_id in sorted(queryset.values_list("client_id", flat=True)):
            services.counterparty_link_delete(client_id=client_id, by=request.user)


# ---- «Синхронизация с 1С» -------------------------------------------------------------------


def _sync(*, request, objects, data) -> str:
    for state in objects:
        services.sync_request(client_id=state.client_id, by=request.user, force=True)
    return f"Поставлено в очередь: {len(objects)}."


SYNC = AdminAction(
    title="Синхронизировать с 1С",
    button="Синхронизировать",
    run=_sync,
    intro="Баланс и движения выбранных клиентов будут запрошены в 1С фоновой задачей.",
)


@admin.register(OneCClientState)
class OneCClientStateAdmin(ModelAdmin):
    list_display = [
        "client_name",
        "client_inn",
        "counterparty_name",
        "status_badge",
        "balance_rub",
        "synced",
        "last_error_short",
    ]
    list_filter = ["status"]
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "client__user__last_name",
        "client__user__email",
        "client__inn",
        "counterparty_name",
    ]
    search_help_text = "Фамилия или e-mail клиента, ИНН, контрагент"
    actions = ["sync_selected"]
    fields = [
        "client_name",
        "client_inn",
        "counterparty_name",
        "status_badge",
        "last_error",
        "balance_rub",
        "synced",
        "attempted",
        "window",
        "sync_now",
        "recent_movements",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.sync_states_for_backoffice()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_sync_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("finance.change_onecclientstate")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:state_id>/sync/", view(self.sync_view), name="finance_onecclientstate_sync"),
            *super().get_urls(),
        ]

    def sync_view(self, request: HttpRequest, state_id: int) -> HttpResponse:
        """«Синхронизировать сейчас»: queue a sync of this client."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_sync_permission(request):
            raise PermissionDenied
        state = get_object_or_404(OneCClientState, pk=state_id)
        services.sync_request(client_id=state.client_id, by=request.user, force=True)
        self.message_user(
            request,
            "Синхронизация с 1С поставлена в очередь — обновите страницу через минуту.",
        )
        return HttpResponseRedirect(
            reverse("admin:finance_onecclientstate_change", args=[state_id])
        )

    @admin.action(description="Синхронизировать с 1С", permissions=["sync"])
    def sync_selected(self, request, queryset):
        candidates = OneCClientState.objects.filter(pk__in=queryset.values("pk")).select_related(
            "client__user"
        )
        return admin_action_view(self, request, SYNC, candidates, changelist_action="sync_selected")

    # ---- columns ----------------------------------------------------------------------------

    @display(description="клиент", ordering="client__user__last_name")
    def client_name(self, obj: OneCClientState) -> str:
        user = obj.client.user
        return f"{user.get_full_name() or user.email} ({user.email})"

    @display(description="ИНН", ordering="client__inn")
    def client_inn(self, obj: OneCClientState) -> str:
        link = getattr(obj.client, "onec_link", None)
        inn = obj.client.inn or "—"
        return f"{inn}; вручную: {link.counterparty}" if link else inn

    @display(description="статус", ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj: OneCClientState) -> str:
        return obj.get_status_display()

    @display(description="баланс", ordering="balance")
    def balance_rub(self, obj: OneCClientState) -> str:
        return format_rub(obj.balance) if obj.synced_at else "—"

    @display(description="данные на", ordering="synced_at")
    def synced(self, obj: OneCClientState) -> str:
        return when(obj.synced_at)

    @display(description="последняя попытка")
    def attempted(self, obj: OneCClientState) -> str:
        return when(obj.attempted_at)

    @display(description="движения за период")
    def window(self, obj: OneCClientState) -> str:
        if not obj.window_start:
            return "—"
        return f"с {when(obj.window_start)} по {when(obj.synced_at)}"

    @display(description="ошибка или причина")
    def last_error_short(self, obj: OneCClientState) -> str:
        text = obj.last_error
        return text if len(text) <= 120 else text[:119] + "…"

    @display(description="синхронизация")
    def sync_now(self, obj: OneCClientState) -> str:
        url = reverse("admin:finance_onecclientstate_sync", args=[obj.pk])
        return post_button(url, "Синхронизировать сейчас", "onec-sync-now")

    @display(description=f"последние движения (до {RECENT_MOVEMENTS})")
    def recent_movements(self, obj: OneCClientState) -> str:
        rows = list(obj.movements.order_by("-occurred_at", "-id")[:RECENT_MOVEMENTS])
        if not rows:
            return "нет"
        return render_to_string("finance/admin/onec/recent_movements.html", {"rows": rows})


@admin.register(OneCChange)
class OneCChangeAdmin(ModelAdmin):
    list_display = ["changed_at", "changed_by", "action", "client", "comment"]
    list_filter = ["action"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "client__user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
