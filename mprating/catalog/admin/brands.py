"""Back office «Каталог → Бренды»: brands with their other spellings (aliases).

A brand name and an alias are unique in normalized form across both tables; an alias is added
through `services.brand_alias_add`, so the admin shows the same rule and message as the imports.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.views import ChangeList

from mprating.catalog import services
from mprating.catalog.models import Brand, BrandAlias
from mprating.catalog.normalize import normalize_brand
from mprating.core.errors import ApplicationError
from mprating.core.kept import Kept
from mprating.core.kept_queries import plain_key


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
    add_another_label = "Добавить ещё одно написание"
    verbose_name_plural = "Другие написания (синонимы)"

    def has_change_permission(self, request, obj=None) -> bool:
        # A spelling is added or deleted, never edited in place: the add goes through
        # the service with its rules.
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("catalog.add_brandalias")


ALIAS_NAMES = "_mp_alias_names"


class BrandChangeList(ChangeList):
    """The page's brands with their spellings' texts, read in one query of (brand, alias)
    pairs: a prefetch made a related manager and a queryset per brand, twice (~9,000 Python
    calls a page of 100). The pairs are selected by the page's own query as a subquery, so
    when that is plain (`kept_queries.plain_key`: an unfiltered list) the statement is the
    same on every visit and is compiled once and kept; otherwise (a search) by the page's ids,
    as Django compiles it (a hundred ids as parameters cost ~4,000 calls to compile)."""

    def get_results(self, request) -> None:
        super().get_results(request)
        page = self.result_list
        # Named before the page is read: compiling its rows sets up joins in its query.
        key = plain_key(page.query, page.db)
        brands = list(page)
        if not brands:
            return
        names: dict[int, list[str]] = {brand.pk: [] for brand in brands}
        for brand_id, alias in _alias_pairs(page, key, names):
            shown = names.get(brand_id)
            if shown is not None:  # the subquery may see a brand added since the page's read
                shown.append(alias)
        for brand in brands:
            setattr(brand, ALIAS_NAMES, names[brand.pk])


_alias_statements = Kept(limit=100)


def _alias_pairs(page, key: tuple | None, ids) -> list:
    """(brand id, alias) of the brands of `page` (their `ids`), in the aliases' order; `key`:
    the page's plain key, or None."""
    using = page.db
    ordering = (*BrandAlias._meta.ordering, "pk")
    if key is None:
        pairs = BrandAlias.objects.filter(brand_id__in=ids).order_by(*ordering)
        return list(pairs.values_list("brand_id", "alias"))
    connection = connections[using]
    kept = _alias_statements.get(key)
    if kept is None or kept[0] is not connection:
        pairs = BrandAlias.objects.using(using).filter(brand_id__in=page.values("pk"))
        pairs = pairs.order_by(*ordering).values_list("brand_id", "alias")
        sql, params = pairs.query.get_compiler(using=using).as_sql()
        kept = (connection, sql, tuple(params))
        if len(_alias_statements) >= _alias_statements.limit:
            _alias_statements.clear()
        _alias_statements[key] = kept
    with connection.cursor() as cursor:
        cursor.execute(kept[1], kept[2])
        return cursor.fetchall()


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

    def get_changelist(self, request, **kwargs):
        return BrandChangeList

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
        names = getattr(obj, ALIAS_NAMES, None)
        if names is None:
            names = [alias.alias for alias in obj.aliases.all()]
        return ", ".join(names) or "—"

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
