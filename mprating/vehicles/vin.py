"""VIN and frame numbers: checking what the client types and decoding what `vininfo` can.

Seed 004 «Оригинальный каталог»: «мы сразу переходим в модуль поиска по VIN-коду или
Frame-номеру». Two kinds of numbers are accepted in the garage:

- a VIN: 17 characters, Latin letters and digits without I, O and Q (ISO 3779). The 9th
  character is the check digit of North American VINs; many makers elsewhere (AvtoVAZ, most of
  Europe and Asia) do not compute it, so a failed check digit only warns;
- a frame number («номер кузова») of a Japanese-market car, which has no VIN: the model code of
  the body, a dash and the serial number, e.g. «GX110-6012345», «JZX100-0123456»,
  «NZE141-9012345». It cannot be decoded; the lookup continues by make and model.

Russian users often type Cyrillic letters that look like Latin ones («Х», «Т», «А»…): they are
read as the Latin letters they look like.
"""

import re
from dataclasses import dataclass, field

from vininfo import Vin
from vininfo.exceptions import ValidationError as VinInfoError

from mprating.core.errors import ApplicationError

KIND_VIN = "vin"
KIND_FRAME = "frame"

_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_VIN_CHARS = re.compile(r"^[A-Z0-9]{17}$")
# Model code (letters and digits, with at least one of each), optionally a second part of the
# code, then the serial number.
_FRAME = re.compile(r"^(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{2,8}(-[A-Z0-9]{1,6})?-\d{4,8}$")

MSG_BAD_LETTERS = (
    "В VIN не бывает букв I, O и Q — вероятно, это цифры 1 и 0. Проверьте номер ({letters})."
)
MSG_BAD_FORMAT = (
    "Введите VIN из 17 знаков (латинские буквы и цифры) или номер кузова японского "
    "автомобиля вида GX110-6012345."
)
MSG_CHECK_DIGIT = (
    "Контрольный знак VIN (9-й) не сходится. Многие производители вне Северной Америки его не "
    "используют, поэтому номер сохранён, но проверьте его ещё раз."
)


@dataclass(frozen=True)
class VinCheck:
    value: str  # the number as stored: upper case, no spaces
    kind: str  # KIND_VIN or KIND_FRAME
    warning: str = ""


def clean_number(text: str) -> str:
    """Upper case, Cyrillic look-alikes as Latin letters, no spaces; dashes kept for frames."""
    text = (text or "").upper().translate(_LOOKALIKES)
    return re.sub(r"\s+", "", text)


def check_vin_or_frame(text: str) -> VinCheck | None:
    """The checked number, or None for an empty field; ApplicationError when it is neither.

    Field «vin_or_frame», codes: `vin_bad_letters` (I, O, Q), `vin_bad_format`.
    """
    value = clean_number(text)
    if not value:
        return None
    plain = value.replace("-", "")
    if len(plain) == 17 and plain.isalnum() and plain.isascii():
        bad = sorted({char for char in plain if char in "IOQ"})
        if bad:
            raise ApplicationError(
                "vin_bad_letters",
                MSG_BAD_LETTERS.format(letters=", ".join(bad)),
                field="vin_or_frame",
            )
        if _VIN_CHARS.match(plain):
            try:
                vin = Vin(plain)
            except VinInfoError:  # pragma: no cover - the pattern above is vininfo's own
                raise ApplicationError(
                    "vin_bad_format", MSG_BAD_FORMAT, field="vin_or_frame"
                ) from None
            return VinCheck(value=plain, kind=KIND_VIN, warning=_check_digit_warning(vin))
    if _FRAME.match(value):
        return VinCheck(value=value, kind=KIND_FRAME)
    raise ApplicationError("vin_bad_format", MSG_BAD_FORMAT, field="vin_or_frame")


def _check_digit_warning(vin: Vin) -> str:
    if not getattr(vin.assembler, "uses_sae_checkdigit", True):
        return ""
    return "" if vin.verify_checksum(check_year=False) else MSG_CHECK_DIGIT


# ---- decoding ------------------------------------------------------------------------------

COUNTRIES_RU = {
    "Russia": "Россия",
    "Japan": "Япония",
    "South Korea": "Южная Корея",
    "China": "Китай",
    "Germany": "Германия",
    "France": "Франция",
    "Czech Republic": "Чехия",
    "Spain": "Испания",
    "Italy": "Италия",
    "United Kingdom": "Великобритания",
    "United States": "США",
    "Canada": "Канада",
    "Mexico": "Мексика",
    "Belgium": "Бельгия",
    "Sweden": "Швеция",
    "Turkey": "Турция",
    "Belarus": "Беларусь",
    "Kazakhstan": "Казахстан",
    "Uzbekistan": "Узбекистан",
    "Ukraine": "Украина",
    "Romania": "Румыния",
    "Slovakia": "Словакия",
    "Poland": "Польша",
    "Hungary": "Венгрия",
    "Brazil": "Бразилия",
    "India": "Индия",
    "Thailand": "Таиланд",
    "Austria": "Австрия",
    "Portugal": "Португалия",
}

