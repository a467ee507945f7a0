"""Back office pages of personal data (issue 12, 152-ФЗ): the journal of who viewed a client's
personal data (read-only; managers and superusers), and «Запросы на удаление данных» with
«Подтвердить удаление» (operators and managers with `accounts.confirm_deletionrequest`).
"""

from html import escape

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import action, display

from mprating.accounts import personal_data
from mprating.accounts.admin_people import ListedRowsChangeList, listed_person, person_values
from mprating.accounts.models import DeletionRequest, PersonalDataView, User
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.admin_rows import row_object_url


class StaffViewerFilter(admin.SimpleListFilter):
    """Who viewed: staff only (the list of users would hold every client)."""

    title = "кто смотрел"
    parameter_name = "viewer"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(is_staff=True).order_by("last_name", "first_name", "email")
        return [(str(user.pk), user.get_full_name() or user.email) for user in staff]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(viewer_id=int(value))
        return queryset


class PersonalDataViewChangeList(ListedRowsChangeList):
    listed_values = {
        **person_values("viewer", "viewer"),
        **person_values("client__user", "client"),
    }


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ModelAdmin):
    list_display = ["viewed_at", "viewer_display", "client_display", "what", "ip"]
    list_display_links = None
    list_filter = [
        ("client", AutocompleteSelectFilter),
        StaffViewerFilter,
        "what",
        ("viewed_at", DateRangeFilter),
    ]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "client__user__last_name",
        "client__user__email",
        "viewer__last_name",
        "viewer__email",
    ]
    search_help_text = "Фамилия или e-mail клиента или сотрудника"
    ordering = ["-viewed_at", "-id"]
    fields = ["viewed_at", "viewer", "client", "what", "ip"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonalDataView]:
        return super().get_queryset(request).select_related("viewer", "client__user")

    def get_changelist(self, request: HttpRequest, **kwargs):
        return PersonalDataViewChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a journal: nobody removes what it says

    @display(description="кто смотрел", ordering="viewer__last_name")
    def viewer_display(self, obj: PersonalDataView) -> str:
        if obj.viewer_id is None:
            return "—"
        viewer = listed_person(obj, "viewer") or obj.viewer
        return viewer.get_full_name() or viewer.email

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: PersonalDataView) -> str:
        url = escape(row_object_url(obj, "admin:accounts_client_change", obj.client_id))
        user = listed_person(obj, "client") or obj.client.user
        name = escape(user.get_full_name() or user.email)
        return SafeString(f'<a href="{url}">{name}</a>')  # nosec B703: every value escaped


def _confirm(*, request, objects, data) -> str:
    for request_row in objects:
        personal_data.deletion_request_confirm(request_id=request_row.pk, actor=request.user)
    return (
        f"Данные удалены: {len(objects)}. Заказы, операции по балансу и суммы возвратов "
        "сохранены; войти под этими учётными записями больше нельзя."
    )


CONFIRM = AdminAction(
    title="Подтвердить удаление персональных данных",
    button="Удалить данные",
    run=_confirm,
    intro="ФИО, e-mail, телефон, компания, ИНН, адреса доставки, номера получателей, "
    "автомобили гаража, VIN, комментарии, сообщения чата и фото возвратов клиента будут "
    "стёрты без возможности восстановления; учётная запись будет закрыта. Заказы с позициями "
    "и суммами, операции по балансу и возвраты с суммами останутся для бухгалтерии.",
    headers=("Запрос", "Клиент", "Создан"),
    row_template="accounts/admin/_deletion_row.html",
    choose_error="Отметьте запросы.",
    empty_message="Среди выбранных нет запросов, ждущих подтверждения.",
)


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ModelAdmin):
    list_display = ["number", "client_display", "status_display", "created_at", "decided"]
    list_display_links = ["number"]
    list_filter = ["status", ("created_at", DateRangeFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["client__user__last_name", "client__user__email", "client__user__phone"]
    search_help_text = "Фамилия, e-mail или телефон клиента"
    ordering = ["-created_at", "-id"]
    actions = ["confirm_selected"]
    actions_detail = ["confirm"]
    fields = ["number", "client_display", "status_display", "created_at", "decided"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeletionRequest]:
        return personal_data.deletion_requests_for_backoffice()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the client asks, in «Личная информация»

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_confirm_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("accounts.confirm_deletionrequest"):
            return False
        if object_id is None:
            return True
        if not str(object_id).isdigit():
            return False
        return DeletionRequest.objects.filter(
            pk=object_id, status=DeletionRequest.Status.PENDING
        ).exists()

    @display(description="номер", ordering="id")
    def number(self, obj: DeletionRequest) -> str:
        return f"№ {obj.pk}"

    @display(description="клиент", ordering="client__user__last_name")
    def client_display(self, obj: DeletionRequest) -> str:
        url = reverse("admin:accounts_client_change", args=[obj.client_id])
        user = obj.client.user
        return format_html('<a href="{}">{}</a>', url, user.get_full_name() or user.email)

    @display(
        description="состояние",
        ordering="status",
        label={
            DeletionRequest.Status.PENDING.label: "warning",
            DeletionRequest.Status.CANCELLED.label: "info",
            DeletionRequest.Status.DONE.label: "success",
        },
    )
    def status_display(self, obj: DeletionRequest) -> str:
        return obj.get_status_display()

    @display(description="решение")
    def decided(self, obj: DeletionRequest) -> str:
        if obj.decided_at is None:
            return "—"
        when = timezone.localtime(obj.decided_at).strftime("%d.%m.%Y %H:%M")
        if obj.decided_by is None:
            return when
        return f"{when}, {obj.decided_by.get_full_name() or obj.decided_by.email}"

    @staticmethod
    def _pending(queryset: QuerySet[DeletionRequest]) -> QuerySet[DeletionRequest]:
        return queryset.filter(status=DeletionRequest.Status.PENDING).select_related("client__user")

    @admin.action(description="Подтвердить удаление данных", permissions=["confirm"])
    def confirm_selected(self, request: HttpRequest, queryset):
        return admin_action_view(
            self, request, CONFIRM, self._pending(queryset), changelist_action="confirm_selected"
        )

    @action(
        description="Подтвердить удаление данных",
        url_path="confirm",
        permissions=["confirm"],
        icon="delete_forever",
    )
    def confirm(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deletion = get_object_or_404(self.get_queryset(request), pk=object_id)
        return admin_action_view(
            self,
            request,
            CONFIRM,
            self._pending(DeletionRequest.objects.filter(pk=deletion.pk)),
            done_url=reverse("admin:accounts_deletionrequest_change", args=[deletion.pk]),
            title=f"Подтвердить удаление данных — запрос № {deletion.pk}",
            preselect=True,
        )
