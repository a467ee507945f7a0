"""Back office of the 1С adapter: the connection (with «Проверить подключение»), clients matched
to 1С counterparties, the sync state per client (with «Синхронизировать сейчас») and the history.

Every write calls `services`; both buttons are POST (they submit the page's own form, with its
CSRF token, to their own URL). The 1С password is never rendered back, not even masked.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.widgets import (
    UnfoldAdminPasswordWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminURLInputWidget,
)

from mprating.core.errors import ApplicationError
from mprating.core.money import format_rub
from mprating.finance.onec import crypto, selectors, services
from mprating.finance.onec.mapping import mapping_from_json, mapping_to_text
from mprating.finance.onec.models import (
    OneCChange,
    OneCClientState,
    OneCConnection,
    OneCCounterpartyLink,
)

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


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else "—"


def _post_button(url: str, label: str, testid: str) -> str:
    """A button that submits the page's form (and its CSRF token) to `url` by POST."""
    return format_html(
        '<button type="submit" formaction="{}" formmethod="post" formnovalidate '
        'data-testid="{}" class="border border-base-200 font-medium px-3 py-2 rounded-default '
        'bg-primary-600 text-white">{}</button>',
        url,
        testid,
        label,
    )


# ---- «Подключение к 1С» ---------------------------------------------------------------------


