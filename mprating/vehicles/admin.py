"""Back office «Справочник автомобилей»: make → model → generation → modification.

Seed 004 «Автомобили»: the lists the client's car is chosen from; the catalog's applicability
and «Подбор по параметрам» point at modifications. Simple lists with search and filters; a whole
file is loaded by the import «Справочник автомобилей» of «Импорт файлов» (catalog's import
pages, this app's row checks and writer in `reference.py`).
"""

from django import forms
from django.contrib import admin
from django.db.models import F
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RelatedDropdownFilter

from mprating.core.admin_editable import KeptEditableAdmin
from mprating.core.admin_filters import titled
from mprating.core.admin_listed_columns import ListedColumnsMixin
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel


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
