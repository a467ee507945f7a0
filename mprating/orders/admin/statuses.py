"""«Настройки → Статусы» (seed 004: line statuses «их цвета и названия в точности соответствуют
заданным в меню “Настройки->Статусы” ПУПа»)."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from unfold.admin import ModelAdmin
from unfold.decorators import display

from mprating.orders.admin.common import status_badge
from mprating.orders.models import OrderLine, OrderStatus, StatusChange


class OrderStatusForm(forms.ModelForm):
    class Meta:
        model = OrderStatus
        fields = [
            "name",
            "colour",
            "sort_order",
            "is_final",
            "notify_client",
            "for_home",
            "for_transit",
            "for_marketplace",
        ]
        widgets = {"colour": forms.TextInput(attrs={"type": "color", "class": "mp-colour"})}


@admin.register(OrderStatus)
class OrderStatusAdmin(ModelAdmin):
    """Managers edit the statuses; the ones with a role (new, «Отгружен», «Отказ») keep the role
    and the final flag the code relies on. A status in use is never deleted."""

    form = OrderStatusForm
    list_display = [
        "swatch",
        "sort_order",
        "chains",
        "is_final",
        "notify_client",
        "role_label",
    ]
    list_display_links = ["swatch"]
    ordering = ["sort_order", "name"]
    list_per_page = 100
    actions = None
    fieldsets = [
        (None, {"fields": ["name", "colour", "sort_order", "role_label", "usage"]}),
        ("Смысл статуса", {"fields": ["is_final", "notify_client"]}),
        (
            "Цепочки (откуда исполняется позиция)",
            {
                "fields": ["for_home", "for_transit", "for_marketplace"],
                "description": "В каких цепочках статус можно присвоить позиции. "
                "«Отказ» доступен в любой цепочке.",
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = ["role_label", "usage"]
        if obj is not None and obj.role:
            # The database checks: «Отгружен» and «Отказ» are final, «Новый» is not.
            fields.append("is_final")
        if not self.has_change_permission(request, obj):
            fields += list(OrderStatusForm.Meta.fields)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        return not obj.role and not self._in_use(obj)

    @staticmethod
    def _in_use(obj: OrderStatus) -> bool:
        return (
            OrderLine.objects.filter(status=obj).exists()
            or StatusChange.objects.filter(status=obj).exists()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and obj is not None
            and super().has_delete_permission(request, obj)
            and not self.has_delete_permission(request, obj)
        ):
            self.message_user(request, self._why_not_deletable(obj), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def _why_not_deletable(self, obj: OrderStatus) -> str:
        if obj.role:
            return (
                f"Статус «{obj.name}» нельзя удалить: на его роль "
                f"«{obj.get_role_display()}» опирается программа. Переименовать можно."
            )
        return (
            f"Статус «{obj.name}» нельзя удалить: он уже есть у позиций заказов или в их "
            "истории. Переименуйте его или уберите из цепочек."
        )

    @display(description="статус", ordering="name")
    def swatch(self, obj: OrderStatus):
        return status_badge(obj)

    @display(description="цепочки")
    def chains(self, obj: OrderStatus) -> str:
        if obj.role == OrderStatus.Role.REFUSED:
            return "любая"
        names = [
            label
            for flag, label in (
                (obj.for_home, "домашний склад"),
                (obj.for_transit, "транзит"),
                (obj.for_marketplace, "маркетплейс"),
            )
            if flag
        ]
        return ", ".join(names) or "—"

    @display(description="роль")
    def role_label(self, obj: OrderStatus) -> str:
        return obj.get_role_display() if obj.role else "—"

    @display(description="использование")
    def usage(self, obj: OrderStatus) -> str:
        if obj.pk is None:
            return "Новый статус"
        lines = OrderLine.objects.filter(status=obj).count()
        if obj.role:
            return f"Позиций в статусе: {lines}. Статус с ролью удалить нельзя."
        if lines or StatusChange.objects.filter(status=obj).exists():
            return f"Позиций в статусе: {lines}. Статус уже использовался — удалить нельзя."
        return "Не используется — можно удалить."
