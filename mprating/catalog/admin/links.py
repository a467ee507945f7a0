"""Back office «Каталог → Кросс-связи» and «Применимость» (product → modification of the
vehicle reference, whose own lists are `mprating.vehicles.admin`)."""

from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import display

from mprating.catalog import services
from mprating.catalog.admin.common import article_filter, titled
from mprating.catalog.models import Applicability, CrossLink
from mprating.core.admin_paging import EstimatedCountMixin


class CrossLinkForm(forms.ModelForm):
    class Meta:
        model = CrossLink
        fields = ["product_a", "product_b", "source"]
        labels = {"product_a": "товар", "product_b": "аналог"}

    def clean(self):
        data = super().clean()
        first, second = data.get("product_a"), data.get("product_b")
        if first and second:
            if first.pk == second.pk:
                self.add_error("product_b", "Товар не может быть аналогом самого себя.")
            else:
                a, b = services.cross_pair(first.pk, second.pk)
                clash = CrossLink.objects.filter(product_a_id=a, product_b_id=b).exclude(
                    pk=self.instance.pk
                )
                if clash.exists():
                    self.add_error("product_b", "Такая кросс-связь уже есть.")
                elif first.pk != a:
                    # Stored once per pair, smaller id first (CrossLink docstring).
                    data["product_a"], data["product_b"] = second, first
        return data


@admin.register(CrossLink)
class CrossLinkAdmin(EstimatedCountMixin, ModelAdmin):
    form = CrossLinkForm
    list_display = ["product_a_label", "product_b_label", "source"]
    list_select_related = ["product_a__brand", "product_b__brand"]
    search_fields = ["product_a__article_normalized"]
    search_help_text = "Артикул любого из двух товаров, в любом написании"
    autocomplete_fields = ["product_a", "product_b"]
    ordering = ["-id"]
    list_per_page = 50
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        condition = article_filter(search_term, "product_a__", "product_b__")
        if condition is None:
            return queryset, False
        return queryset.filter(condition), False

    @display(description="товар")
    def product_a_label(self, obj: CrossLink) -> str:
        return f"{obj.product_a.brand.name} {obj.product_a.article}"

    @display(description="аналог")
    def product_b_label(self, obj: CrossLink) -> str:
        return f"{obj.product_b.brand.name} {obj.product_b.article}"


class ApplicabilityForm(forms.ModelForm):
    class Meta:
        model = Applicability
        fields = ["product", "modification"]
        labels = {"product": "товар", "modification": "модификация автомобиля"}


@admin.register(Applicability)
class ApplicabilityAdmin(EstimatedCountMixin, ModelAdmin):
    form = ApplicabilityForm
    list_display = ["product_label", "car"]
    list_select_related = ["product__brand", "modification__generation__model__make"]
    list_filter = [
        ("modification__generation__model__make", titled(RelatedDropdownFilter, "марка")),
    ]
    list_filter_submit = True
    search_fields = ["product__article_normalized"]
    search_help_text = "Артикул в любом написании"
    autocomplete_fields = ["product", "modification"]
    ordering = ["-id"]
    list_per_page = 50
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        condition = article_filter(search_term, "product__")
        if condition is None:
            return queryset, False
        return queryset.filter(condition), False

    @display(description="товар")
    def product_label(self, obj: Applicability) -> str:
        return f"{obj.product.brand.name} {obj.product.article}"

    @display(description="автомобиль")
    def car(self, obj: Applicability) -> str:
        return str(obj.modification)
