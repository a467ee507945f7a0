"""The statistics page of one point (seed 000 «Смотреть статистику партнёрского ПВЗ»): the
period form, the chart and the XLSX export."""

import json

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.admin import ModelAdmin

from mprating.core.charts import bar_chart_options
from mprating.partners import selectors
from mprating.partners.exports import statistics_xlsx_response
from mprating.partners.forms import period_from
from mprating.partners.models import PointStatistics
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.services import owner_label

FIELD_CLASS = (
    "border border-base-200 rounded-default px-3 py-2 bg-white "
    "dark:bg-base-900 dark:border-base-700"
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
            "chart_options": bar_chart_options(legend=True),
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
