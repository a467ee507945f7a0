"""The upload form of «Загрузить в корзину»: the file only; rules live in imports.py."""

from django import forms


class CartImportForm(forms.Form):
    file = forms.FileField(
        label="Файл заказа",
        help_text="XLSX, XLS или CSV (UTF-8 или Windows-1251, разделитель «;» или «,»), "
        "до 10 000 строк и 5 МБ.",
        error_messages={
            "required": "Выберите файл с заказом.",
            "empty": "Файл пустой.",
            "invalid": "Выберите файл с заказом.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )
