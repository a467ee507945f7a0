"""Back office «Подключенные ПВЗ → Заявки партнёров» and the statistics page of a point
(seed 000 «Смотреть статистику партнёрского ПВЗ»).

Approving an application makes the point, the owner's account and the invitation in one
transaction; declining keeps the reason. Both are POST after a confirmation page (the one
action helper), recorded with who and when.
"""

import dataclasses
import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.exports import export_xlsx
from mprating.partners import selectors, services
from mprating.partners.exports import statistics_xlsx_response
from mprating.partners.forms import period_from
from mprating.partners.models import (
    PartnerApplication,
    PartnerApplicationChange,
    PartnerSettings,
    PointStatistics,
)
from mprating.pickup_points.admin_forms import OwnerForm
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.services import PointData, owner_label

Status = PartnerApplication.Status
ROW = "partners/admin/application_row.html"
HEADERS = ("Заявка", "Компания", "Адрес пункта")
# Unfold's own defaults draw overlapping 4 px bars; two series side by side read better.
CHART_OPTIONS = {
    "animation": False,
    "responsive": True,
    "maintainAspectRatio": False,
    "maxBarThickness": 22,
    "datasets": {"bar": {"borderRadius": 4}},
    "plugins": {
        "legend": {
            "display": True,
            "align": "end",
            "position": "top",
            "labels": {"boxWidth": 10, "boxHeight": 10, "color": "#6b7280"},
        },
        "tooltip": {"enabled": True},
    },
    "scales": {
        "x": {"grid": {"display": False}, "ticks": {"color": "#6b7280"}},
        "y": {"beginAtZero": True, "ticks": {"precision": 0, "color": "#6b7280"}},
    },
}
FIELD_CLASS = (
    "border border-base-200 rounded-default px-3 py-2 bg-white "
    "dark:bg-base-900 dark:border-base-700"
)


class ApproveForm(OwnerForm):
    """The point to connect and its owner, prefilled from the application."""

    point_name = forms.CharField(
        label="Название пункта",
        max_length=200,
        widget=UnfoldAdminTextInputWidget,
        help_text="Как клиенты увидят пункт при оформлении заказа.",
        error_messages={"required": "Укажите название пункта."},
    )
    point_address = forms.CharField(
        label="Адрес пункта",
        max_length=500,
        widget=UnfoldAdminTextInputWidget,
        error_messages={"required": "Укажите адрес пункта."},
    )
    working_hours = forms.CharField(
        label="Часы работы", max_length=200, required=False, widget=UnfoldAdminTextInputWidget
    )
    initial_data: dict = {}

    field_order = ["point_name", "point_address", "working_hours"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", dict(self.initial_data))
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Причина отказа",
        max_length=services.REASON_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Останется в заявке и в её истории.",
        error_messages={"required": "Укажите причину отказа."},
    )


def _approve(*, request, objects, data):
    application = services.application_approve(
        application_id=objects[0].pk,
        by=request.user,
        point=PointData(
            name=data["point_name"],
            address=data["point_address"],
            working_hours=data.get("working_hours", ""),
            phone=data["phone"],
        ),
        owner=OwnerForm.owner_data(data),
    )
    return (
        f"Заявка № {application.pk} одобрена: подключён пункт «{application.point.name}», "
        f"владелец {owner_label(application.owner)}. Приглашение отправлено, если владельцу "
        "ещё нужно задать пароль."
    )


def _decline(*, request, objects, data):
    for application in objects:
        services.application_decline(
            application_id=application.pk, by=request.user, reason=data["reason"]
        )
    return f"Отклонено заявок: {len(objects)}."


APPROVE = AdminAction(
    title="Одобрить заявку партнёра",
    button="Одобрить: подключить пункт и пригласить владельца",
    run=_approve,
    form_class=ApproveForm,
    intro="Будут созданы пункт выдачи (он сразу начнёт предлагаться клиентам) и учётная запись "
    "владельца с ролью «Владельцы ПВЗ», владельцу уйдёт письмо со ссылкой для пароля. Если "
    "владелец с таким e-mail уже есть, пункт закрепится за ним. Проверьте данные: ошибка в "
    "любом поле ничего не создаст.",
    headers=HEADERS,
    row_template=ROW,
    selectable=False,
)
DECLINE = AdminAction(
    title="Отклонить заявки партнёров",
    button="Отклонить",
    run=_decline,
    form_class=DeclineForm,
    headers=HEADERS,
    row_template=ROW,
    choose_error="Отметьте заявки, которые нужно отклонить.",
    empty_message="Среди выбранных нет новых заявок: рассмотренные не меняются.",
)


