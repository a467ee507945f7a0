"""«Настройки → Партнёры»: which status means «waits at the point»."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.admin import ModelAdmin

from mprating.partners.models import PartnerSettings


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
