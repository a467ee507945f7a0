"""Back office «Каталог → Категории» (the tree of «Подбор по параметрам») and «Склады»."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display

from mprating.catalog.admin.common import ListedColumnsMixin, titled
from mprating.catalog.models import Category, Warehouse
from mprating.core.admin_editable import KeptEditableAdmin


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "code", "parent", "sort_order"]
        labels = {"parent": "входит в категорию"}

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node, steps = parent, 0
        while node is not None and self.instance.pk and steps < 1000:
            if node.pk == self.instance.pk:
                raise ValidationError("Категорию нельзя вложить в саму себя или в её подкатегорию.")
            node, steps = node.parent, steps + 1
        return parent


class TopLevelFilter(admin.SimpleListFilter):
    title = "уровень"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", "Только верхний уровень")]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        return queryset


@admin.register(Category)
class CategoryAdmin(ListedColumnsMixin, KeptEditableAdmin, ModelAdmin):
    form = CategoryForm
    list_display = ["name", "code", "parent_name", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = [TopLevelFilter, ("parent", titled(AutocompleteSelectFilter, "родитель"))]
    list_filter_submit = True
    # Issue 13: the parent's name as a column of the page's statement, not a parent per row.
    list_select_related = ()
    listed_columns = {"mp_parent_name": F("parent__name")}
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    ordering = ["parent__name", "sort_order", "name"]
    list_per_page = 100

    @display(description="входит в", ordering="parent__name")
    def parent_name(self, obj: Category) -> str:
        if obj.parent_id is None:
            return "—"
        return obj.mp_parent_name if hasattr(obj, "mp_parent_name") else obj.parent.name


# ---- warehouses -------------------------------------------------------------------------------


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["name", "code", "kind", "marketplace", "is_active"]

    def clean(self):
        data = super().clean()
        kind, marketplace = data.get("kind"), data.get("marketplace")
        if kind == Warehouse.Kind.MARKETPLACE and not marketplace:
            self.add_error("marketplace", "Укажите маркетплейс этого склада.")
        if kind and kind != Warehouse.Kind.MARKETPLACE and marketplace:
            self.add_error("marketplace", "Маркетплейс указывается только у склада-маркетплейса.")
        return data


@admin.register(Warehouse)
class WarehouseAdmin(ModelAdmin):
    form = WarehouseForm
    list_display = ["name", "code", "kind", "marketplace", "active_label"]
    list_filter = ["kind", "marketplace", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["kind", "name"]

    @display(description="активен", ordering="is_active", label={"Да": "success", "Нет": "danger"})
    def active_label(self, obj: Warehouse) -> str:
        return "Да" if obj.is_active else "Нет"
