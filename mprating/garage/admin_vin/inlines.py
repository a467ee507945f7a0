"""The inlines of a VIN request's page: its rows, the managers' answers and the status history.

All follow the one right «обрабатывать VIN-запросы»; only answers can be added or removed, and
those writes go through `services.vin_answer_add` / `vin_answer_delete` (see `requests`).
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from unfold.admin import TabularInline

from mprating.core.errors import ApplicationError
from mprating.garage import services
from mprating.garage.models import VinAnswer, VinRequestLine, VinRequestStatusChange

PERMISSION = "garage.process_vinrequest"


def can_process(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.has_perm(PERMISSION)


class _ProcessPermissionInline(TabularInline):
    """Inlines of a request follow the one right «обрабатывать VIN-запросы»."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return can_process(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LineInline(_ProcessPermissionInline):
    model = VinRequestLine
    verbose_name_plural = "Позиции запроса"
    fields = ["position", "part_name", "quantity", "note", "answers_list"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("answers")

    @admin.display(description="ответы «Бренд, Артикул»")
    def answers_list(self, obj: VinRequestLine) -> str:
        return render_to_string(
            "garage/admin/columns.html#answers", {"answers": list(obj.answers.all())}
        )


class AnswerForm(forms.ModelForm):
    """A new pair for a row: a product picked from the catalog, or brand and article typed."""

    class Meta:
        model = VinAnswer
        fields = ["line", "product", "brand_name", "article"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("brand_name", "article"):
            self.fields[name].required = False
        self.fields["product"].help_text = "Из каталога — или впишите бренд и артикул."
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or not self.has_changed() or self.errors:
            return cleaned
        line = cleaned.get("line")
        if line is None:
            return cleaned
        try:
            pair = services.vin_answer_prepare(
                line=line,
                product_id=cleaned["product"].pk if cleaned.get("product") else None,
                brand_name=cleaned.get("brand_name", ""),
                article=cleaned.get("article", ""),
            )
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        else:
            cleaned["brand_name"], cleaned["article"] = pair.brand_name, pair.article
        return cleaned


class AnswerInline(_ProcessPermissionInline):
    model = VinAnswer
    form = AnswerForm
    fk_name = "request"
    verbose_name = "ответ"
    add_another_label = "Добавить ещё один ответ"
    verbose_name_plural = "Ответы менеджера: пары «Бренд, Артикул»"
    fields = ["line", "product", "brand_name", "article", "created_by"]
    readonly_fields = ["created_by"]
    autocomplete_fields = ["product"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("line", "product__brand", "created_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return can_process(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_process(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_process(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "line":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = VinRequestLine.objects.filter(request_id=object_id).order_by(
                "position"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusHistoryInline(_ProcessPermissionInline):
    model = VinRequestStatusChange
    verbose_name_plural = "История статусов"
    fields = ["changed_at", "status_from", "status_to", "changed_by_name", "comment"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description="кто")
    def changed_by_name(self, obj: VinRequestStatusChange) -> str:
        return str(obj.changed_by) if obj.changed_by else "система"
