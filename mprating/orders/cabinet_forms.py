"""The filter form of the cabinet «Заказы» / «Архив» (seed 004: «довольно широкий список
фильтров, позволяющих найти необходимый заказ»)."""

from django import forms

from mprating.orders.cabinet_selectors import LineFilters, statuses_for_filter
from mprating.orders.models import Source


class LineFilterForm(forms.Form):
    number = forms.CharField(
        label="Номер заказа",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "MP-… или 42"}),
    )
    date_from = forms.DateField(
        label="Дата с",
        required=False,
        widget=forms.DateInput(
            attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}, format="%d.%m.%Y"
        ),
        error_messages={"invalid": "Введите дату в формате ДД.ММ.ГГГГ."},
    )
    date_to = forms.DateField(
        label="Дата по",
        required=False,
        widget=forms.DateInput(
            attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}, format="%d.%m.%Y"
        ),
        error_messages={"invalid": "Введите дату в формате ДД.ММ.ГГГГ."},
    )
    brand = forms.CharField(label="Бренд", required=False, max_length=100)
    article = forms.CharField(label="Артикул", required=False, max_length=64)
    status = forms.TypedChoiceField(
        label="Статус", required=False, coerce=int, empty_value=None, choices=()
    )
    source = forms.ChoiceField(
        label="Источник",
        required=False,
        choices=[("", "Все источники"), *Source.choices],
    )
    refusals = forms.BooleanField(label="Только позиции с отказами", required=False)
    unseen = forms.BooleanField(label="Только непросмотренные отказы", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Все статусы")] + [
            (status.pk, status.name) for status in statuses_for_filter()
        ]
        self.fields["status"].error_messages["invalid_choice"] = "Выберите статус из списка."
        self.fields["source"].error_messages["invalid_choice"] = "Выберите источник из списка."

    def state(self) -> tuple:
        """What the form's HTML depends on: its data for its fields (every value, in order)
        and the status choices; computed once per form."""
        state = self.__dict__.get("_state")
        if state is None:
            data = self.data
            getlist = getattr(data, "getlist", None)
            values = tuple(
                (name, tuple(getlist(name)) if getlist else (data[name],) if name in data else ())
                for name in self.fields
            )
            state = self._state = (values, tuple(self.fields["status"].choices))
        return state

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "Дата «по» раньше даты «с».")
        return data

    def filters(self) -> LineFilters:
        """The valid filters; a form with errors filters by its valid fields only."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return LineFilters(
            number=data.get("number") or "",
            date_from=data.get("date_from") if "date_to" not in self.errors else None,
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
            brand=data.get("brand") or "",
            article=data.get("article") or "",
            status_id=data.get("status"),
            source=data.get("source") or "",
            with_refusals=bool(data.get("refusals")),
            unseen_refusals=bool(data.get("unseen")),
        )
