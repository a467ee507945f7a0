"""Back office «Каталог» (issue 3): brands with aliases, products, categories, warehouses,
offers, cross-references, applicability, and the imports (`catalog/imports/admin.py`).

Every changelist runs a fixed number of queries whatever the page size (tests pin it):
related rows come through `list_select_related`, never a query per row. Articles are searched
in any spelling: the search term is normalized like the stored article.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RelatedDropdownFilter
from unfold.decorators import display

from mprating.catalog import services
from mprating.catalog.imports.admin import ImportJobAdmin
from mprating.catalog.models import (
    Applicability,
    Brand,
    BrandAlias,
    Category,
    CrossLink,
    ImportJob,
    Offer,
    Product,
    Warehouse,
)
from mprating.catalog.normalize import normalize_article, normalize_brand
from mprating.core.errors import ApplicationError
from mprating.core.exports import export_xlsx
from mprating.core.money import format_rub

admin.site.register(ImportJob, ImportJobAdmin)


def titled(base: type, title: str) -> type:
    """A related-field filter with a Russian title (the foreign keys have no verbose_name)."""

    class Filter(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    Filter.__name__ = f"{base.__name__}_{title}"
    return Filter


def _article_filter(term: str, *paths: str) -> Q | None:
    """Rows whose article (under any of `paths`) starts with the term in any spelling."""
    key = normalize_article(term)
    if not key:
        return None
    condition = Q()
    for prefix in paths:
        condition |= Q(**{f"{prefix}article_normalized__startswith": key})
    return condition


# ---- brands -----------------------------------------------------------------------------------


class _ValidationOnly(Exception):
    """Rolls back the dry run of a service used to check a form."""


class BrandForm(forms.ModelForm):
    class Meta:
        model = Brand
        fields = ["name"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        key = normalize_brand(name)
        if not key:
            raise ValidationError("В названии бренда нет ни букв, ни цифр.")
        other = services.brand_resolve(name)
        if other is not None and other.pk != self.instance.pk:
            raise ValidationError(f"Так уже называется бренд «{other.name}» (или его синоним).")
        return name


class BrandAliasForm(forms.ModelForm):
    class Meta:
        model = BrandAlias
        fields = ["alias"]

    def clean_alias(self) -> str:
        """The rules of `services.brand_alias_add`, run for real and rolled back."""
        alias = self.cleaned_data["alias"]
        try:
            with transaction.atomic():
                services.brand_alias_add(brand=self.instance.brand, alias=alias)
                raise _ValidationOnly
        except _ValidationOnly:
            pass
        except ApplicationError as error:
            raise ValidationError(error.message) from error
        return alias.strip()


class BrandAliasInline(TabularInline):
    model = BrandAlias
    form = BrandAliasForm
    fields = ["alias"]
    extra = 1
    verbose_name = "другое написание"
    verbose_name_plural = "Другие написания (синонимы)"

    def has_change_permission(self, request, obj=None) -> bool:
        # A spelling is added or deleted, never edited in place: the add goes through
        # the service with its rules.
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("catalog.add_brandalias")


@admin.register(Brand)
class BrandAdmin(ModelAdmin):
    form = BrandForm
    list_display = ["name", "alias_list"]
    search_fields = ["name_normalized"]
    search_help_text = "Название или синоним бренда в любом написании"
    ordering = ["name"]
    list_per_page = 100
    show_full_result_count = False
    inlines = [BrandAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    def get_inline_instances(self, request, obj=None):
        # Aliases are added to a saved brand (the service needs it).
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_search_results(self, request, queryset, search_term):
        key = normalize_brand(search_term)
        if not key:
            return queryset, False
        matches = Q(name_normalized__contains=key) | Q(aliases__alias_normalized__contains=key)
        return queryset.filter(matches).distinct(), False

    @display(description="синонимы")
    def alias_list(self, obj: Brand) -> str:
        return ", ".join(alias.alias for alias in obj.aliases.all()) or "—"

    def save_model(self, request, obj: Brand, form, change) -> None:
        obj.name_normalized = normalize_brand(obj.name)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not BrandAlias:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for alias in formset.deleted_objects:
            alias.delete()
        for alias in instances:
            if alias.pk is None:
                services.brand_alias_add(brand=form.instance, alias=alias.alias)


# ---- categories -------------------------------------------------------------------------------


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
class CategoryAdmin(ModelAdmin):
    form = CategoryForm
    list_display = ["name", "code", "parent_name", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = [TopLevelFilter, ("parent", titled(AutocompleteSelectFilter, "родитель"))]
    list_filter_submit = True
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    ordering = ["parent__name", "sort_order", "name"]
    list_per_page = 100

    @display(description="входит в", ordering="parent__name")
    def parent_name(self, obj: Category) -> str:
        return obj.parent.name if obj.parent else "—"


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


# ---- products and offers ----------------------------------------------------------------------


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["brand", "article", "name", "category"]
        labels = {"brand": "бренд", "category": "категория"}

    def clean(self):
        data = super().clean()
        brand, article = data.get("brand"), data.get("article", "")
        key = normalize_article(article)
        if article and not key:
            self.add_error("article", "В артикуле нет ни букв, ни цифр.")
        elif brand and key:
            clash = Product.objects.filter(brand=brand, article_normalized=key).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error("article", f"У бренда {brand} уже есть товар с этим артикулом.")
        return data


class OfferInline(TabularInline):
    model = Offer
    fields = ["warehouse", "price", "quantity", "delivery_days", "min_order_quantity", "returns"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Предложения складов"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("warehouse")

    @display(description="возврат")
    def returns(self, obj: Offer) -> str:
        return _returns(obj)


def _returns(offer: Offer) -> str:
    if not offer.is_returnable:
        return "невозвратный"
    return f"{offer.return_days} дн."


@admin.register(Product)
class ProductAdmin(ModelAdmin):
    form = ProductForm
    list_display = ["article", "brand_name", "name", "category_name"]
    list_display_links = ["article"]
    list_filter = [
        ("brand", titled(AutocompleteSelectFilter, "бренд")),
        ("category", titled(AutocompleteSelectFilter, "категория")),
    ]
    list_filter_submit = True
    list_select_related = ["brand", "category"]
    search_fields = ["article_normalized"]
    search_help_text = "Артикул в любом написании («0 986 452 041», «0986-452-041») или название"
    autocomplete_fields = ["brand", "category"]
    readonly_fields = ["article_normalized"]
    ordering = ["brand__name", "article_normalized"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [OfferInline]
    actions = [export_xlsx]
    export_columns = [
        ("Бренд", lambda p: p.brand.name),
        ("Артикул", lambda p: p.article),
        ("Артикул (нормализованный)", lambda p: p.article_normalized),
        ("Наименование", lambda p: p.name),
        ("Категория", lambda p: p.category.name if p.category else ""),
    ]

    def get_inline_instances(self, request, obj=None):
        # A new product has no offers yet; offers come from price lists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["brand", "article", "name", "category"]
        return [*fields, "article_normalized"] if obj else fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(name__icontains=term)
        by_article = _article_filter(term, "")
        if by_article is not None:
            condition |= by_article
        return queryset.filter(condition), False

    @display(description="бренд", ordering="brand__name")
    def brand_name(self, obj: Product) -> str:
        return obj.brand.name

    @display(description="категория", ordering="category__name")
    def category_name(self, obj: Product) -> str:
        return obj.category.name if obj.category else "—"

    def save_model(self, request, obj: Product, form, change) -> None:
        obj.article = obj.article.strip()
        obj.article_normalized = normalize_article(obj.article)
        super().save_model(request, obj, form, change)


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "product",
            "warehouse",
            "price",
            "quantity",
            "min_order_quantity",
            "delivery_days",
            "is_returnable",
            "return_days",
            "return_deduction_percent",
        ]
        labels = {"product": "товар", "warehouse": "склад"}

    def clean(self):
        data = super().clean()
        product, warehouse = data.get("product"), data.get("warehouse")
        if product and warehouse:
            clash = Offer.objects.filter(product=product, warehouse=warehouse).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "product", "Этот товар уже есть на этом складе: измените то предложение."
                )
        return data


@admin.register(Offer)
class OfferAdmin(ModelAdmin):
    form = OfferForm
    list_display = [
        "article",
        "brand",
        "product_name",
        "warehouse_name",
        "price_rub",
        "quantity",
        "delivery_days",
        "returns",
        "updated_at",
    ]
    list_filter = [
        ("warehouse", titled(RelatedDropdownFilter, "склад")),
        "warehouse__kind",
        "is_returnable",
    ]
    list_filter_submit = True
    list_select_related = ["product__brand", "warehouse"]
    search_fields = ["product__article_normalized"]
    search_help_text = "Артикул в любом написании"
    autocomplete_fields = ["product"]
    ordering = ["product__brand__name", "product__article_normalized", "warehouse__name"]
    list_per_page = 50
    show_full_result_count = False
    actions = [export_xlsx]
    export_columns = [
        ("Бренд", lambda o: o.product.brand.name),
        ("Артикул", lambda o: o.product.article),
        ("Наименование", lambda o: o.product.name),
        ("Склад", lambda o: o.warehouse.name),
        ("Вид склада", lambda o: o.warehouse.get_kind_display()),
        ("Цена, ₽", lambda o: o.price),
        ("Остаток, шт.", lambda o: o.quantity),
        ("Мин. заказ, шт.", lambda o: o.min_order_quantity),
        ("Срок поставки, дн.", lambda o: o.delivery_days),
        ("Возврат", lambda o: _returns(o)),
        ("Удержание при возврате, %", lambda o: o.return_deduction_percent),
        ("Обновлено", lambda o: o.updated_at),
    ]

    def get_search_results(self, request, queryset, search_term):
        condition = _article_filter(search_term, "product__")
        if condition is None:
            return queryset, False
        return queryset.filter(condition), False

    @display(description="артикул", ordering="product__article_normalized")
    def article(self, obj: Offer) -> str:
        return obj.product.article

    @display(description="бренд", ordering="product__brand__name")
    def brand(self, obj: Offer) -> str:
        return obj.product.brand.name

    @display(description="наименование")
    def product_name(self, obj: Offer) -> str:
        return obj.product.name

    @display(description="склад", ordering="warehouse__name")
    def warehouse_name(self, obj: Offer) -> str:
        return obj.warehouse.name

    @display(description="цена", ordering="price")
    def price_rub(self, obj: Offer) -> str:
        return format_rub(obj.price)

    @display(description="возврат")
    def returns(self, obj: Offer) -> str:
        return _returns(obj)


# ---- cross-references and applicability -------------------------------------------------------


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
class CrossLinkAdmin(ModelAdmin):
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
        condition = _article_filter(search_term, "product_a__", "product_b__")
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
class ApplicabilityAdmin(ModelAdmin):
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
        condition = _article_filter(search_term, "product__")
        if condition is None:
            return queryset, False
        return queryset.filter(condition), False

    @display(description="товар")
    def product_label(self, obj: Applicability) -> str:
        return f"{obj.product.brand.name} {obj.product.article}"

    @display(description="автомобиль")
    def car(self, obj: Applicability) -> str:
        return str(obj.modification)