def approve_action(application: PartnerApplication) -> AdminAction:
    """APPROVE with the form prefilled from this application."""
    last, first, middle = services.split_name(application.contact_name)
    initial = {
        "point_name": f"ПВЗ {application.company_name}"[:200],
        "point_address": application.point_address,
        "last_name": last,
        "first_name": first,
        "middle_name": middle,
        "email": application.email,
        "phone": application.phone_display,
        "company_name": application.company_name,
        "inn": application.inn,
    }
    form_class = type("ApproveForm", (ApproveForm,), {"initial_data": initial})
    return dataclasses.replace(APPROVE, form_class=form_class)


class StatusFilter(admin.SimpleListFilter):
    title = "статус"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class ChangeInline(TabularInline):
    model = PartnerApplicationChange
    verbose_name_plural = "История заявки"
    fields = ["changed_at", "status", "comment", "changed_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(ModelAdmin):
    list_display = [
        "created_at",
        "company_name",
        "inn",
        "contact_name",
        "phone_display",
        "email",
        "point_address",
        "status_badge",
    ]
    list_display_links = ["created_at", "company_name"]
    list_filter = [StatusFilter]
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["company_name", "inn", "contact_name", "email", "phone", "point_address"]
    search_help_text = "Компания, ИНН, контактное лицо, e-mail, телефон или адрес"
    ordering = ["-created_at", "-id"]
    inlines = [ChangeInline]
    actions = ["decline_selected", export_xlsx]
    actions_detail = ["approve", "decline", "open_point"]
    export_columns = [
        ("Получена", lambda a: a.created_at),
        ("Компания", lambda a: a.company_name),
        ("ИНН", lambda a: a.inn),
        ("Контактное лицо", lambda a: a.contact_name),
        ("Телефон", lambda a: a.phone_display),
        ("E-mail", lambda a: a.email),
        ("Адрес пункта", lambda a: a.point_address),
        ("Комментарий", lambda a: a.comment),
        ("Статус", lambda a: a.get_status_display()),
        ("Рассмотрена", lambda a: a.decided_at),
        ("Причина отказа", lambda a: a.decline_reason),
    ]
    fieldsets = [
        (
            "Заявка",
            {
                "fields": [
                    "created_at",
                    "company_name",
                    "inn",
                    "contact_name",
                    "phone_display",
                    "email",
                    "point_address",
                    "comment",
                    "consent_at",
                ]
            },
        ),
        (
            "Решение",
            {"fields": ["status_badge", "decided_by", "decided_at", "decline_reason", "result"]},
        ),
    ]
    readonly_fields = [
        "created_at",
        "company_name",
        "inn",
        "contact_name",
        "phone_display",
        "email",
        "point_address",
        "comment",
        "consent_at",
        "status_badge",
        "decided_by",
        "decided_at",
        "decline_reason",
        "result",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by", "point", "owner")

    def has_add_permission(self, request) -> bool:
        return False  # applications come from the public form «Стать партнёром»

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description="телефон", ordering="phone")
    def phone_display(self, obj: PartnerApplication):
        return format_html('<span style="white-space: nowrap">{}</span>', obj.phone_display)

    @display(
        description="статус",
        ordering="status",
        label={"Новая": "info", "Одобрена": "success", "Отклонена": "danger"},
    )
    def status_badge(self, obj: PartnerApplication) -> str:
        return obj.get_status_display()

    @display(description="что подключено")
    def result(self, obj: PartnerApplication):
        if obj.point_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>, владелец {}',
            reverse("admin:pickup_points_pickuppoint_change", args=[obj.point_id]),
            obj.point.name,
            owner_label(obj.owner),
        )

    # ---- actions -----------------------------------------------------------------------------

    def has_decide_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("partners.change_partnerapplication"):
            return False
        if object_id is None:
            return True
        return PartnerApplication.objects.filter(pk=object_id, status=Status.NEW).exists()

    def has_open_point_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("pickup_points.view_pickuppoint"):
            return False
        if object_id is None:
            return True
        return PartnerApplication.objects.filter(pk=object_id, point__isnull=False).exists()

    def _done_url(self, application: PartnerApplication) -> str:
        return reverse("admin:partners_partnerapplication_change", args=[application.pk])

    @action(description="Одобрить", url_path="approve", icon="check_circle", permissions=["decide"])
    def approve(self, request: HttpRequest, object_id: str) -> HttpResponse:
        application = get_object_or_404(PartnerApplication, pk=object_id)
        candidates = PartnerApplication.objects.filter(pk=application.pk, status=Status.NEW)
        return admin_action_view(
            self,
            request,
            approve_action(application),
            candidates,
            done_url=self._done_url(application),
        )

    @action(description="Отклонить", url_path="decline", icon="block", permissions=["decide"])
    def decline(self, request: HttpRequest, object_id: str) -> HttpResponse:
        application = get_object_or_404(PartnerApplication, pk=object_id)
        candidates = PartnerApplication.objects.filter(pk=application.pk, status=Status.NEW)
        return admin_action_view(
            self,
            request,
            DECLINE,
            candidates,
            done_url=self._done_url(application),
            title="Отклонить заявку партнёра",
            preselect=True,
        )

    @action(
        description="Пункт выдачи", url_path="point", icon="storefront", permissions=["open_point"]
    )
    def open_point(self, request: HttpRequest, object_id: str) -> HttpResponse:
        application = get_object_or_404(PartnerApplication, pk=object_id, point__isnull=False)
        return HttpResponseRedirect(
            reverse("admin:pickup_points_pickuppoint_change", args=[application.point_id])
        )

    @admin.action(description="Отклонить выбранные заявки", permissions=["decide"])
    def decline_selected(self, request: HttpRequest, queryset):
        return admin_action_view(
            self,
            request,
            DECLINE,
            queryset.filter(status=Status.NEW),
            changelist_action="decline_selected",
        )


