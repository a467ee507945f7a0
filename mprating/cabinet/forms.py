"""The cabinet's own forms: they check the shape of input; the rules live in the services."""

from django import forms

from mprating.billing.models import PurchaseMethod

STALE = "Форма устарела: обновите страницу и купите пакет ещё раз."


class PackageBuyForm(forms.Form):
    package = forms.IntegerField(
        error_messages={"required": "Выберите пакет.", "invalid": "Выберите пакет."}
    )
    method = forms.ChoiceField(
        choices=PurchaseMethod.choices,
        error_messages={
            "required": "Выберите способ оплаты.",
            "invalid_choice": "Выберите способ оплаты.",
        },
    )
    idempotency_key = forms.UUIDField(error_messages={"required": STALE, "invalid": STALE})
