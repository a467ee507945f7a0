"""Forms of the back office «Пункты выдачи»: input is checked by the services' own checks, so
the page shows the same Russian message next to the field that the service would raise."""

from django import forms
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminTextInputWidget

from mprating.accounts.phones import normalize_phone
from mprating.core.errors import ApplicationError
from mprating.pickup_points import services
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.owners import OwnerData, owner_data_clean
from mprating.pickup_points.services import PointData

POINT_FIELDS = ["name", "address", "working_hours", "phone", "notes"]


class PointForm(forms.ModelForm):
    class Meta:
        model = PickupPoint
        fields = POINT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.phone:
            self.initial["phone"] = self.instance.phone_display
        if "phone" not in self.fields:  # read-only for who may only view points (managers)
            return
        self.fields["phone"].max_length = 32
        self.fields["phone"].help_text = "Например +7 495 123-45-67; можно не указывать."
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "tel", "placeholder": "+7 495 123-45-67", "maxlength": 32}
        )

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        return normalize_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        # The service's own check, on what passed the field checks (a field with an error of
        # its own is left blank for it, so both messages are shown).
        checked = {
            field: "" if field in self.errors else data.get(field, "") for field in POINT_FIELDS
        }
        try:
            cleaned = services.point_data_clean(self._raw_point_data(checked))
        except ApplicationError as error:
            if error.field not in self.errors:
                self.add_error(error.field if error.field in self.fields else None, error.message)
            return data
        if not self.errors:
            for field in POINT_FIELDS:
                data[field] = getattr(cleaned, field)
        return data

    @staticmethod
    def _raw_point_data(data) -> PointData:
        return PointData(
            name=data.get("name", ""),
            address=data.get("address", ""),
            working_hours=data.get("working_hours", ""),
            phone=data.get("phone", ""),
            notes=data.get("notes", ""),
        )

    def point_data(self) -> PointData:
        return self._raw_point_data(self.cleaned_data)

    def _post_clean(self):
        # The model instance is written by the service, not by the form.
        pass


def _text(label: str, *, required: bool = True, max_length: int = 100, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=UnfoldAdminTextInputWidget(attrs=attrs),
        error_messages={"required": f"Заполните поле «{label}»."},
    )


class OwnerForm(forms.Form):
    """Seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)»: the person and the business."""

    last_name = _text("Фамилия")
    first_name = _text("Имя")
    middle_name = _text("Отчество", required=False)
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=UnfoldAdminEmailInputWidget,
        help_text="На него придёт приглашение; это же логин владельца.",
        error_messages={
            "required": "Укажите e-mail владельца.",
            "invalid": "Введите e-mail полностью, например ivanov@mail.ru.",
        },
    )
    phone = _text("Телефон", max_length=32, inputmode="tel", placeholder="+7 916 123-45-67")
    company_name = _text("Компания или ИП", max_length=255)
    inn = _text("ИНН", max_length=20, inputmode="numeric")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = owner_data_clean(self.owner_data(data))
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return data
        data.update(vars(cleaned))
        return data

    @staticmethod
    def owner_data(data) -> OwnerData:
        return OwnerData(
            last_name=data.get("last_name", ""),
            first_name=data.get("first_name", ""),
            middle_name=data.get("middle_name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            company_name=data.get("company_name", ""),
            inn=data.get("inn", ""),
        )
