"""Forms of the import pages: the upload and the column mapping."""

from django import forms
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldBooleanWidget,
)

from mprating.catalog.imports.importers import IMPORTERS
from mprating.catalog.models import ImportJob, Warehouse


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Что загружаем",
        choices=ImportJob.Kind.choices,
        widget=UnfoldAdminSelectWidget,
        error_messages={"required": "Выберите, что загружаем."},
    )
    warehouse = forms.ModelChoiceField(
        label="Склад",
        queryset=Warehouse.objects.order_by("kind", "name"),
        required=False,
        empty_label="— выберите склад —",
        widget=UnfoldAdminSelectWidget,
        help_text="Только для прайс-листа: все позиции файла станут предложениями этого склада.",
    )
    file = forms.FileField(
        label="Файл",
        widget=UnfoldAdminFileFieldWidget,
        help_text="XLSX, XLS или CSV (UTF-8 или Windows-1251, разделитель «;» или «,»); "
        "первая строка — заголовки столбцов.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )
    zero_missing = forms.BooleanField(
        label="Обнулить остаток у позиций склада, которых нет в файле",
        required=False,
        widget=UnfoldBooleanWidget,
        help_text="Для прайс-листа: товары склада, которых нет в новом файле, останутся "
        "в каталоге с нулевым остатком.",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportJob.Kind.PRICE_LIST and not data.get("warehouse"):
            self.add_error("warehouse", "Прайс-лист загружается на один склад: выберите его.")
        return data


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class MappingForm(forms.Form):
    """One select per field of the import: which column of the file holds it."""

    def __init__(self, *args, job: ImportJob, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        choices = [("", "— нет в файле —")] + [
            (str(i), f"{_column_letter(i)}: {header or '(без заголовка)'}")
            for i, header in enumerate(job.headers)
        ]
        for spec in IMPORTERS[job.kind].fields:
            initial = job.column_map.get(spec.name)
            self.fields[spec.name] = forms.TypedChoiceField(
                label=spec.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=spec.required,
                initial="" if initial is None else str(initial),
                help_text=spec.help,
                widget=UnfoldAdminSelectWidget,
                error_messages={"required": f"Выберите столбец для поля «{spec.label}»."},
            )

    def clean(self):
        data = super().clean()
        seen: dict[int, str] = {}
        for name, index in list(data.items()):
            if index is None:
                continue
            if index in seen:
                self.add_error(
                    name, f"Этот столбец уже выбран для поля «{self.fields[seen[index]].label}»."
                )
            else:
                seen[index] = name
        return data
