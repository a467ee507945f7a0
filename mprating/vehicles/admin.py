"""Back office «Справочник автомобилей»: make → model → generation → modification.

Seed 004 «Автомобили»: the lists the client's car is chosen from; the catalog's applicability
and «Подбор по параметрам» point at modifications. Simple lists with search and filters; a whole
file is loaded by the import «Справочник автомобилей» of «Импорт файлов» (catalog's import
pages, this app's row checks and writer in `reference.py`).

It also holds what the catalog's lists (a floor above) share with these (issue 13): the related
names read as columns of the page's statement, compiled once per exact query state
(`ListedColumnsMixin`), the related filters' rows read with a kept statement (`titled`), and
editable lists with their formset class and management form kept (`KeptEditableAdmin`).
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.options import ModelAdmin as DjangoModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.forms.formsets import BaseFormSet
from django.forms.models import modelform_factory, modelformset_factory
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RelatedDropdownFilter

from mprating.core.admin_editable import PlannedEditableAdmin, PlannedRowsFormSet
from mprating.core.compiled import _Statement
from mprating.core.kept import Kept
from mprating.core.kept_queries import KeptModelIterable, kept_statements, plain_key
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel


class ListedColumnsMixin:
    """For a ModelAdmin: its list reads the related names it shows (`listed_columns`: name →
    expression) as columns of the page's own statement (issue 13). Selecting the related rows
    made two or three model instances a row (~90 Python calls) only to print their names;
    annotating the list's whole query joined the related tables into its count too and made
    every statement of the list one that is compiled on each visit. Here the list's query stays
    as the admin builds it (an unfiltered one: its count kept by `core.kept_queries`), only the
    page's rows are annotated, and when nothing filters or searches them their statement is
    compiled once per exact query state and kept (`listed_page`). The export reads its related
    objects (`export_related`). Used by the catalog's lists too (a floor above)."""

    listed_columns: dict = {}
    export_related: tuple = ()

    def get_changelist(self, request, **kwargs):
        return _with_columns(super().get_changelist(request, **kwargs))

    def export_queryset(self, queryset):
        return queryset.select_related(*self.export_related)


_with_columns_classes: dict[type, type] = {}


def _with_columns(base: type) -> type:
    changelist = _with_columns_classes.get(base)
    if changelist is None:

        class changelist(base):  # renamed below as the class it stands for
            def get_results(self, request):
                super().get_results(request)
                # The page's rows only: the count (or its estimate) keeps its own statement,
                # without the joins the names need.
                self.result_list = listed_page(self.result_list, self.model_admin.listed_columns)

        changelist.__name__ = base.__name__
        changelist.__qualname__ = base.__qualname__
        _with_columns_classes[base] = changelist
    return changelist


LISTED = "_mp_listed"
_MODEL_ITERABLES = (ModelIterable, KeptModelIterable)
_listed_statements = Kept(limit=500)


def listed_page(page: QuerySet, columns: dict) -> QuerySet:
    """The rows of `page` (a list's page: its queryset sliced) with `columns` annotated. When
    the page's query is plain (`kept_queries.plain_key`: nothing but its ordering, slice and
    select_related differ from a fresh query), that names the annotated statement exactly with
    the columns, so it is compiled once and kept under both; the rows are read anew on every
    visit. Any other page, and any clone of the result, is Django's."""
    rows = page.annotate(**columns)
    if page._result_cache is not None or page._iterable_class not in _MODEL_ITERABLES:
        return rows
    key = plain_key(page.query, page.db)
    if key is None or page._known_related_objects:
        return rows
    rows._iterable_class = KeptListedIterable
    # Kept with the query object it names: a clone (another query) does not find it.
    rows.__dict__[LISTED] = (
        (key, tuple((name, repr(expression)) for name, expression in columns.items())),
        rows.query,
    )
    return rows


class KeptListedIterable(ModelIterable):
    def __iter__(self):
        queryset = self.queryset
        listed = queryset.__dict__.get(LISTED)
        if listed is None or listed[1] is not queryset.query or self.chunked_fetch:
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        key, using = listed[0], queryset.db
        statement = _listed_statements.get(key)
        if statement is None or statement.connection is not connections[using]:
            statement = _AnnotatedStatement(queryset, using)
            if len(_listed_statements) >= _listed_statements.limit:
                _listed_statements.clear()
            _listed_statements[key] = statement
        yield from statement.objects(using, statement.params)


