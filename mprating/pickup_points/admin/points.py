"""«Подключенные ПВЗ → Пункты выдачи»: the list, a point's page, its actions (see the package
docstring)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.errors import ApplicationError
from mprating.core.exports import export_xlsx
from mprating.core.history import history_of
from mprating.pickup_points import services
from mprating.pickup_points.admin.actions import (
    CHANGE_OWNER,
    DISABLE,
    ENABLE,
    REGISTER_OWNER,
    RESEND_INVITATION,
    moment,
)
from mprating.pickup_points.admin_forms import POINT_FIELDS, PointForm
from mprating.pickup_points.models import OwnerInvitation, PickupPoint
from mprating.pickup_points.selectors import points_for_backoffice

STATISTICS_URL_NAME = "admin:partners_pointstatistics_detail"
HISTORY_SHOWN = 100


class ActiveFilter(admin.SimpleListFilter):
    title = "состояние"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Работают"), ("no", "Отключены")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_active=self.value() == "yes")
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    title = "владелец"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("yes", "С владельцем"), ("no", "Без владельца")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(owner__isnull=self.value() == "no")
        return queryset


@admin.register(PickupPoint)
class PickupPointAdmin(NoRowsNoQueryMixin, ModelAdmin):
    form = PointForm
    list_display = [
        "name",
        "address",
        "owner_display",
        "phone_display",
        "working_hours",
        "state",
        "created_at",
        "statistics_link",
    ]
    list_display_links = ["name"]
    list_filter = [ActiveFilter, OwnerFilter]
    list_per_page = 50
    show_full_result_count = False
    search_fields = [
        "name",
        "address",
        "phone",
        "owner__email",
        "owner__last_name",
        "owner__pickup_point_owner__company_name",
        "owner__pickup_point_owner__inn",
    ]
    search_help_text = "Название, адрес, телефон, владелец, компания или ИНН"
    ordering = ["name", "id"]
    actions = ["disable_selected", "enable_selected", export_xlsx]
    actions_detail = [
        "statistics",
        "disable",
        "enable",
        "register_owner",
        "change_owner",
        "resend_invitation",
    ]
    export_columns = [
        ("Название", lambda p: p.name),
        ("Адрес", lambda p: p.address),
        ("Часы работы", lambda p: p.working_hours),
        ("Телефон", lambda p: p.phone_display),
        ("Работает", lambda p: p.is_active),
        ("Владелец", lambda p: services.owner_label(p.owner) if p.owner else ""),
        ("Компания владельца", lambda p: _business(p, "company_name")),
        ("ИНН владельца", lambda p: _business(p, "inn")),
        ("Подключён", lambda p: p.created_at),
    ]
    fieldsets = [
        ("Пункт выдачи", {"fields": ["name", "address", "working_hours", "phone", "notes"]}),
        ("Состояние", {"fields": ["state", "owner_info", "created_at"]}),
        ("История пункта", {"fields": ["history"]}),
    ]
    add_fieldsets = [
        ("Пункт выдачи", {"fields": ["name", "address", "working_hours", "phone", "notes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PickupPoint]:
        return points_for_backoffice()

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state", "owner_info", "created_at", "history"]
        if obj is not None and not self.has_change_permission(request, obj):
            readonly += POINT_FIELDS
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting goes through the page that explains why a used point stays.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change) -> None:
        data = form.point_data()
        if change:
            services.point_update(point_id=obj.pk, data=data, by=request.user)
            obj.refresh_from_db()
            return
        point = services.point_create(data=data, by=request.user)
        obj.pk, obj.created_at, obj._state.adding = point.pk, point.created_at, False

    # ---- «Удалять»: a point in use is switched off instead ---------------------------------

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        point = get_object_or_404(PickupPoint, pk=object_id)
        if not self.has_delete_permission(request, point):
            return super().delete_view(request, object_id, extra_context)
        references = services.point_references(point)
        if references:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Удалить пункт выдачи нельзя",
                "point": point,
                "reason": services.deletion_refusal(point, references),
                "disable_url": reverse("admin:pickup_points_pickuppoint_disable", args=[point.pk])
                if point.is_active
                else None,
                "change_url": reverse("admin:pickup_points_pickuppoint_change", args=[point.pk]),
            }
            return TemplateResponse(request, "pickup_points/admin/cannot_delete.html", context)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:pickup_points_pickuppoint_change", args=[point.pk])
            )

    def delete_model(self, request: HttpRequest, obj: PickupPoint) -> None:
        services.point_delete(point_id=obj.pk, by=request.user)

    # ---- columns -----------------------------------------------------------------------------

    @display(description="владелец", ordering="owner__last_name")
    def owner_display(self, obj: PickupPoint) -> str:
        if obj.owner is None:
            return "—"
        company = _business(obj, "company_name")
        name = obj.owner.get_full_name() or obj.owner.email
        return f"{name} ({company})" if company else name

    @display(description="телефон", ordering="phone")
    def phone_display(self, obj: PickupPoint):
        return format_html('<span style="white-space: nowrap">{}</span>', obj.phone_display or "—")

    @display(
        description="состояние",
        ordering="is_active",
        label={"Работает": "success", "Отключён": "danger"},
    )
    def state(self, obj: PickupPoint) -> str:
        return "Работает" if obj.is_active else "Отключён"

    @display(description="статистика")
    def statistics_link(self, obj: PickupPoint):
        return format_html(
            '<a href="{}" class="text-primary-600">Статистика</a>',
            reverse(STATISTICS_URL_NAME, args=[obj.pk]),
        )

    @display(description="изменения")
    def history(self, obj: PickupPoint):
        changes = list(history_of(obj.changes.all())[:HISTORY_SHOWN])
        return render_to_string(
            "pickup_points/admin/history.html", {"changes": changes, "shown": HISTORY_SHOWN}
        )

    @display(description="владелец")
    def owner_info(self, obj: PickupPoint):
        if obj.owner is None:
            return "Нет. Зарегистрируйте владельца или выберите его действием «Сменить владельца»."
        user = obj.owner
        invitation = (
            OwnerInvitation.objects.filter(user=user).order_by("-created_at", "-id").first()
        )
        if user.has_usable_password():
            access = "пароль задан, входит сам"
        elif invitation is None:
            access = "приглашение не отправлялось"
        elif invitation.is_open():
            access = f"приглашение отправлено {moment(invitation.created_at)}, действует до " + (
                moment(invitation.expires_at)
            )
        else:
            access = "приглашение не использовано и больше не действует — отправьте новое"
        return render_to_string(
            "pickup_points/admin/owner_info.html",
            {
                "user": user,
                "business": " · ".join(
                    filter(None, [_business(obj, "company_name"), _inn_label(obj)])
                ),
                "access": access,
            },
        )

    # ---- actions -----------------------------------------------------------------------------

    def has_manage_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("pickup_points.change_pickuppoint")

    def has_disable_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self._manage_when(request, object_id, is_active=True)

    def has_enable_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self._manage_when(request, object_id, is_active=False)

    def has_register_owner_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self._manage_when(request, object_id, owner__isnull=True)

    def has_change_owner_permission(self, request: HttpRequest, object_id=None) -> bool:
        return self.has_manage_permission(request)

    def has_resend_invitation_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not self.has_manage_permission(request):
            return False
        if object_id is None:
            return True
        point = PickupPoint.objects.select_related("owner").filter(pk=object_id).first()
        return bool(point and point.owner and not point.owner.has_usable_password())

    def has_statistics_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("pickup_points.view_pickuppoint")

    def _manage_when(self, request: HttpRequest, object_id, **state) -> bool:
        if not self.has_manage_permission(request):
            return False
        if object_id is None:
            return True
        return PickupPoint.objects.filter(pk=object_id, **state).exists()

    def _detail(self, request, object_id, act: AdminAction, **state):
        point = get_object_or_404(PickupPoint, pk=object_id)
        candidates = points_for_backoffice().filter(pk=point.pk, **state)
        done = reverse("admin:pickup_points_pickuppoint_change", args=[point.pk])
        return admin_action_view(self, request, act, candidates, done_url=done, preselect=True)

    @action(
        description="Статистика",
        url_path="statistics",
        icon="monitoring",
        permissions=["statistics"],
    )
    def statistics(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse(STATISTICS_URL_NAME, args=[object_id]))

    @action(description="Отключить", url_path="disable", icon="block", permissions=["disable"])
    def disable(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._detail(request, object_id, DISABLE, is_active=True)

    @action(description="Включить", url_path="enable", icon="check_circle", permissions=["enable"])
    def enable(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._detail(request, object_id, ENABLE, is_active=False)

    @action(
        description="Зарегистрировать владельца",
        url_path="register-owner",
        icon="person_add",
        permissions=["register_owner"],
    )
    def register_owner(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._detail(request, object_id, REGISTER_OWNER)

    @action(
        description="Сменить владельца",
        url_path="change-owner",
        icon="manage_accounts",
        permissions=["change_owner"],
    )
    def change_owner(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._detail(request, object_id, CHANGE_OWNER)

    @action(
        description="Отправить приглашение ещё раз",
        url_path="resend-invitation",
        icon="forward_to_inbox",
        permissions=["resend_invitation"],
    )
    def resend_invitation(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._detail(request, object_id, RESEND_INVITATION, owner__isnull=False)

    @admin.action(description="Отключить выбранные пункты", permissions=["manage"])
    def disable_selected(self, request: HttpRequest, queryset):
        return admin_action_view(
            self,
            request,
            DISABLE,
            queryset.filter(is_active=True),
            changelist_action="disable_selected",
        )

    @admin.action(description="Включить выбранные пункты", permissions=["manage"])
    def enable_selected(self, request: HttpRequest, queryset):
        return admin_action_view(
            self,
            request,
            ENABLE,
            queryset.filter(is_active=False),
            changelist_action="enable_selected",
        )


def _business(point: PickupPoint, field: str) -> str:
    business = getattr(point.owner, "pickup_point_owner", None) if point.owner else None
    return getattr(business, field, "") if business else ""


def _inn_label(point: PickupPoint) -> str:
    inn = _business(point, "inn")
    return f"ИНН {inn}" if inn else ""