class ConnectionForm(forms.ModelForm):
    base_url = forms.URLField(
        label="Адрес публикации 1С",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=UnfoldAdminURLInputWidget,
        help_text=OneCConnection._meta.get_field("base_url").help_text,
    )
    password = forms.CharField(
        label="Пароль 1С",
        required=False,
        strip=False,
        widget=UnfoldAdminPasswordWidget(
            render_value=False, attrs={"autocomplete": "new-password"}
        ),
        help_text="Оставьте пустым, чтобы не менять. Хранится зашифрованным и не показывается.",
    )
    mapping_text = forms.CharField(
        label="Соответствие полей (JSON)",
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 22, "style": "font-family:monospace"}),
        help_text="Имена наборов и полей стандартного интерфейса OData вашей конфигурации. "
        "Пусто — значения по умолчанию для УТ 11. receipt_is_debit: true — приход регистра "
        "(реализация) увеличивает долг клиента. analytics_set пусто — измерение регистра само "
        "содержит контрагента. Проверьте кнопкой «Проверить подключение».",
    )

    class Meta:
        model = OneCConnection
        fields = ["username", "timeout_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_url"].initial = self.instance.base_url
        try:
            mapping = mapping_from_json(self.instance.mapping)
        except ApplicationError:
            mapping = mapping_from_json(None)
        self.fields["mapping_text"].initial = mapping_to_text(mapping)

    def clean_base_url(self) -> str:
        try:
            return services.clean_base_url(self.cleaned_data["base_url"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            try:
                crypto.encrypt_password(password)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from None
        return password

    def clean_mapping_text(self) -> str:
        text = self.cleaned_data["mapping_text"]
        try:
            mapping_from_json(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return text


@admin.register(OneCConnection)
class OneCConnectionAdmin(ModelAdmin):
    """One row: the changelist opens it directly."""

    form = ConnectionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            "Подключение к 1С:Управление торговлей (стандартный интерфейс OData)",
            {"fields": ["base_url", "username", "password", "password_state", "timeout_seconds"]},
        ),
        ("Проверка", {"fields": ["check_state"]}),
        ("Где данные в 1С", {"fields": ["mapping_text"]}),
        ("Изменения", {"fields": ["updated_at", "updated_by"]}),
    ]
    readonly_fields = ["password_state", "check_state", "updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("check/", view(self.check_view), name="finance_onecconnection_check"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        connection = services.connection_ensure()
        return HttpResponseRedirect(
            reverse("admin:finance_onecconnection_change", args=[connection.pk])
        )

    def save_model(self, request, obj, form, change) -> None:
        saved = services.connection_update(
            base_url=form.cleaned_data["base_url"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"] or None,
            timeout_seconds=form.cleaned_data["timeout_seconds"],
            mapping=form.cleaned_data["mapping_text"],
            by=request.user,
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by

    def check_view(self, request: HttpRequest) -> HttpResponse:
        """«Проверить подключение»: the saved settings against 1С, the result as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        result = services.connection_check(by=request.user)
        if result.ok:
            self.message_user(request, "Подключение к 1С работает, всё нужное опубликовано.")
        for problem in result.problems:
            self.message_user(request, problem, messages.ERROR)
        for warning in result.warnings:
            self.message_user(request, warning, messages.WARNING)
        connection = services.connection_ensure()
        return HttpResponseRedirect(
            reverse("admin:finance_onecconnection_change", args=[connection.pk])
        )

    @display(description="сохранённый пароль")
    def password_state(self, obj: OneCConnection) -> str:
        return "задан (хранится зашифрованным)" if obj.password_encrypted else "не задан"

    @display(description="результат последней проверки")
    def check_state(self, obj: OneCConnection) -> str:
        if obj.checked_at is None:
            state = mark_safe("<p>Ещё не проверялось.</p>")
        elif obj.check_ok:
            state = format_html(
                '<p style="color:#15803d">Работает — проверено {}.</p>', _when(obj.checked_at)
            )
        else:
            state = format_html(
                '<p style="color:#b91c1c">Не работает — проверено {}:</p>'
                '<ul style="list-style:disc;padding-left:1.25rem">{}</ul>',
                _when(obj.checked_at),
                format_html_join("", "<li>{}</li>", ((p,) for p in obj.check_problems)),
            )
        warnings = format_html_join(
            "", '<li style="color:#b45309">{}</li>', ((w,) for w in obj.check_warnings or [])
        )
        button = _post_button(
            reverse("admin:finance_onecconnection_check"), "Проверить подключение", "onec-check"
        )
        return format_html(
            '{}<ul style="list-style:disc;padding-left:1.25rem">{}</ul>'
            '<div style="margin-top:.75rem">{}</div>'
            '<p style="color:#6b7280;margin-top:.5rem">Проверяются сохранённые настройки: '
            "сначала сохраните изменения.</p>",
            state,
            warnings,
            button,
        )


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
    def sync_selected(self, request, queryset) -> None:
        client_ids = sorted(queryset.values_list("client_id", flat=True))
        for client_id in client_ids:
            services.sync_request(client_id=client_id, by=request.user, force=True)
        self.message_user(request, f"Поставлено в очередь: {len(client_ids)}.")

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
        return _when(obj.synced_at)

    @display(description="последняя попытка")
    def attempted(self, obj: OneCClientState) -> str:
        return _when(obj.attempted_at)

    @display(description="движения за период")
    def window(self, obj: OneCClientState) -> str:
        if not obj.window_start:
            return "—"
        return f"с {_when(obj.window_start)} по {_when(obj.synced_at)}"

    @display(description="ошибка или причина")
    def last_error_short(self, obj: OneCClientState) -> str:
        text = obj.last_error
        return text if len(text) <= 120 else text[:119] + "…"

    @display(description="синхронизация")
    def sync_now(self, obj: OneCClientState) -> str:
        url = reverse("admin:finance_onecclientstate_sync", args=[obj.pk])
        return _post_button(url, "Синхронизировать сейчас", "onec-sync-now")

    @display(description=f"последние движения (до {RECENT_MOVEMENTS})")
    def recent_movements(self, obj: OneCClientState) -> str:
        rows = list(obj.movements.order_by("-occurred_at", "-id")[:RECENT_MOVEMENTS])
        if not rows:
            return "нет"
        cell = "padding:.25rem;vertical-align:top;text-align:left"
        money = "padding:.25rem;vertical-align:top;text-align:right;white-space:nowrap"
        body = format_html_join(
            "",
            '<tr><td style="{}">{}</td><td style="{}">{}</td><td style="{}">{}</td>'
            '<td style="{}">{}</td></tr>',
            (
                (
                    cell + ";white-space:nowrap",
                    timezone.localtime(m.occurred_at).strftime("%d.%m.%Y"),
                    cell,
                    m.document,
                    money,
                    format_rub(m.debit) if m.debit else "",
                    money,
                    format_rub(m.credit) if m.credit else "",
                )
                for m in rows
            ),
        )
        return format_html(
            '<div style="overflow-x:auto;max-width:calc(100vw - 4rem)">'
            '<table style="width:100%;border-collapse:collapse">'
            '<thead><tr><th style="{}">Дата</th><th style="{}">Документ</th>'
            '<th style="{}">Списано</th><th style="{}">Зачислено</th></tr></thead>'
            "<tbody>{}</tbody></table></div>",
            cell,
            cell,
            money,
            money,
            body,
        )


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
