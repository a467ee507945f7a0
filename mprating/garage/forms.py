"""Forms of the garage pages: they parse input; the rules live in `services`."""

from django import forms
from django.urls import reverse

from mprating.garage.models import ChatMessage, Vehicle
from mprating.garage.services import MAX_LINE_QUANTITY, MAX_LINES, LineData, VehicleData
from mprating.vehicles.selectors import (
    generation_years,
    generations_for_model,
    makes_list,
    models_for_make,
    modifications_for_generation,
)


def _int_or_none(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _select(
    label: str, placeholder: str, *, what: str, required: bool = True
) -> forms.TypedChoiceField:
    """A dependent select; `what` is the label in the accusative («Выберите марку.»)."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=required,
        choices=[("", placeholder)],
        error_messages={
            "required": f"Выберите {what}.",
            "invalid_choice": f"Выберите {what} из списка.",
        },
    )


class VehicleForm(forms.Form):
    """Seed 004: «все поля, кроме “Мощность двигателя” и “Комментарий”, являются селективными».

    Each select narrows the next (htmx loads the options without a reload): the choices of a
    select are the children of what is chosen in the previous one.
    """

    make = _select("Марка", "Выберите марку", what="марку")
    model = _select("Модель", "Сначала выберите марку", what="модель")
    generation = _select("Поколение", "Сначала выберите модель", what="поколение")
    modification = _select(
        "Модификация", "Сначала выберите поколение", what="модификацию", required=False
    )
    year = _select("Год выпуска", "Сначала выберите поколение", what="год выпуска", required=False)
    power_hp = forms.IntegerField(
        label="Мощность двигателя, л.с.",
        required=False,
        min_value=1,
        max_value=2000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "placeholder": "106"}),
        error_messages={
            "invalid": "Мощность — целое число лошадиных сил.",
            "min_value": "Мощность — не меньше 1 л.с.",
            "max_value": "Мощность — не больше 2000 л.с.",
        },
    )
    vin_or_frame = forms.CharField(
        label="VIN или номер кузова",
        required=False,
        max_length=32,
        help_text="17 знаков VIN или номер кузова японского автомобиля, например GX110-6012345.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "Например: машина жены, зимняя резина"}),
    )

    def __init__(self, *args, vehicle: Vehicle | None = None, **kwargs):
        if vehicle is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "make": vehicle.make_id,
                "model": vehicle.model_id,
                "generation": vehicle.generation_id,
                "modification": vehicle.modification_id,
                "year": vehicle.year,
                "power_hp": vehicle.power_hp,
                "vin_or_frame": vehicle.vin_or_frame,
                "comment": vehicle.comment,
            }
        super().__init__(*args, **kwargs)
        chosen = {name: _int_or_none(self._raw(name)) for name in ("make", "model", "generation")}
        self.fields["make"].choices = [("", "Выберите марку")] + [
            (m.pk, m.name) for m in makes_list()
        ]
        self._fill("model", models_for_make(chosen["make"]), chosen["make"], "Модель")
        self._fill(
            "generation",
            [(g.pk, f"{g.name} ({g.years})") for g in generations_for_model(chosen["model"])],
            chosen["model"],
            "Поколение",
        )
        self._fill(
            "modification",
            modifications_for_generation(chosen["generation"]),
            chosen["generation"],
            "Не знаю / не важно",
        )
        years = generation_years(chosen["generation"])
        self._fill("year", [(y, str(y)) for y in years], chosen["generation"], "Год выпуска")
        self._htmx()

    def _raw(self, name: str) -> object:
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def _fill(self, name: str, items: list, parent: int | None, placeholder: str) -> None:
        field = self.fields[name]
        if not parent:
            return
        pairs = [item if isinstance(item, tuple) else (item.pk, item.name) for item in items]
        field.choices = [("", placeholder), *pairs]

    def _htmx(self) -> None:
        levels = [
            ("make", "garage:options_models", "#id_model"),
            ("model", "garage:options_generations", "#id_generation"),
            ("generation", "garage:options_modifications", "#id_modification"),
        ]
        for name, url_name, target in levels:
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse(url_name),
                    "hx-target": target,
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                    "data-testid": f"select-{name}",
                }
            )
        self.fields["modification"].widget.attrs["data-testid"] = "select-modification"
        self.fields["year"].widget.attrs["data-testid"] = "select-year"

    def vehicle_data(self) -> VehicleData:
        data = self.cleaned_data
        return VehicleData(
            make_id=data["make"],
            model_id=data["model"],
            generation_id=data["generation"],
            modification_id=data.get("modification"),
            year=data.get("year"),
            power_hp=data.get("power_hp"),
            vin_or_frame=data.get("vin_or_frame", ""),
            comment=data.get("comment", ""),
        )


class VinLookupForm(forms.Form):
    vin = forms.CharField(
        label="VIN или номер кузова",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "XTAGFL110JY123456"}
        ),
        error_messages={"required": "Введите VIN или номер кузова."},
    )


class PartRow:
    """One row of the request form as typed, with its own errors."""

    def __init__(self, part_name: str = "", quantity: str = "1", note: str = "") -> None:
        self.part_name, self.quantity, self.note = part_name, quantity, note
        self.errors: list[str] = []

    @property
    def is_blank(self) -> bool:
        return not (self.part_name.strip() or self.note.strip())


class VinRequestForm:
    """The part rows («Добавить деталь» adds one) and the comment of «Создать VIN-запрос».

    Rows come as parallel lists `part_name` / `quantity` / `note`; fully blank rows are ignored.
    A row's mistake is shown next to that row and nothing is created.
    """

    def __init__(self, data=None) -> None:
        self.is_bound = data is not None
        self.comment = ""
        self.errors: list[str] = []
        self.comment_error = ""
        if data is None:
            self.rows = [PartRow()]
            return
        names, quantities = data.getlist("part_name"), data.getlist("quantity")
        notes = data.getlist("note")
        count = max(len(names), len(quantities), len(notes))
        self.rows = [
            PartRow(
                (names[i] if i < len(names) else "").strip(),
                (quantities[i] if i < len(quantities) else "").strip(),
                (notes[i] if i < len(notes) else "").strip(),
            )
            for i in range(count)
        ] or [PartRow()]
        self.comment = (data.get("comment") or "").strip()

    def is_valid(self) -> bool:
        filled = [row for row in self.rows if not row.is_blank]
        for row in filled:
            if not row.part_name:
                row.errors.append("Укажите наименование детали, например «масло моторное».")
            elif len(row.part_name) > 200:
                row.errors.append("Не длиннее 200 знаков.")
            quantity = _int_or_none(row.quantity) if row.quantity.isdigit() else None
            if quantity is None or quantity > MAX_LINE_QUANTITY:
                row.errors.append(f"Количество — целое число от 1 до {MAX_LINE_QUANTITY}.")
            if len(row.note) > 255:
                row.errors.append("Примечание — не длиннее 255 знаков.")
        if not filled:
            self.errors.append("Добавьте хотя бы одну деталь.")
        if len(filled) > MAX_LINES:
            self.errors.append(f"Не больше {MAX_LINES} деталей в одном запросе.")
        if len(self.comment) > 2000:
            self.comment_error = "Комментарий — не длиннее 2000 знаков."
        return not (self.errors or self.comment_error or any(row.errors for row in self.rows))

    def lines(self) -> list[LineData]:
        return [
            LineData(row.part_name, int(row.quantity), row.note)
            for row in self.rows
            if not row.is_blank
        ]


class ChatForm(forms.Form):
    text = forms.CharField(
        label="Сообщение",
        max_length=ChatMessage.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": ChatMessage.MAX_LENGTH, "placeholder": "Ваш вопрос"}
        ),
        error_messages={
            "required": "Напишите сообщение.",
            "max_length": (
                "Сообщение длиннее %(limit_value)d знаков (%(show_value)d): сократите его."
            ),
        },
    )
