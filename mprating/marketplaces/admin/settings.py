"""Superuser settings of the section: the target number of active accounts per marketplace
(seed 000: «Целевое количество активных учетных записей») and the table «status of a buyout →
status of its order line»."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.admin import ModelAdmin

from mprating.marketplaces import services
from mprating.marketplaces.models import BuyoutLineStatus, MarketplaceSettings
from mprating.orders.models import OrderStatus


@admin.register(MarketplaceSettings)
class MarketplaceSettingsAdmin(ModelAdmin):
    """One row: the list opens it directly; only a superuser changes it."""

    fields = ["target_wildberries", "target_ozon", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = MarketplaceSettings.objects.filter(pk=1).first()
        if row is None:
            row = services.settings_update(target_wildberries=0, target_ozon=0, actor=None)
        return HttpResponseRedirect(
            reverse("admin:marketplaces_marketplacesettings_change", args=[row.pk])
        )

    def save_model(self, request, obj, form, change) -> None:
        saved = services.settings_update(
            target_wildberries=form.cleaned_data["target_wildberries"],
            target_ozon=form.cleaned_data["target_ozon"],
            actor=request.user,
        )
        obj.pk, obj.updated_by, obj.updated_at = saved.pk, saved.updated_by, saved.updated_at

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, "Цели сохранены.")
        return HttpResponseRedirect(reverse("admin:marketplaces_dashboard"))


class BuyoutLineStatusForm(forms.ModelForm):
    line_status = forms.ModelChoiceField(
        label="статус позиции заказа",
        queryset=OrderStatus.objects.filter(for_marketplace=True).exclude(role="refused"),
        error_messages={"required": "Выберите статус позиции."},
        help_text="Только статусы цепочки «Выкуп на маркетплейсе» («Настройки → Статусы»).",
    )

    class Meta:
        model = BuyoutLineStatus
        fields = ["line_status"]


@admin.register(BuyoutLineStatus)
class BuyoutLineStatusAdmin(ModelAdmin):
    """The one table buyout status → line status; the rows are fixed, a superuser repoints
    them (nobody else is granted the change permission)."""

    form = BuyoutLineStatusForm
    list_display = ["buyout_status_display", "line_status"]
    list_display_links = ["buyout_status_display"]
    list_select_related = ["line_status"]
    fields = ["buyout_status_display", "line_status"]
    readonly_fields = ["buyout_status_display"]
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="статус выкупа", ordering="id")
    def buyout_status_display(self, obj: BuyoutLineStatus) -> str:
        return obj.get_buyout_status_display()
