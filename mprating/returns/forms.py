"""The cabinet form «Создать возврат»: it only parses input; the rules are the services'."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from mprating.returns.selectors import reasons_offered


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name; the checks (count, size, image) are `photos.photos_check`."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


class ReturnForm(forms.Form):
    quantity = forms.IntegerField(
        label="Количество, шт.",
        min_value=1,
        error_messages={
            "required": "Укажите количество.",
            "invalid": "Укажите количество целым числом.",
            "min_value": "Количество — не меньше 1.",
        },
    )
    reason = forms.ModelChoiceField(
        label="Причина",
        queryset=reasons_offered(),
        empty_label="— выберите причину —",
        error_messages={
            "required": "Выберите причину возврата.",
            "invalid_choice": "Выберите причину возврата.",
        },
    )
    description = forms.CharField(
        label="Описание",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Что не так с товаром: клиенту и менеджеру проще договориться.",
        error_messages={"max_length": "Описание — не длиннее %(limit_value)d символов."},
    )
    photos = PhotosField(label="Фото", required=False)

    def __init__(self, *args, available: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        quantity = self.fields["quantity"]
        quantity.max_value = available
        quantity.validators.append(
            MaxValueValidator(available, message=f"Вернуть можно не больше {available} шт.")
        )
        quantity.widget.attrs.update({"min": 1, "max": available, "inputmode": "numeric"})
        self.fields["photos"].widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp", "multiple": True}
        )
        self.fields["photos"].help_text = (
            f"До {settings.RETURNS_MAX_PHOTOS} снимков JPEG, PNG или WebP, "
            f"каждый до {settings.RETURNS_MAX_PHOTO_MB} МБ."
        )