@admin.register(PointStatistics)
class PointStatisticsAdmin(ModelAdmin):
    """The statistics page of one point; its list is «Пункты выдачи» (the column
    «Статистика» and the point's page link here)."""

    def has_module_permission(self, request) -> bool:
        return False

    def _can_view(self, request: HttpRequest) -> bool:
        return request.user.has_perm("pickup_points.view_pickuppoint")

    def has_view_permission(self, request, obj=None) -> bool:
        return self._can_view(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.to_points), name="partners_pointstatistics_changelist"),
            path(
                "<int:point_id>/",
                wrap(self.detail_view),
                name="partners_pointstatistics_detail",
            ),
            path(
                "<int:point_id>/export/",
                wrap(self.export_view),
                name="partners_pointstatistics_export",
            ),
        ]

    def to_points(self, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:pickup_points_pickuppoint_changelist"))

    def _point(self, request: HttpRequest, point_id: int) -> PickupPoint:
        if not self._can_view(request):
            raise PermissionDenied
        return get_object_or_404(
            PickupPoint.objects.select_related("owner", "owner__pickup_point_owner"), pk=point_id
        )

    def detail_view(self, request: HttpRequest, point_id: int) -> HttpResponse:
        point = self._point(request, point_id)
        form, period = period_from(request.GET)
        for field in form.fields.values():
            field.widget.attrs["class"] = FIELD_CLASS
        stats = selectors.point_statistics(point=point, period=period)
        chart = {
            "labels": [bucket.label for bucket in stats.buckets],
            "datasets": [
                {
                    "label": "Поступило",
                    "data": [bucket.arrived for bucket in stats.buckets],
                    "backgroundColor": "var(--color-primary-600)",
                },
                {
                    "label": "Выдано",
                    "data": [bucket.handed_out for bucket in stats.buckets],
                    "backgroundColor": "#16a34a",
                },
            ],
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": PickupPoint._meta,
            "title": f"Статистика: {point.name}",
            "point": point,
            "owner": owner_label(point.owner) if point.owner else "",
            "form": form,
            "stats": stats,
            "chart": json.dumps(chart, ensure_ascii=False),
            "chart_options": json.dumps(CHART_OPTIONS),
            "overdue_days": settings.PARTNER_OVERDUE_DAYS,
            "query": request.GET.urlencode(),
            "point_url": reverse("admin:pickup_points_pickuppoint_change", args=[point.pk]),
        }
        return TemplateResponse(request, "partners/admin/statistics.html", context)

    def export_view(self, request: HttpRequest, point_id: int) -> HttpResponse:
        point = self._point(request, point_id)
        form, period = period_from(request.GET)
        if form.is_bound and form.errors:
            self.message_user(request, "Исправьте период: он указан с ошибкой.", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:partners_pointstatistics_detail", args=[point.pk])
            )
        stats = selectors.point_statistics(point=point, period=period)
        return statistics_xlsx_response(point, stats)


@admin.register(PartnerSettings)
class PartnerSettingsAdmin(ModelAdmin):
    """Which status means «waits at the point» (superusers, «Настройки»)."""

    fieldsets = [
        (
            None,
            {
                "fields": ["at_point_status", "events_synced_at"],
                "description": "Поступление в пункт — переход позиции в этот статус в заказе с "
                "пунктом выдачи; выдача — «Отгружен» после него, возврат — «Отказ» после него. "
                "Чтобы выдавать в ПВЗ и заказы с домашнего или транзитного склада, отметьте у "
                "этого статуса соответствующие цепочки в «Настройки → Статусы». После смены "
                "статуса пересоберите статистику: manage.py partners_sync --rebuild.",
            },
        )
    ]
    readonly_fields = ["events_synced_at"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        # The migration makes the one row; add only if it was deleted by hand.
        return request.user.is_superuser and not PartnerSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = PartnerSettings.objects.order_by("pk").first()
        if row is None:
            return HttpResponseRedirect(reverse("admin:partners_partnersettings_add"))
        return HttpResponseRedirect(reverse("admin:partners_partnersettings_change", args=[row.pk]))