class _AnnotatedStatement(_Statement):
    """`core.compiled._Statement` for rows with annotations: each annotation set on its row
    as `ModelIterable` sets it."""

    def __init__(self, queryset: QuerySet, using: str):  # not super's: it refuses annotations
        compiler = queryset.query.get_compiler(using=using)
        self.connection = compiler.connection
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_extra_select or compiler.has_composite_fields(fields):
            raise ValueError("a listed page reads model rows and annotations only")
        self.sql, self.params, self.position = sql, list(params), None
        self.converters = list(compiler.get_converters(fields).items())
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.model = klass_info["model"]
        self.init_list = [
            column[0].target.attname for column in compiler.select[self.start : self.end]
        ]
        self.populators = get_related_populators(klass_info, compiler.select, using)
        self.annotations = tuple(compiler.annotation_col_map.items())

    def objects(self, using: str, params) -> list:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.convert(rows)
        model, init_list, populators = self.model, self.init_list, self.populators
        start, end, annotations = self.start, self.end, self.annotations
        objects = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def titled(base: type, title: str) -> type:
    """A related-field filter with a Russian title (the foreign keys have no verbose_name); one
    that lists the related rows reads them with the statement kept (`KeptChoicesMixin`)."""
    bases = (base,)
    if base.field_choices is RelatedFieldListFilter.field_choices:
        bases = (KeptChoicesMixin, base)

    def __init__(self, *args, **kwargs) -> None:
        super(Filter, self).__init__(*args, **kwargs)
        self.title = title

    Filter = type(f"{base.__name__}_{title}", bases, {"__init__": __init__})
    return Filter


class KeptChoicesMixin:
    """`RelatedFieldListFilter.field_choices` (every related row, by the related admin's
    ordering) with its plain statement compiled once and kept (`core.kept_queries`): the same
    statement on every visit of the list (~400 Python calls), the rows read anew each time."""

    def field_choices(self, field, request, model_admin):
        if field.choices is not None or field.get_limit_choices_to():
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = field.remote_field.model._default_manager.all()
        if ordering:
            rows = rows.order_by(*ordering)
        attname = field.remote_field.get_related_field().attname
        return [(getattr(row, attname), str(row)) for row in kept_statements(rows)]


class KeptEditableAdmin(PlannedEditableAdmin):
    """`PlannedEditableAdmin` with the list's formset class made once per admin (issue 13): on
    every visit Django made a form class of all the model's fields and another of the editable
    ones (~450–850 Python calls). The request only reaches the form fields, and an editable
    field that is a plain value (not a relation, no choices) gets its form field without it; so
    when all editable fields are such and the admin makes its changelist form and form fields as
    Django and unfold do, the class is made once, without a request (the kept class holds none),
    and kept. Unbound, its management form's HTML (four hidden inputs through the form template,
    ~1,000 calls) is kept per exactly what it prints."""

    def get_changelist_formset(self, request, **kwargs):
        if kwargs or not self._formset_keepable():
            return super().get_changelist_formset(request, **kwargs)
        key = (self, tuple(self.list_editable), self.form)
        return _formsets.get_or_make(key, self._kept_formset)

    def _kept_formset(self) -> type:
        """What Django's `get_changelist_formset` makes, with the form fields made without a
        request (`_formset_keepable`: they do not read it)."""
        callback = partial(self.formfield_for_dbfield, request=None)
        fields = self.list_editable
        form = modelform_factory(
            self.model, form=self.form, fields=fields, formfield_callback=callback
        )
        formset = modelformset_factory(
            self.model, form, extra=0, fields=fields, formfield_callback=callback
        )
        return type(formset.__name__, (KeptManagementFormSet, PlannedRowsFormSet, formset), {})

    def _formset_keepable(self) -> bool:
        cls = type(self)
        if (
            cls.get_changelist_form is not DjangoModelAdmin.get_changelist_form
            or cls.formfield_for_dbfield.__module__ not in _FORM_FIELDS_WITHOUT_REQUEST
        ):
            return False
        opts = self.model._meta
        for name in self.list_editable:
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                return False
            if not field.concrete or field.is_relation or field.choices:
                return False
        return True


# Django's and unfold's `formfield_for_dbfield`: a plain field's form field without the request.
_FORM_FIELDS_WITHOUT_REQUEST = {"django.contrib.admin.options", "unfold.mixins.base_model_admin"}
_formsets = Kept(limit=100)
_management_html = Kept(limit=500)


class KeptManagementFormSet:
    """A formset whose unbound management form prints the HTML kept for its values."""

    @cached_property
    def management_form(self):
        if self.is_bound:
            return BaseFormSet.management_form.func(self)
        key = (
            self.prefix,
            self.auto_id,
            self.total_form_count(),
            self.initial_form_count(),
            self.min_num,
            self.max_num,
            type(self.renderer),
            get_language(),
        )
        html = _management_html.get_or_make(
            key, lambda: str(BaseFormSet.management_form.func(self))
        )
        return _KeptManagementForm(self, html)


