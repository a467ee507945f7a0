"""Forms of the partner area and of «Стать партнёром»: they check the format of input; the rules
live in the services."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mprating.accounts.inn import normalize_inn
from mprating.accounts.phones import normalize_phone
from mprating.partners.selectors import MONTH, WEEK, Period, default_period
from mprating.partners.services import ApplicationData

PERIOD_MAX_DAYS = 731
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class ApplicationForm(forms.Form):
    """Seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)»: the business applies."""

    company_name = forms.CharField(
        label="Компания или ИП",
        max_length=255,
        error_messages={"required": "Укажите название компании или ИП."},
    )
    inn = forms.CharField(
        label="ИНН",
        max_length=20,
        help_text="10 цифр для организации или 12 для ИП.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Укажите ИНН."},
    )
    contact_name = forms.CharField(
        label="Контактное лицо",
        max_length=255,
        help_text="Фамилия, имя и отчество.",
        error_messages={"required": "Укажите, как к вам обращаться."},
    )
    phone = forms.CharField(
        label="Телефон",
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "placeholder": "+7 916 123-45-67", "autocomplete": "tel"}
        ),
        error_messages={"required": "Укажите телефон."},
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Укажите e-mail.",
            "invalid": "Введите e-mail полностью, например ivanov@mail.ru.",
        },
    )
    point_address = forms.CharField(
        label="Адрес пункта выдачи",
        max_length=500,
        help_text="Город, улица, дом, помещение.",
        error_messages={"required": "Укажите адрес пункта выдачи."},
    )
    comment = forms.CharField(
        label="Комментарий",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Площадь, часы работы, опыт работы с другими службами — что посчитаете нужным.",
    )
    consent = forms.BooleanField(
        label="Согласен на обработку персональных данных",
        error_messages={
            "required": "Без согласия на обработку персональных данных заявку отправить нельзя."
        },
    )

    def clean_inn(self) -> str:
        return normalize_inn(self.cleaned_data["inn"].strip())

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_point_address(self) -> str:
        address = " ".join(self.cleaned_data["point_address"].split())
        if len(address) < 10:
            raise ValidationError("Укажите адрес пункта полностью: город, улица, дом, помещение.")
        return address

    def application_data(self) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            company_name=data["company_name"],
            inn=data["inn"],
            contact_name=data["contact_name"],
            phone=data["phone"],
            email=data["email"].strip().lower(),
            point_address=data["point_address"],
            comment=data["comment"],
        )


class PeriodForm(forms.Form):
    """The statistics period: from, to (inclusive), by weeks or months."""

    date_from = forms.DateField(
        label="С",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату начала в формате ДД.ММ.ГГГГ."},
    )
    date_to = forms.DateField(
        label="По",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату конца в формате ДД.ММ.ГГГГ."},
    )
    grouping = forms.ChoiceField(
        label="Группировать",
        required=False,
        choices=[(WEEK, "по неделям"), (MONTH, "по месяцам")],
        error_messages={"invalid_choice": "Выберите: по неделям или по месяцам."},
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        grouping = data.get("grouping") or WEEK
        default = default_period(today, grouping)
        start = data.get("date_from") or default.start
        end = data.get("date_to") or (today if start <= today else start)
        if end > today:
            raise ValidationError("Период не может заканчиваться позже сегодняшнего дня.")
        if start > end:
            raise ValidationError("Дата начала позже даты конца: поменяйте их местами.")
        if end - start > timedelta(days=PERIOD_MAX_DAYS):
            raise ValidationError("Период не длиннее двух лет: сократите его.")
        data["period"] = Period(start=start, end=end, grouping=grouping)
        return data


def period_from(params) -> tuple[PeriodForm, Period]:
    """The period asked for in the query string, or the default one when it is bad (the form
    then carries the Russian message)."""
    form = PeriodForm(params or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period"]
    grouping = params.get("grouping") if params.get("grouping") in (WEEK, MONTH) else WEEK
    period = default_period(grouping=grouping)
    if not form.is_bound:
        form = PeriodForm(
            initial={"date_from": period.start, "date_to": period.end, "grouping": WEEK}
        )
    return form, period
