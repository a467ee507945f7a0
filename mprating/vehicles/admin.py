"""Back office «Справочник автомобилей»: make → model → generation → modification.

Seed 004 «Автомобили»: the lists the client's car is chosen from; the catalog's applicability
and «Подбор по параметрам» point at modifications. Simple lists with search and filters; a whole
file is loaded by the import «Справочник автомобилей» of «Импорт файлов» (catalog's import
pages, this app's row checks and writer in `reference.py`).
"""

from django import forms
from django.contrib import admin
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RelatedDropdownFilter

from mprating.core.admin_editable import PlannedEditableAdmin
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel


def with_text(queryset, name: str, *paths: str):
    """The rows with `name`: the texts at `paths` joined by spaces, as the models' __str__
    join them («Лада Веста I»), worked out in the query. Selecting the related rows instead
    made two or three model instances a row (~90 Python calls) only to print their names."""
    if len(paths) == 1:
        return queryset.annotate(**{name: F(paths[0])})
    parts = []
    for path in paths:
        parts += [F(path), Value(" ")]
    return queryset.annotate(**{name: Concat(*parts[:-1], output_field=CharField())})


def titled(base: type, title: str) -> type:
    """A related-field filter with a Russian title (the foreign keys have no verbose_name)."""

    class Filter(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    Filter.__name__ = f"{base.__name__}_{title}"
    return Filter


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
class MakeAdmin(PlannedEditableAdmin, ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]
    list_per_page = 100


@admin.register(VehicleModel)
class VehicleModelAdmin(ModelAdmin):
    form = VehicleModelForm
    list_display = ["name", "make_name"]
    list_filter = [("make", titled(RelatedDropdownFilter, "марка"))]
    list_filter_submit = True
    search_fields = ["name", "make__name"]
    autocomplete_fields = ["make"]
    ordering = ["make__name", "name"]
    list_per_page = 100

    def get_queryset(self, request):
        return with_text(super().get_queryset(request), "mp_make_name", "make__name")

    @admin.display(description="марка", ordering="make__name")
    def make_name(self, obj: VehicleModel) -> str:
        return getattr(obj, "mp_make_name", None) or obj.make.name


@admin.register(Generation)
class GenerationAdmin(ModelAdmin):
    form = GenerationForm
    list_display = ["name", "model_name", "years"]
    list_filter = [
        ("model__make", titled(RelatedDropdownFilter, "марка")),
        ("model", titled(AutocompleteSelectFilter, "модель")),
    ]
    list_filter_submit = True
    search_fields = ["name", "model__name", "model__make__name"]
    autocomplete_fields = ["model"]
    ordering = ["model__make__name", "model__name", "year_from"]
    list_per_page = 100

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return with_text(queryset, "mp_model_text", "model__make__name", "model__name")

    @admin.display(description="модель", ordering="model__name")
    def model_name(self, obj: Generation) -> str:
        return getattr(obj, "mp_model_text", None) or str(obj.model)

    @admin.display(description="годы выпуска", ordering="year_from")
    def years(self, obj: Generation) -> str:
        return obj.years


@admin.register(Modification)
class ModificationAdmin(ModelAdmin):
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
    search_fields = ["name", "engine", "generation__name", "generation__model__name"]
    autocomplete_fields = ["generation"]
    ordering = ["generation__model__make__name", "generation__model__name", "name"]
    list_per_page = 100

    def get_queryset(self, request):
        return with_text(
            super().get_queryset(request),
            "mp_car_text",
            "generation__model__make__name",
            "generation__model__name",
            "generation__name",
        )

    @admin.display(description="автомобиль", ordering="generation__model__name")
    def car(self, obj: Modification) -> str:
        return getattr(obj, "mp_car_text", None) or str(obj.generation)
