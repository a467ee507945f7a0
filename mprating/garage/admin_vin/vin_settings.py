"""«Настройки» of VIN requests in the back office: the managers' e-mail (seed 004: «отправка
уведомления менеджеру интернет-магазина на электронную почту, определяемую в следующем меню
ПУПа») and the special original catalogs of makes («оригинальный каталог ВАЗ»)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.admin import ModelAdmin

from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.errors import ApplicationError
from mprating.garage import services
from mprating.garage.models import OriginalCatalogLink, VinSettings


class VinSettingsForm(forms.ModelForm):
    class Meta:
        model = VinSettings
        fields = ["manager_emails"]
        widgets = {"manager_emails": forms.Textarea(attrs={"rows": 3})}

    def clean_manager_emails(self) -> str:
        try:
            return "\n".join(services.parse_manager_emails(self.cleaned_data["manager_emails"]))
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(VinSettings)
class VinSettingsAdmin(ModelAdmin):
    """One row: the changelist opens it directly."""

    form = VinSettingsForm
    fields = ["manager_emails", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = VinSettings.objects.filter(pk=1).first()
        if row is None:
            row = services.vin_settings_update(manager_emails="", by=request.user)
        return HttpResponseRedirect(reverse("admin:garage_vinsettings_change", args=[row.pk]))

    def save_model(self, request, obj, form, change) -> None:
        saved = services.vin_settings_update(
            manager_emails=form.cleaned_data["manager_emails"], by=request.user
        )
        obj.pk, obj.updated_by, obj.updated_at = saved.pk, saved.updated_by, saved.updated_at


class OriginalCatalogLinkForm(forms.ModelForm):
    url = forms.URLField(label="адрес каталога", max_length=500, assume_scheme="https")

    class Meta:
        model = OriginalCatalogLink
        fields = ["make_name", "title", "url"]

    def clean_make_name(self) -> str:
        from mprating.vehicles.vin import name_key

        name = self.cleaned_data["make_name"].strip()
        clash = (
            OriginalCatalogLink.objects.filter(make_key=name_key(name))
            .exclude(pk=self.instance.pk or 0)
            .first()
        )
        if clash is not None:
            raise forms.ValidationError(f"Для марки «{clash.make_name}» каталог уже задан.")
        return name


@admin.register(OriginalCatalogLink)
class OriginalCatalogLinkAdmin(NoRowsNoQueryMixin, ModelAdmin):
    """Special original catalogs: seed 004 «оригинальный каталог ВАЗ»."""

    form = OriginalCatalogLinkForm
    list_display = ["make_name", "title", "url"]
    search_fields = ["make_name", "title"]
    ordering = ["make_name"]

    def save_model(self, request, obj, form, change) -> None:
        saved = services.original_catalog_link_save(
            link_id=obj.pk,
            make_name=form.cleaned_data["make_name"],
            title=form.cleaned_data["title"],
            url=form.cleaned_data["url"],
        )
        obj.pk = saved.pk
