"""«Подключенные ПВЗ → Заявки партнёров»: the list and an application's page (see the package
docstring)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.exports import export_xlsx
from mprating.partners.admin.steps import DECLINE, approve_action
from mprating.partners.models import PartnerApplication, PartnerApplicationChange
from mprating.pickup_points.services import owner_label

Status = PartnerApplication.Status
APPLICATION_FIELDS = [
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
DECISION_FIELDS = ["status_badge", "decided_by", "decided_at", "decline_reason", "result"]


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
class PartnerApplicationAdmin(NoRowsNoQueryMixin, ModelAdmin):
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
        ("Заявка", {"fields": APPLICATION_FIELDS}),
        ("Решение", {"fields": DECISION_FIELDS}),
    ]
    readonly_fields = [*APPLICATION_FIELDS, *DECISION_FIELDS]  # the page only shows them

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
        return render_to_string(
            "partners/admin/application_result.html",
            {
                "point_url": reverse("admin:pickup_points_pickuppoint_change", args=[obj.point_id]),
                "point": obj.point,
                "owner": owner_label(obj.owner),
            },
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
