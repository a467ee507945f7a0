"""Back office «Пользователи» (seed 000): clients, their access, and staff accounts."""

from html import escape

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from unfold import utils as unfold_utils
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.forms import AdminPasswordChangeForm
from unfold.widgets import UnfoldAdminTextareaWidget

from mprating.accounts import personal_data, services
from mprating.accounts.admin_people import ListedRowsChangeList, listed_person, person_values
from mprating.accounts.models import Client, ClientStatusChange, PersonalDataView, User
from mprating.accounts.phones import try_normalize_phone
from mprating.accounts.selectors import clients_for_backoffice
from mprating.core import exports
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.admin_rows import _compact as compact_cell
from mprating.core.errors import ApplicationError
from mprating.core.kept_queries import kept_statements

admin.site.unregister(Group)


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=2000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Будет видна в истории на странице клиента.",
        error_messages={"required": "Укажите причину: без неё доступ не меняется."},
    )


class ActiveFilter(admin.SimpleListFilter):
    title = "доступ"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Активные"), ("no", "Заблокированные")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(user__is_active=True)
        if self.value() == "no":
            return queryset.filter(user__is_active=False)
        return queryset


class StatusChangeInline(TabularInline):
    model = ClientStatusChange
    verbose_name_plural = "История доступа"
    fields = ["changed_at", "status_label", "reason", "changed_by"]
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

    @admin.display(description="изменение")
    def status_label(self, obj: ClientStatusChange) -> str:
        return "Разблокирован" if obj.is_active else "Заблокирован"

    @admin.display(description="причина")
    def reason(self, obj: ClientStatusChange) -> str:
        return obj.comment


ACCESS_LABELS = {"Активен": "success", "Заблокирован": "danger"}
_access_badges: dict[tuple[str | None, bool], SafeString] = {}


def access_text(active: bool) -> str:
    return "Активен" if active else "Заблокирован"


@admin.display(description="доступ", ordering="user__is_active")
def listed_access(obj: Client) -> SafeString:
    """«доступ» on a row of the list: the badge the list's cells make of `ClientAdmin.access`
    (unfold's label display, compacted), made once per language and state. A `label=` column
    takes the general path of the planned cells (~20 Python calls a row more); this column's
    ready HTML takes the short one. The client's page shows `access` as before (plain text)."""
    active = (listed_person(obj, "client") or obj.user).is_active
    key = (get_language(), active)
    badge = _access_badges.get(key)
    if badge is None:
        label = unfold_utils.display_for_label(access_text(active), "-", ACCESS_LABELS)
        badge = _access_badges[key] = compact_cell(label, False)
    return badge


listed_access.__name__ = "access"  # the column's classes and sort key stay those of «access»


class ClientChangeList(ListedRowsChangeList):
    listed_values = person_values("user", "client", ("phone", "is_active"))
    listed_fields = ("company_name", "created_at")
    rows_from_url = True  # `clients_for_backoffice()`, the filters and the search read the URL only