class _KeptManagementForm:
    """Prints the kept HTML; anything else is asked of the real management form, built then."""

    def __init__(self, formset, html: str):
        self._formset = formset
        self._html = SafeString(html)  # nosec B703: Django's own rendering of the form

    def __str__(self) -> str:
        return self._html

    def __html__(self) -> str:
        return self._html

    @cached_property
    def real(self):
        return BaseFormSet.management_form.func(self._formset)

    def __getitem__(self, name):
        return self.real[name]

    def __iter__(self):
        return iter(self.real)

    def __getattr__(self, name):
        if name == "real" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.real, name)


class VehicleModelForm(forms.ModelForm):
    class Meta:
        model = VehicleModel
        fields = ["make", "name"]
        labels = {"make": "марка"}


class GenerationForm(forms.ModelForm):
    class Meta:
        model = Generation
        fields = ["model", "name", "year_from", "year_to"]
        labels = {"model": "модель"}


class ModificationForm(forms.ModelForm):
    class Meta:
        model = Modification
        fields = [
            "generation",
            "name",
            "engine",
            "volume_l",
            "power_hp",
            "fuel",
            "body",
            "drive",
            "gearbox",
        ]
        labels = {"generation": "поколение"}


@admin.register(Make)
class MakeAdmin(KeptEditableAdmin, ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]
    list_per_page = 100


@admin.register(VehicleModel)
class VehicleModelAdmin(ListedColumnsMixin, ModelAdmin):
    form = VehicleModelForm
    list_display = ["name", "make_name"]
    list_filter = [("make", titled(RelatedDropdownFilter, "марка"))]
    list_filter_submit = True
    listed_columns = {"mp_make_name": F("make__name")}
    search_fields = ["name", "make__name"]
    autocomplete_fields = ["make"]
    ordering = ["make__name", "name"]
    list_per_page = 100

    @admin.display(description="марка", ordering="make__name")
    def make_name(self, obj: VehicleModel) -> str:
        return obj.mp_make_name if hasattr(obj, "mp_make_name") else obj.make.name


@admin.register(Generation)
class GenerationAdmin(ListedColumnsMixin, ModelAdmin):
    form = GenerationForm
    list_display = ["name", "model_name", "years"]
    list_filter = [
        ("model__make", titled(RelatedDropdownFilter, "марка")),
        ("model", titled(AutocompleteSelectFilter, "модель")),
    ]
    list_filter_submit = True
    # The names as they are stored: `VehicleModel.__str__` joins them in Python («Лада Веста»).
    listed_columns = {"mp_make_name": F("model__make__name"), "mp_model_name": F("model__name")}
    search_fields = ["name", "model__name", "model__make__name"]
    autocomplete_fields = ["model"]
    ordering = ["model__make__name", "model__name", "year_from"]
    list_per_page = 100

    @admin.display(description="модель", ordering="model__name")
    def model_name(self, obj: Generation) -> str:
        if not hasattr(obj, "mp_model_name"):
            return str(obj.model)
        return f"{obj.mp_make_name} {obj.mp_model_name}"

    @admin.display(description="годы выпуска", ordering="year_from")
    def years(self, obj: Generation) -> str:
        return obj.years


@admin.register(Modification)
class ModificationAdmin(ListedColumnsMixin, ModelAdmin):
    form = ModificationForm
    list_display = ["name", "car", "engine", "power_hp", "fuel", "drive", "gearbox"]
    list_filter = [
        ("generation__model__make", titled(RelatedDropdownFilter, "марка")),
        ("generation__model", titled(AutocompleteSelectFilter, "модель")),
        "fuel",
        "drive",
        "gearbox",
    ]
    list_filter_submit = True
    # `Generation.__str__`'s parts, joined in Python: the database's concatenation of them was
    # worked out for every modification the page's sort reads, not for the page's 100 only.
    listed_columns = {
        "mp_make_name": F("generation__model__make__name"),
        "mp_model_name": F("generation__model__name"),
        "mp_generation_name": F("generation__name"),
    }
    search_fields = ["name", "engine", "generation__name", "generation__model__name"]
    autocomplete_fields = ["generation"]
    ordering = ["generation__model__make__name", "generation__model__name", "name"]
    list_per_page = 100

    @admin.display(description="автомобиль", ordering="generation__model__name")
    def car(self, obj: Modification) -> str:
        if not hasattr(obj, "mp_generation_name"):
            return str(obj.generation)
        return f"{obj.mp_make_name} {obj.mp_model_name} {obj.mp_generation_name}"