# Spellings of one make: the manufacturer vininfo names, the makes of our reference and the
# names managers give special catalogs. Compared by `name_key`.
MAKE_SYNONYMS: list[tuple[str, ...]] = [
    ("AvtoVAZ", "Lada", "ВАЗ", "АвтоВАЗ", "Лада", "VAZ"),
    ("Volkswagen", "VW", "Фольксваген"),
    ("Škoda", "Skoda", "Шкода"),
    ("Kia", "Киа"),
    ("Hyundai", "Хендай", "Хёндай"),
    ("Renault", "Рено"),
    ("Nissan", "Ниссан"),
    ("Toyota", "Тойота"),
    ("Opel/Vauxhall", "Opel", "Vauxhall", "Опель"),
    ("Chevrolet", "Шевроле"),
    ("Mitsubishi", "Мицубиси"),
    ("Mercedes-Benz", "Mercedes", "Мерседес"),
    ("Chery", "Чери"),
    ("Geely", "Джили"),
    ("Haval", "Great Wall", "Хавейл"),
    ("UAZ", "УАЗ"),
    ("GAZ", "ГАЗ"),
]


def name_key(name: str) -> str:
    """«Škoda» → «skoda», «Lada (ВАЗ)» → «ladaваз»: lower case, letters and digits only."""
    text = (name or "").casefold().replace("š", "s").replace("ё", "е")
    return "".join(char for char in text if char.isalnum())


_SYNONYM_INDEX: dict[str, frozenset[str]] = {}
for _group in MAKE_SYNONYMS:
    _keys = frozenset(name_key(name) for name in _group)
    for _key in _keys:
        _SYNONYM_INDEX[_key] = _keys


def make_name_keys(name: str) -> set[str]:
    """Keys of every spelling of the make `name` (itself, its known synonyms, its parts).

    «Lada (ВАЗ)» gives the keys of «Lada (ВАЗ)», «Lada», «ВАЗ» and all their synonyms.
    """
    parts = [name, *re.split(r"[()/,]", name or "")]
    keys: set[str] = set()
    for part in parts:
        key = name_key(part)
        if key:
            keys.add(key)
            keys |= _SYNONYM_INDEX.get(key, frozenset())
    return keys


@dataclass(frozen=True)
class VinDecoded:
    """What `vininfo` reads from a VIN; empty values when it does not know."""

    vin: str
    manufacturer: str = ""
    brand: str = ""
    country: str = ""
    years: list[int] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    body: str = ""
    engine: str = ""
    transmission: str = ""
    plant: str = ""

    @property
    def make_names(self) -> list[str]:
        return [name for name in (self.manufacturer, self.brand) if name]

    @property
    def details(self) -> list[tuple[str, str]]:
        """Label and value of every decoded detail, for the lookup window."""
        rows = [
            ("Производитель", self.manufacturer),
            ("Марка", self.brand if self.brand != self.manufacturer else ""),
            ("Страна", self.country),
            ("Модельный год", ", ".join(str(year) for year in self.years)),
            ("Модель", ", ".join(self.models)),
            ("Кузов", self.body),
            ("Двигатель", self.engine),
            ("Коробка передач", self.transmission),
            ("Завод", self.plant),
        ]
        return [(label, value) for label, value in rows if value]


def _detail_names(details, name: str) -> list[str]:
    if details is None:
        return []
    value = getattr(details, name).name
    if not value:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def decode_vin(value: str) -> VinDecoded | None:
    """Decode a checked VIN; None for a frame number or anything vininfo refuses."""
    try:
        vin = Vin(value)
    except VinInfoError:
        return None
    manufacturer = vin.manufacturer
    if manufacturer == "UnsupportedBrand":
        manufacturer = ""
    brand = vin.brand.title if vin.brand.title != "UnsupportedBrand" else ""
    details = vin.details
    country = vin.country or ""

    def first(name: str) -> str:
        names = _detail_names(details, name)
        return names[0] if names else ""

    return VinDecoded(
        vin=vin.num,
        manufacturer=manufacturer,
        brand=brand,
        country=COUNTRIES_RU.get(country, country),
        years=sorted(vin.years, reverse=True),
        models=_detail_names(details, "model"),
        body=first("body"),
        engine=first("engine"),
        transmission=first("transmission"),
        plant=first("plant"),
    )