@admin.register(Client)
class ClientAdmin(ModelAdmin):
    list_display = ["full_name", "email", "phone", "company_name", "created_at", "access"]
    list_display_links = ["full_name", "email"]
    list_filter = [ActiveFilter, ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "user__last_name",
        "user__first_name",
        "user__middle_name",
        "user__email",
        "user__phone",
        "company_name",
        "inn",
    ]
    search_help_text = "ФИО, e-mail, телефон, компания или ИНН"
    ordering = ["-created_at", "-id"]
    inlines = [StatusChangeInline]
    actions = ["deactivate_selected", "reactivate_selected", "export_xlsx"]
    export_columns = [
        ("Фамилия", lambda c: c.user.last_name),
        ("Имя", lambda c: c.user.first_name),
        ("Отчество", lambda c: c.user.middle_name),
        ("E-mail", lambda c: c.user.email),
        ("Телефон", lambda c: c.user.phone_display),
        ("Компания", lambda c: c.company_name),
        ("ИНН", lambda c: c.inn),
        ("Зарегистрирован", lambda c: c.created_at),
        ("Активен", lambda c: c.user.is_active),
        ("Наценка, %", lambda c: c.markup_percent),
        ("Схема кросс-связей", lambda c: c.cross_scheme),
    ]
    actions_detail = ["deactivate", "reactivate"]
    fieldsets = [
        (
            "Личные данные, указанные при регистрации",
            {"fields": ["full_name", "email", "phone", "company_name", "inn"]},
        ),
        ("Регистрация", {"fields": ["created_at", "personal_data_consent_at"]}),
        ("Настройки поиска", {"fields": ["markup_percent", "cross_scheme"]}),
        ("Доступ", {"fields": ["access"]}),
    ]
    readonly_fields = [
        "full_name",
        "email",
        "phone",
        "company_name",
        "inn",
        "created_at",
        "personal_data_consent_at",
        "markup_percent",
        "cross_scheme",
        "access",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        return clients_for_backoffice()

    def get_changelist(self, request: HttpRequest, **kwargs):
        return ClientChangeList

    def get_list_display(self, request: HttpRequest):
        if IS_POPUP_VAR in request.GET:  # a popup's rows are unfold's own
            return self.list_display
        return [listed_access if name == "access" else name for name in self.list_display]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Clients register themselves; the back office never types in someone's consent.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Personal data is the client's own; staff only switch access, through actions.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # ---- 152-ФЗ: every look at a client's personal data is journaled (issue 12) -------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._journal_view(request, object_id, response, PersonalDataView.What.CARD)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._journal_view(request, object_id, response, PersonalDataView.What.HISTORY)
        return response

    @staticmethod
    def _journal_view(request: HttpRequest, object_id, response, what: str) -> None:
        """One INSERT when the page was shown (not for a redirect, a 403 or a 404)."""
        if request.method != "GET" or response.status_code != 200:
            return
        try:
            client_id = int(unquote(object_id))
        except (TypeError, ValueError):
            return
        personal_data.personal_data_view_record(
            viewer=request.user,
            client_id=client_id,
            what=what,
            ip=request.META.get("REMOTE_ADDR"),
        )

    @admin.action(description="Выгрузить выбранное в XLSX")
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Client]) -> HttpResponse:
        """The core export, journaled: one row per exported client, in one INSERT."""
        personal_data.personal_data_views_record_many(
            viewer=request.user,
            client_ids=list(queryset.values_list("pk", flat=True)),
            what=PersonalDataView.What.EXPORT,
            ip=request.META.get("REMOTE_ADDR"),
        )
        return exports.export_xlsx(self, request, queryset)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        phone = try_normalize_phone(search_term) if search_term else None
        if phone:
            queryset |= self.get_queryset(request).filter(user__phone=phone)
        return queryset, may_have_duplicates

    # The list's rows carry their user's fields (`ClientChangeList`); the client's page reads
    # `obj.user`.

    @display(description="ФИО", ordering="user__last_name")
    def full_name(self, obj: Client) -> str:
        return (listed_person(obj, "client") or obj.user).get_full_name() or "—"

    @display(description="e-mail", ordering="user__email")
    def email(self, obj: Client) -> str:
        return (listed_person(obj, "client") or obj.user).email

    @display(description="телефон", ordering="user__phone")
    def phone(self, obj: Client) -> str:
        phone = escape((listed_person(obj, "client") or obj.user).phone_display)
        return SafeString(f'<span style="white-space: nowrap">{phone}</span>')  # nosec B703

    @display(description="доступ", ordering="user__is_active", label=ACCESS_LABELS)
    def access(self, obj: Client) -> str:
        """The client's page; the list shows `listed_access`."""
        return access_text((listed_person(obj, "client") or obj.user).is_active)

    # ---- access: seed 000 «Управлять статусом пользователя: активен или нет» ---------------

    def has_change_client_status_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("accounts.change_client_status")

    def has_deactivate_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self._can_switch_to(request, object_id, active=False)

    def has_reactivate_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self._can_switch_to(request, object_id, active=True)

    def _can_switch_to(self, request: HttpRequest, object_id, *, active: bool) -> bool:
        if not self.has_change_client_status_permission(request):
            return False
        if object_id is None:
            return True
        return Client.objects.filter(pk=object_id, user__is_active=not active).exists()

    @action(
        description="Заблокировать доступ",
        url_path="deactivate",
        permissions=["deactivate"],
        icon="block",
    )
    def deactivate(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._status_view(request, object_id, active=False)

    @action(
        description="Восстановить доступ",
        url_path="reactivate",
        permissions=["reactivate"],
        icon="lock_open",
    )
    def reactivate(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._status_view(request, object_id, active=True)

    @admin.action(
        description="Заблокировать выбранных клиентов", permissions=["change_client_status"]
    )
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[Client]):
        return self._bulk_status(request, queryset, active=False, action_name="deactivate_selected")

    @admin.action(description="Восстановить доступ выбранным", permissions=["change_client_status"])
    def reactivate_selected(self, request: HttpRequest, queryset: QuerySet[Client]):
        return self._bulk_status(request, queryset, active=True, action_name="reactivate_selected")

    def _status_view(self, request: HttpRequest, object_id: str, *, active: bool) -> HttpResponse:
        client = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:accounts_client_change", args=[client.pk])
        form = StatusReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.client_set_active(
                    client_id=client.pk,
                    active=active,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, self._done_message(active, 1), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._confirm_page(request, [client], form, active=active, cancel_url=change_url)

    def _bulk_status(self, request: HttpRequest, queryset, *, active: bool, action_name: str):
        clients = list(queryset.select_related("user"))
        form = StatusReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, skipped = 0, []
            for client in clients:
                try:
                    services.client_set_active(
                        client_id=client.pk,
                        active=active,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    done += 1
                except ApplicationError as error:
                    skipped.append(error.message)
            if done:
                self.message_user(request, self._done_message(active, done), messages.SUCCESS)
            for message in skipped:
                self.message_user(request, message, messages.WARNING)
            return None
        return self._confirm_page(
            request,
            clients,
            form,
            active=active,
            cancel_url=reverse("admin:accounts_client_changelist"),
            action_name=action_name,
        )

    @staticmethod
    def _done_message(active: bool, count: int) -> str:
        if active:
            return f"Доступ восстановлен: {count}."
        return f"Доступ заблокирован: {count}. Их открытые сессии больше не действуют."

    def _confirm_page(self, request, clients, form, *, active, cancel_url, action_name=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Восстановить доступ" if active else "Заблокировать доступ",
            "clients": clients,
            "form": form,
            "active": active,
            "cancel_url": cancel_url,
            "action_name": action_name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "accounts/admin/client_status_confirm.html", context)


class GroupsFilter(admin.RelatedFieldListFilter):
    """Django's filter of a user's groups with its choices (the groups in the order of their
    admin) read through a statement compiled once (`core.kept_queries`): the groups' query was
    compiled on every page of the list (~500 Python calls); the rows are read each time."""

    def field_choices(self, field, request, model_admin):
        if field.get_limit_choices_to():
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        groups = kept_statements(field.remote_field.model._default_manager.order_by(*ordering))
        return [(group.pk, str(group)) for group in groups]


class UserChangeList(ListedRowsChangeList):
    """The page's users with only the fields the list shows (no password hash, no dates)."""

    listed_fields = ("email", "last_name", "first_name", "middle_name", "phone")
    listed_fields += ("is_staff", "is_superuser", "is_active")
    rows_from_url = True  # the queryset, the filters and the search read the URL only


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    """Staff accounts and roles; superuser only (nobody else is granted these permissions)."""

    form = UserChangeForm
    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["email", "full_name", "phone", "is_staff", "is_superuser", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", ("groups", GroupsFilter)]
    search_fields = ["email", "last_name", "first_name", "phone"]
    ordering = ["email"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Личные данные", {"fields": ["last_name", "first_name", "middle_name", "phone"]}),
        ("Роли и права", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Даты", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "last_name", "first_name", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_changelist(self, request: HttpRequest, **kwargs):
        return UserChangeList

    @display(description="ФИО", ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()


# Django names the four default permissions in English when it creates them («Can add
# клиент»); the roles page shows them in Russian.
DEFAULT_PERMISSION_ACTIONS = {
    "add": "Добавление",
    "change": "Изменение",
    "delete": "Удаление",
    "view": "Просмотр",
}


def permission_label(permission) -> str:
    """«Пользователи | клиент | Добавление» for a default permission, its own name otherwise."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _, model_name = permission.codename.partition("_")
    name = permission.name
    if model is not None and model_name == model._meta.model_name:
        name = DEFAULT_PERMISSION_ACTIONS.get(action, name)
    return f"{content_type} | {name}"


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field


# The 152-ФЗ pages and «API-токены» live in their own modules; importing them registers them.
from mprating.accounts import admin_personal_data, admin_tokens  # noqa: E402, F401
