"""What each kind of import file holds, and how one cell becomes a value.

Headers are guessed from Russian or English spellings (issue 3: «Бренд/Brand,
Артикул/Article/Номер, …»); the manager confirms or fixes the guess on the mapping page. Every
parser raises `RowError` with the Russian reason that lands in the report next to the row.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mprating.core.tabular import find_columns, parse_decimal
from mprating.vehicles.models import Modification


class RowError(Exception):
    """A row cannot be loaded; `reason` is shown to the manager as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    spellings: tuple[str, ...]
    required: bool = False
    help: str = ""


PRICE_LIST_FIELDS = (
    Field("brand", "Бренд", ("Бренд", "Brand", "Производитель", "Марка", "Manufacturer"), True),
    Field(
        "article",
        "Артикул",
        ("Артикул", "Article", "Номер", "Код", "Номер детали", "Part number", "Number", "OEM"),
        True,
    ),
    Field("name", "Наименование", ("Наименование", "Name", "Название", "Описание", "Description")),
    Field("price", "Цена", ("Цена", "Price", "Цена, руб", "Цена руб", "Стоимость"), True),
    Field(
        "quantity",
        "Остаток",
        ("Количество", "Остаток", "Qty", "Stock", "Quantity", "Наличие", "Кол-во", "Кол"),
        True,
    ),
    Field(
        "delivery_days",
        "Срок поставки, дн.",
        ("Срок", "Срок поставки", "Days", "Delivery", "Delivery days", "Срок, дн", "Дней"),
    ),
    Field(
        "min_order_quantity",
        "Мин. заказ",
        ("Мин. заказ", "Минимальный заказ", "Кратность", "Min order", "MOQ", "Min qty"),
    ),
    Field(
        "return_days",
        "Возврат, дней",
        ("Возврат дней", "Возврат, дней", "Срок возврата", "Return days", "Возврат"),
    ),
    Field(
        "non_returnable",
        "Невозвратный",
        ("Невозвратный", "Невозвратная", "Без возврата", "Non returnable", "Nonreturnable"),
        help="«да», «1», «+» — товар нельзя вернуть",
    ),
    Field(
        "return_deduction_percent",
        "Удержание при возврате, %",
        ("Удержание", "Удержание при возврате", "Удержание, %", "Return fee", "Deduction"),
    ),
)

CROSS_FIELDS = (
    Field("brand_1", "Бренд 1", ("Бренд 1", "Бренд1", "Brand 1", "Brand1", "Бренд"), True),
    Field(
        "article_1",
        "Артикул 1",
        ("Артикул 1", "Артикул1", "Article 1", "Article1", "Номер 1", "Артикул"),
        True,
    ),
    Field(
        "brand_2",
        "Бренд 2",
        ("Бренд 2", "Бренд2", "Brand 2", "Brand2", "Бренд аналога", "Cross brand"),
        True,
    ),
    Field(
        "article_2",
        "Артикул 2",
        ("Артикул 2", "Артикул2", "Article 2", "Article2", "Номер 2", "Артикул аналога"),
        True,
    ),
    Field("source", "Источник", ("Источник", "Source")),
)

CATEGORY_FIELDS = (
    Field("code", "Код", ("Код", "Code", "Код категории"), True),
    Field("name", "Название", ("Название", "Name", "Категория", "Наименование"), True),
    Field(
        "parent_code",
        "Код родителя",
        ("Код родителя", "Родитель", "Parent", "Parent code", "Родительская категория"),
    ),
    Field("sort_order", "Порядок", ("Порядок", "Sort", "Сортировка", "Order")),
)

APPLICABILITY_FIELDS = (
    Field("brand", "Бренд", ("Бренд", "Brand", "Производитель"), True),
    Field("article", "Артикул", ("Артикул", "Article", "Номер"), True),
    Field("make", "Марка", ("Марка", "Make", "Марка автомобиля"), True),
    Field("model", "Модель", ("Модель", "Model"), True),
    Field("generation", "Поколение", ("Поколение", "Generation", "Кузов"), True),
    Field("modification", "Модификация", ("Модификация", "Modification", "Двигатель"), True),
)


def _choices_help(choices) -> str:
    return "; ".join(f"{label} ({code})" for code, label in choices)


