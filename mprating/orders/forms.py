"""The checkout form: it checks the shape of input; the rules live in `services.order_place`."""

from django import forms

from mprating.accounts.phones import normalize_phone
from mprating.orders.models import PaymentMethod
from mprating.orders.services import ADDRESS_MAX, COMMENT_MAX

PICKUP, ADDRESS = "pickup", "address"


class CheckoutForm(forms.Form):
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Форма устарела: обновите страницу и оформите заказ ещё раз.",
            "invalid": "Форма устарела: обновите страницу и оформите заказ ещё раз.",
        },
    )
    delivery_method = forms.ChoiceField(
        label="Способ получения",
        choices=[(PICKUP, "Пункт выдачи"), (ADDRESS, "Доставка по адресу")],
        initial=PICKUP,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Выберите способ получения.",
            "invalid_choice": "Выберите способ получения.",
        },
    )
    pickup_point = forms.IntegerField(
        label="Пункт выдачи",
        required=False,
        widget=forms.HiddenInput,  # the page renders the radio list of points itself
        error_messages={"invalid": "Выберите пункт выдачи из списка."},
    )
    delivery_address = forms.CharField(
        label="Адрес доставки",
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "г. Москва, ул. Тверская, д. 7, кв. 12"}
        ),
        error_messages={"max_length": f"Адрес не длиннее {ADDRESS_MAX} символов."},
    )
    payment_method = forms.ChoiceField(
        label="Способ оплаты",
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Выберите способ оплаты.",
            "invalid_choice": "Выберите способ оплаты.",
        },
    )
    recipient_phone = forms.CharField(
        label="Телефон получателя",
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "placeholder": "+7 916 123-45-67", "type": "tel"}
        ),
        help_text="Пункт выдачи или курьер позвонит по этому номеру.",
        error_messages={"required": "Укажите телефон получателя."},
    )
    comment = forms.CharField(
        label="Комментарий к заказу",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Комментарий не длиннее {COMMENT_MAX} символов."},
    )

    def clean_recipient_phone(self) -> str:
        return normalize_phone(self.cleaned_data["recipient_phone"])

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("delivery_method")
        if method == PICKUP:
            data["delivery_address"] = ""
            if data.get("pickup_point") is None and "pickup_point" not in self.errors:
                self.add_error("pickup_point", "Выберите пункт выдачи.")
        elif method == ADDRESS:
            data["pickup_point"] = None
            if not (data.get("delivery_address") or "").strip() and (
                "delivery_address" not in self.errors
            ):
                self.add_error("delivery_address", "Укажите адрес доставки.")
        return data
