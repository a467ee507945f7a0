"""The period forms of the cabinet «Финансы»: the operations shown and the акт requested.

They parse dates only; the rule for a period is `reports.period_problem`, the one the
statement service applies too.
"""

from datetime import date

from django import forms

from mprating.finance.reports import period_problem


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(
            attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric", "autocomplete": "off"},
            format="%d.%m.%Y",
        ),
        error_messages={
            "invalid": "Введите дату в формате ДД.ММ.ГГГГ.",
            "required": "Укажите дату.",
        },
    )


class PeriodForm(forms.Form):
    date_from = _date_field("С")
    date_to = _date_field("По")

    def __init__(self, *args, max_days: int, what: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_days = max_days
        self.what = what

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problem = period_problem(
            data.get("date_from"), data.get("date_to"), max_days=self.max_days, what=self.what
        )
        if problem:
            self.add_error(problem.field, problem.message)
        return data

    def period(self) -> tuple[date, date]:
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