# Issue 5 «Vehicle reference»: the columns of `vehicles/reference.py` (their English names are
# spellings too, so a file of the loader's own format maps by itself). Whether a value is good is
# decided there (`ImportRows`), not here.
VEHICLE_FIELDS = (
    Field("make", "Марка", ("Марка", "Make", "Марка автомобиля", "make"), True),
    Field("model", "Модель", ("Модель", "Model", "model"), True),
    Field("generation", "Поколение", ("Поколение", "Generation", "generation"), True),
    Field(
        "year_from",
        "Год с",
        ("Год с", "Year from", "Выпуск с", "Год начала", "Начало выпуска", "year_from"),
        True,
    ),
    Field(
        "year_to",
        "Год по",
        ("Год по", "Year to", "Выпуск по", "Год окончания", "Конец выпуска", "year_to"),
        True,
        help="Пустая ячейка — поколение выпускается по настоящее время.",
    ),
    Field(
        "modification",
        "Модификация",
        ("Модификация", "Modification", "modification"),
        True,
        help="Например, «1.6 MT 106 л.с.».",
    ),
    Field(
        "engine",
        "Двигатель",
        ("Двигатель", "Engine", "Код двигателя", "Engine code", "engine"),
        help="Код двигателя: ВАЗ-21129, G4FC.",
    ),
    Field(
        "volume_l",
        "Объём, л",
        ("Объём", "Объём, л", "Объём двигателя", "Volume", "volume_l"),
        help="Литры с одним знаком после запятой: 1.6 или 1,6.",
    ),
    Field(
        "power_hp",
        "Мощность, л.с.",
        ("Мощность", "Мощность, л.с.", "Power", "Power hp", "power_hp"),
        help="Целое число лошадиных сил.",
    ),
    Field(
        "fuel",
        "Топливо",
        ("Топливо", "Fuel", "Тип топлива", "fuel"),
        help=_choices_help(Modification.Fuel.choices),
    ),
    Field("body", "Кузов", ("Кузов", "Body", "Тип кузова", "body"), help="Например, «седан»."),
    Field(
        "drive",
        "Привод",
        ("Привод", "Drive", "drive"),
        help=_choices_help(Modification.Drive.choices),
    ),
    Field(
        "gearbox",
        "КПП",
        ("КПП", "Gearbox", "Коробка", "Коробка передач", "Transmission", "gearbox"),
        help=_choices_help(Modification.Gearbox.choices),
    ),
    Field(
        "make_sort_order",
        "Порядок марки",
        ("Порядок марки", "Make sort order", "make_sort_order"),
        help="Место марки в списках, меньше — выше; пусто — не менять.",
    ),
)


def guess_mapping(headers: list[str], fields: tuple[Field, ...]) -> dict[str, int]:
    """Columns by their headers; a column is used for one field only (first spelling wins)."""
    found = find_columns(headers, {f.name: (f.label, *f.spellings) for f in fields}, required=())
    used: set[int] = set()
    mapping: dict[str, int] = {}
    for field in fields:
        index = found.get(field.name)
        if index is not None and index not in used:
            mapping[field.name] = index
            used.add(index)
    return mapping


# ---- cell parsers -----------------------------------------------------------------------------

MAX_PRICE = Decimal("9999999999.99")
MAX_COUNT = 2_147_483_647
MAX_SMALL = 32_767
_KOPECK = Decimal("0.01")
_COUNT_NOISE = re.compile(r"^(?:>|≥|более|больше|свыше|от)\s*|\s*(?:\+|шт\.?|штук)$", re.I)
_DAYS_NOISE = re.compile(r"\s*(?:дн\.?|дня|дней|день|days?|d)$", re.I)
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_YES = {
    "да",
    "1",
    "+",
    "yes",
    "y",
    "true",
    "истина",
    "невозвратный",
    "невозвратная",
    "нет возврата",
}
_NO = {"нет", "0", "-", "no", "n", "false", "ложь", ""}


def required_text(text: str, label: str, max_length: int) -> str:
    if not text:
        raise RowError(f"Не заполнено поле «{label}».")
    if len(text) > max_length:
        raise RowError(f"«{label}» длиннее {max_length} символов.")
    return text


def price(text: str, label: str = "Цена") -> Decimal:
    if not text:
        raise RowError(f"Не заполнено поле «{label}».")
    value = parse_decimal(text)
    if value is None:
        raise RowError(f"{label} «{text}» — не число.")
    if value < 0:
        raise RowError(f"{label} не может быть отрицательной: «{text}».")
    if value > MAX_PRICE:
        raise RowError(f"{label} слишком большая: «{text}».")
    return value.quantize(_KOPECK, rounding=ROUND_HALF_UP)


def count(
    text: str, label: str, *, default: int | None, minimum: int = 0, maximum: int = MAX_COUNT
) -> int:
    """A whole number of pieces or days; «>10», «10+», «10 шт.» mean 10; blank → default."""
    if not text:
        if default is None:
            raise RowError(f"Не заполнено поле «{label}».")
        return default
    cleaned = _COUNT_NOISE.sub("", text.strip())
    value = parse_decimal(cleaned)
    if value is None or value != value.to_integral_value():
        raise RowError(f"{label} «{text}» — не целое число.")
    if value < minimum:
        if minimum == 0:
            raise RowError(f"{label} не может быть отрицательным: «{text}».")
        raise RowError(f"{label} должен быть не меньше {minimum}: «{text}».")
    if value > maximum:
        raise RowError(f"{label} слишком большое: «{text}».")
    return int(value)


def days(text: str, label: str, *, default: int) -> int:
    """Days: «3», «3 дн.», a range «2-4» counts as its upper bound (the promise we can keep)."""
    cleaned = _DAYS_NOISE.sub("", (text or "").strip())
    matched = _RANGE.match(cleaned)
    if matched:
        cleaned = matched.group(2)
    return count(cleaned, label, default=default, maximum=MAX_SMALL) if cleaned else default


def flag(text: str, label: str) -> bool:
    key = (text or "").strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise RowError(f"{label}: «{text}» — укажите «да» или «нет».")


def percent(text: str, label: str) -> Decimal:
    if not text:
        return Decimal("0")
    value = parse_decimal(text.rstrip("%").strip())
    if value is None:
        raise RowError(f"{label} «{text}» — не число.")
    if not Decimal("0") <= value <= Decimal("100"):
        raise RowError(f"{label} должно быть от 0 до 100: «{text}».")
    return value.quantize(_KOPECK, rounding=ROUND_HALF_UP)
