"""Loading the vehicle reference (марка → модель → поколение → модификация) from CSV.

Seed 004 «Автомобили»: a car in the garage is chosen select by select — «Марка», «Модель»,
«Поколение», «Модификация» — and its name is «Марка Модель Поколение». This module fills those
four tables from a flat CSV: the starter data set shipped in `vehicles/data/vehicles.csv` (loaded
by the data migration `0002_vehicle_reference` and by `manage.py load_vehicle_reference`) and any
later file in the same format.

Format: UTF-8 (a BOM is accepted), separator `;`, the first line holds the column names, one line
per modification:

    make;model;generation;year_from;year_to;modification;engine;volume_l;power_hp;fuel;body;
    drive;gearbox[;make_sort_order]

- `make`, `model`, `generation`, `modification` — names as commonly written in Russia (Lada, Kia,
  Škoda is written «Skoda»); generations are Roman numerals or the maker's code («XV70», «E90»),
  a facelift is «… рестайлинг»; a modification is «объём КПП мощность л.с.», e.g.
  «1.6 MT 106 л.с.», with «d» after a diesel volume, «hybrid» for a hybrid and «4WD» at the end
  for all-wheel drive. Required.
- `year_from` (required), `year_to` (empty = still made, «н. в.») — years of the generation;
  every row of one generation carries the same years.
- `engine` — engine code where it is well known (ВАЗ-21127, G4FC, 1ZR-FE), may be empty.
- `volume_l` — litres with one decimal (`1.6`, a comma is accepted); `power_hp` — whole
  horsepower. Both may be empty (an electric car has no volume).
- `fuel`: petrol, diesel, hybrid, electric, gas; `drive`: fwd, rwd, awd; `gearbox`: mt, at, amt,
  cvt — the codes of `Modification`'s choices (the Russian labels «бензин», «полный», «МКПП»…
  are accepted too). May be empty.
- `body` — body type(s) of the modification in Russian, comma-separated when the generation is
  sold in several («седан, хэтчбек»).
- `make_sort_order` (optional column, may be empty) — position of the make in lists, smaller is
  higher (Lada has 1: «ВАЗ первым»); empty leaves an existing make as it is and gives a new one
  the model's default.

Rules of a load: every row is checked first, and a single bad row stops the whole load with a
Russian message naming its line («Строка 12: …»), so nothing is written. Then, in one
transaction and with a constant number of queries per level (bulk reads, inserts and updates),
missing makes, models, generations and modifications are created and changed fields of existing
ones are updated; records absent from the file are kept (cars and applicability point at them).
Names are matched exactly (after trimming and collapsing spaces), so loading the same file twice
changes nothing, and rows created elsewhere by name (the catalog demo's get_or_create) are found,
not duplicated.

The same rules serve the back office import «Справочник автомобилей» (issue 5: «Managers import
more from CSV in the back office (same preview / report / re-import rules as price lists)»). The
import-job framework — upload, column mapping, preview, background task, report — is the
catalog's (`catalog/imports/`, which may import this app, never the reverse); it reads CSV or
XLSX with the columns mapped by the manager and hands the rows to `ImportRows` here, which checks
each row with `RowParser`, checks it against the rows before it with `ConsistencyCheck`, and
writes the good rows of a batch with `write_rows`; a bad row is rejected with the same message
instead of stopping the load. There a column left out of the mapping keeps the current values of
existing modifications (as an unmapped price-list column keeps the offer's), and a new
modification gets the field's empty value.

The loader takes the model classes as a parameter so that the data migration runs it on the
historical models (`ReferenceModels.from_apps(apps)`); the allowed codes are read from the
fields' choices of whichever models it is given.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from mprating.core.errors import ApplicationError

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "vehicles.csv"

COLUMNS = (
    "make",
    "model",
    "generation",
    "year_from",
    "year_to",
    "modification",
    "engine",
    "volume_l",
    "power_hp",
    "fuel",
    "body",
    "drive",
    "gearbox",
)
OPTIONAL_COLUMNS = ("make_sort_order",)
REQUIRED = ("make", "model", "generation", "year_from", "modification")
MAX_ERRORS = 50  # more would bury the first ones; the rest are summarised by their number
CHUNK = 500  # ids per IN (…) list: far below any backend's parameter limit
FIRST_YEAR = 1900
BUSY_MESSAGE = "Справочник в это же время меняет другая загрузка — повторите через минуту."
# The modification's own fields a row sets; a source without one of these columns keeps it.
MODIFICATION_FIELDS = ("engine", "volume_l", "power_hp", "fuel", "body", "drive", "gearbox")


class VehicleReferenceError(ApplicationError):
    """The file (or rows) cannot be loaded; `errors` are the per-row Russian messages."""

    def __init__(self, errors: list[str]) -> None:
        shown = errors[:MAX_ERRORS]
        message = "Справочник автомобилей не загружен, ничего не изменено.\n" + "\n".join(shown)
        if len(errors) > len(shown):
            message += f"\n…и ещё ошибок: {len(errors) - len(shown)}."
        super().__init__("vehicle_reference_invalid", message)
        self.errors = errors


@dataclass(frozen=True)
class ReferenceModels:
    make: Any
    vehicle_model: Any
    generation: Any
    modification: Any

    @classmethod
    def current(cls) -> ReferenceModels:
        from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

        return cls(Make, VehicleModel, Generation, Modification)

    @classmethod
    def from_apps(cls, apps) -> ReferenceModels:
        """The historical models of a migration's `apps`."""
        return cls(
            apps.get_model("vehicles", "Make"),
            apps.get_model("vehicles", "VehicleModel"),
            apps.get_model("vehicles", "Generation"),
            apps.get_model("vehicles", "Modification"),
        )


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ReferenceCounts:
    rows: int = 0
    makes: LevelCounts = field(default_factory=LevelCounts)
    models: LevelCounts = field(default_factory=LevelCounts)
    generations: LevelCounts = field(default_factory=LevelCounts)
    modifications: LevelCounts = field(default_factory=LevelCounts)
    # Per row (one row = one modification): new modification; existing one whose own fields,
    # generation's years or make's position changed; nothing changed.
    created_rows: int = 0
    updated_rows: int = 0
    unchanged_rows: int = 0

    def summary(self) -> str:
        parts = []
        for label, level in (
            ("марки", self.makes),
            ("модели", self.models),
            ("поколения", self.generations),
            ("модификации", self.modifications),
        ):
            parts.append(
                f"{label}: {level.total} (новых {level.created}, изменено {level.updated}, "
                f"без изменений {level.unchanged})"
            )
        return f"Справочник автомобилей, строк {self.rows}: " + "; ".join(parts) + "."


# ---- parsing and validation ---------------------------------------------------------------------


@dataclass
class VehicleRow:
    """One checked row: the names of the four levels and the typed values."""

    number: int
    make: str
    model: str
    generation: str
    year_from: int
    year_to: int | None
    modification: str
    values: dict[str, Any]  # the modification's own fields present in the source, typed
    make_sort_order: int | None


def _clean(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


def _read_csv(path: Path) -> Iterator[tuple[int, Mapping[str, str]]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VehicleReferenceError(
            [f"Файл {Path(path).name} не в кодировке UTF-8 (байт {exc.start})."]
        ) from exc
    except OSError as exc:
        raise VehicleReferenceError([f"Файл {path} не прочитан: {exc.strerror}."]) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    _check_header(reader.fieldnames)
    for row in reader:
        yield reader.line_num, row  # extra cells land under the key None


def _check_header(fieldnames: list[str] | None) -> None:
    if not fieldnames:
        raise VehicleReferenceError(["Файл пуст: в первой строке должны быть названия столбцов."])
    names = [_clean(name) for name in fieldnames]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing:
        problems.append("нет столбцов: " + ", ".join(missing))
    if unknown:
        problems.append("неизвестные столбцы: " + ", ".join(unknown))
    if problems:
        raise VehicleReferenceError(
            [
                "Строка 1 (заголовок): "
                + "; ".join(problems)
                + ". Ожидаются столбцы через «;»: "
                + ";".join(COLUMNS)
                + " (и необязательный make_sort_order)."
            ]
        )


def _choice_lookup(model, field_name: str) -> tuple[dict[str, str], str]:
    """Accepted spellings (code or Russian label, any case) → code, and the codes for messages."""
    choices = model._meta.get_field(field_name).choices
    lookup: dict[str, str] = {}
    for code, label in choices:
        lookup[str(code).lower()] = code
        lookup[str(label).lower()] = code
    codes = ", ".join(str(code) for code, _ in choices)
    labels = ", ".join(str(label) for _, label in choices)
    return lookup, f"{codes} (или {labels})"


LABELS = {
    "make": "марка",
    "model": "модель",
    "generation": "поколение",
    "modification": "модификация",
    "year_from": "год начала выпуска",
    "engine": "двигатель",
    "body": "кузов",
}
CHOICE_LABELS = {"fuel": "топливо", "drive": "привод", "gearbox": "КПП"}


class RowParser:
    """Checks one row against the limits of the given models; collects Russian problems.

    `columns` are the columns the source has (None: all of them, as a CSV of this format must);
    the modification's fields of the other columns are left out of `VehicleRow.values`, so the
    writer keeps their current values.
    """

    def __init__(
        self, models: ReferenceModels | None = None, *, columns: Iterable[str] | None = None
    ) -> None:
        models = models or ReferenceModels.current()
        self.present = frozenset(MODIFICATION_FIELDS if columns is None else columns)
        mod = models.modification
        self.choices = {name: _choice_lookup(mod, name) for name in CHOICE_LABELS}
        self.limits = {
            "make": models.make._meta.get_field("name").max_length,
            "model": models.vehicle_model._meta.get_field("name").max_length,
            "generation": models.generation._meta.get_field("name").max_length,
            "modification": mod._meta.get_field("name").max_length,
            "engine": mod._meta.get_field("engine").max_length,
            "body": mod._meta.get_field("body").max_length,
        }
        volume = mod._meta.get_field("volume_l")
        self.volume_max = Decimal(10) ** (volume.max_digits - volume.decimal_places)
        self.last_year = datetime.date.today().year + 1

    def parse(self, number: int, raw: Mapping[str, Any]) -> tuple[VehicleRow | None, list[str]]:
        """The typed row (None for a blank line or a bad row) and the problems found."""
        cells = {name: _clean(raw.get(name)) for name in COLUMNS + OPTIONAL_COLUMNS}
        if not any(cells.values()) and None not in raw:
            return None, []
        problems: list[str] = []
        if None in raw:
            problems.append("ячеек больше, чем столбцов (лишняя «;»?)")
        for name in REQUIRED:
            if not cells[name]:
                problems.append(f"не заполнено поле «{LABELS[name]}» ({name})")
        for name, limit in self.limits.items():
            if len(cells[name]) > limit:
                problems.append(f"«{LABELS[name]}» длиннее {limit} символов")

        year_from = self._year(cells["year_from"], "год начала выпуска (year_from)", problems)
        year_to = self._year(cells["year_to"], "год окончания выпуска (year_to)", problems)
        if year_from and year_to and year_to < year_from:
            problems.append(
                f"год окончания выпуска {year_to} раньше года начала {year_from} "
                "(пустой year_to — выпускается по настоящее время)"
            )
        values: dict[str, Any] = {
            "engine": cells["engine"],
            "volume_l": self._volume(cells["volume_l"], problems),
            "power_hp": self._whole(
                cells["power_hp"], 2000, problems, "мощность (power_hp)", "л.с. от 1 до 2000"
            ),
            "body": cells["body"],
        }
        for name, label in CHOICE_LABELS.items():
            lookup, codes = self.choices[name]
            values[name] = lookup.get(cells[name].lower(), "") if cells[name] else ""
            if cells[name] and not values[name]:
                problems.append(f"{label} ({name}) «{cells[name]}» — допустимо: {codes}")
        sort_order = None
        if cells["make_sort_order"]:
            sort_order = self._whole(
                cells["make_sort_order"],
                32767,
                problems,
                "порядок марки (make_sort_order)",
                "от 0 до 32767",
                allow_zero=True,
            )

        if problems:
            return None, problems
        values = {name: value for name, value in values.items() if name in self.present}
        return (
            VehicleRow(
                number=number,
                make=cells["make"],
                model=cells["model"],
                generation=cells["generation"],
                year_from=year_from,
                year_to=year_to,
                modification=cells["modification"],
                values=values,
                make_sort_order=sort_order,
            ),
            [],
        )

    def _year(self, text: str, label: str, problems: list[str]) -> int | None:
        if not text:
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= self.last_year:
            problems.append(f"{label} «{text}» — нужен год от {FIRST_YEAR} до {self.last_year}")
            return None
        return int(text)

    def _volume(self, text: str, problems: list[str]) -> Decimal | None:
        if not text:
            return None
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            value = None
        if (
            value is None
            or not value.is_finite()
            or not Decimal(0) < value < self.volume_max
            or value != value.quantize(Decimal("0.1"))
        ):
            problems.append(
                f"объём (volume_l) «{text}» — нужны литры с одним знаком после точки, например 1.6"
            )
            return None
        return value.quantize(Decimal("0.1"))

    @staticmethod
    def _whole(
        text: str,
        maximum: int,
        problems: list[str],
        label: str,
        expected: str,
        *,
        allow_zero: bool = False,
    ) -> int | None:
        if not text:
            return None
        if not text.isdigit() or int(text) > maximum or (int(text) == 0 and not allow_zero):
            problems.append(f"{label} «{text}» — нужно целое число {expected}")
            return None
        return int(text)


def _parse(
    numbered: Iterable[tuple[int, Mapping[str, Any]]], models: ReferenceModels
) -> tuple[list[VehicleRow], list[str]]:
    parser = RowParser(models)
    consistency = ConsistencyCheck()
    rows: list[VehicleRow] = []
    errors: list[str] = []
    for number, raw in numbered:
        parsed, problems = parser.parse(number, raw)
        if parsed is not None:
            problems = consistency.problems(parsed)
        if problems:
            errors.append(f"Строка {number}: " + "; ".join(problems) + ".")
        elif parsed is not None:
            rows.append(parsed)
    return rows, errors


class ConsistencyCheck:
    """One generation has one pair of years, a make one position, a modification one row.

    Rows are checked in file order against the accepted rows before them (a load of the whole
    file, or an import written batch by batch); a row with problems is not remembered, so it
    does not stand in the way of the rows after it.
    """

    def __init__(self) -> None:
        self.years: dict[tuple[str, str, str], VehicleRow] = {}
        self.sort_orders: dict[str, VehicleRow] = {}
        self.seen: dict[tuple[str, str, str, str], int] = {}

    def problems(self, row: VehicleRow) -> list[str]:
        problems: list[str] = []
        generation_key = (row.make, row.model, row.generation)
        first = self.years.get(generation_key)
        if first is not None and (first.year_from, first.year_to) != (row.year_from, row.year_to):
            problems.append(
                f"годы поколения «{' '.join(generation_key)}» "
                f"({row.year_from}–{row.year_to or 'н. в.'}) не совпадают со строкой "
                f"{first.number} ({first.year_from}–{first.year_to or 'н. в.'})"
            )
        other = self.sort_orders.get(row.make)
        if (
            row.make_sort_order is not None
            and other is not None
            and other.make_sort_order != row.make_sort_order
        ):
            problems.append(
                f"порядок марки «{row.make}» ({row.make_sort_order}) "
                f"не совпадает со строкой {other.number} ({other.make_sort_order})"
            )
        key = (*generation_key, row.modification)
        if key in self.seen:
            problems.append(f"модификация «{' '.join(key)}» уже есть в строке {self.seen[key]}")
        if not problems:
            self.years.setdefault(generation_key, row)
            if row.make_sort_order is not None:
                self.sort_orders.setdefault(row.make, row)
            self.seen[key] = row.number
        return problems


# ---- writing ------------------------------------------------------------------------------------


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _existing(model, parent_field: str | None, parent_ids: list[int]) -> dict[tuple, Any]:
    """Existing rows keyed by (parent id, name) — by name alone at the top level."""
    if parent_field is None:
        return {(obj.name,): obj for obj in model.objects.all()}
    found: dict[tuple, Any] = {}
    for chunk in _chunks(sorted(set(parent_ids))):
        for obj in model.objects.filter(**{f"{parent_field}_id__in": chunk}):
            found[(getattr(obj, f"{parent_field}_id"), obj.name)] = obj
    return found


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _upsert_level(
    model,
    *,
    parent_field: str | None,
    wanted: dict[tuple, dict[str, Any]],
    counts: LevelCounts,
    keep_if_none: frozenset[str] = frozenset(),
) -> tuple[dict[tuple, int], dict[tuple, str]]:
    """Create the missing rows and update changed fields; returns key → id and key → outcome.

    `wanted` maps (parent id, name) — or (name,) at the top — to the fields the file sets; None
    in a `keep_if_none` field means «leave as is» (a new row then gets the field's default), and
    a field missing from a row's dict is left as is too.
    """
    parent_ids = [key[0] for key in wanted] if parent_field else []
    existing = _existing(model, parent_field, parent_ids)
    to_create, to_update, changed_fields = [], [], set()
    outcomes: dict[tuple, str] = {}
    for key, fields in wanted.items():
        obj = existing.get(key)
        if obj is None:
            attrs = {name: value for name, value in fields.items() if value is not None}
            if parent_field:
                attrs[f"{parent_field}_id"] = key[0]
            to_create.append(model(name=key[-1], **attrs))
            outcomes[key] = CREATED
            continue
        diff = [
            name
            for name, value in fields.items()
            if not (value is None and name in keep_if_none) and getattr(obj, name) != value
        ]
        if diff:
            for name in diff:
                setattr(obj, name, fields[name])
            to_update.append(obj)
            changed_fields.update(diff)
            outcomes[key] = UPDATED
        else:
            counts.unchanged += 1
            outcomes[key] = UNCHANGED
    if to_create:
        model.objects.bulk_create(to_create, batch_size=CHUNK)
        counts.created += len(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=CHUNK)
        counts.updated += len(to_update)
    if to_create:
        # bulk_create does not return ids on every backend: read the level once more.
        existing = _existing(model, parent_field, parent_ids)
    return {key: existing[key].pk for key in wanted}, outcomes


def _numbered(source) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if isinstance(source, str | Path):
        yield from _read_csv(Path(source))
        return
    yield from enumerate(source, start=2)  # line 1 is the header in a spreadsheet


@transaction.atomic
def _write(rows: list[VehicleRow], models: ReferenceModels) -> ReferenceCounts:
    """Level by level, parents first: each level is one read, one insert, one update, one read."""
    counts = ReferenceCounts(rows=len(rows))
    makes: dict[str, dict[str, Any]] = {}
    for row in rows:
        fields = makes.setdefault(row.make, {"sort_order": None})
        if row.make_sort_order is not None:
            fields["sort_order"] = row.make_sort_order
    make_ids, make_outcomes = _upsert_level(
        models.make,
        parent_field=None,
        wanted={(name,): fields for name, fields in makes.items()},
        counts=counts.makes,
        keep_if_none=frozenset({"sort_order"}),
    )

    model_keys = {(make_ids[(row.make,)], row.model): {} for row in rows}
    model_ids, _ = _upsert_level(
        models.vehicle_model, parent_field="make", wanted=model_keys, counts=counts.models
    )

    generations: dict[tuple, dict[str, Any]] = {}
    modifications: dict[tuple, tuple[tuple, dict[str, Any]]] = {}
    row_keys: list[tuple[tuple, tuple, tuple]] = []  # per row: make, generation, modification
    for row in rows:
        model_id = model_ids[(make_ids[(row.make,)], row.model)]
        generation_key = (model_id, row.generation)
        generations[generation_key] = {"year_from": row.year_from, "year_to": row.year_to}
        modifications[(model_id, row.generation, row.modification)] = (generation_key, row.values)
        row_keys.append(((row.make,), generation_key, (model_id, row.generation, row.modification)))
    generation_ids, generation_outcomes = _upsert_level(
        models.generation, parent_field="model", wanted=generations, counts=counts.generations
    )
    _, modification_outcomes = _upsert_level(
        models.modification,
        parent_field="generation",
        wanted={
            (generation_ids[generation_key], name): values
            for (_, _, name), (generation_key, values) in modifications.items()
        },
        counts=counts.modifications,
    )

    for make_key, generation_key, (_, _, name) in row_keys:
        outcome = modification_outcomes[(generation_ids[generation_key], name)]
        if outcome == CREATED:
            counts.created_rows += 1
        elif UPDATED in (outcome, generation_outcomes[generation_key], make_outcomes[make_key]):
            counts.updated_rows += 1
        else:
            counts.unchanged_rows += 1
    return counts


def write_rows(rows: list[VehicleRow], *, models: ReferenceModels | None = None) -> ReferenceCounts:
    """Create / update the reference from checked rows, in one transaction.

    The rows must have passed `RowParser` and, together, `ConsistencyCheck` (one row per
    modification, one pair of years per generation). A constant number of queries whatever
    the number of rows. Raises `ApplicationError` («vehicle_reference_busy») when a load
    running at the same moment took a name first.
    """
    models = models or ReferenceModels.current()
    try:
        return _write(rows, models)
    except IntegrityError as exc:
        # Only a load running at the same moment can break a unique constraint here.
        raise ApplicationError("vehicle_reference_busy", BUSY_MESSAGE) from exc


def load_reference(
    source: str | Path | Iterable[Mapping[str, Any]] = DEFAULT_PATH,
    *,
    stdout=None,
    models: ReferenceModels | None = None,
) -> ReferenceCounts:
    """Check every row, then create / update the reference in one transaction.

    `source` is a CSV path (format in the module docstring) or mappings with the same keys,
    numbered from 2 as lines of a file with a header. Raises `VehicleReferenceError` with
    «Строка N: …» messages and writes nothing when any row is bad.
    """
    models = models or ReferenceModels.current()
    rows, errors = _parse(_numbered(source), models)
    if errors:
        raise VehicleReferenceError(errors)
    if not rows:
        raise VehicleReferenceError(["В файле нет ни одной строки с данными."])

    try:
        counts = write_rows(rows, models=models)
    except ApplicationError as exc:
        raise VehicleReferenceError([exc.message]) from exc
    if stdout is not None:
        stdout.write(counts.summary() + "\n")
    return counts


# ---- the back office import ---------------------------------------------------------------------

# Needed on top of the right to run catalog imports: an import creates and changes the reference.
IMPORT_PERMISSIONS = tuple(
    f"vehicles.{verb}_{model}"
    for model in ("make", "vehiclemodel", "generation", "modification")
    for verb in ("add", "change")
)


class RowRejected(Exception):
    """A row of an import that is not loaded; `reason` is one Russian sentence for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[:1].upper() + text[1:] + "."


class ImportRows:
    """The rows of one back office import «Справочник автомобилей»: their checks and writer.

    The catalog's import framework reads the file and maps its columns; it gives this object the
    cells of each row by field name (`COLUMNS`, `OPTIONAL_COLUMNS`), in file order. The object
    lives for the whole job, so `check` compares a row with every accepted row before it, across
    batches (one pair of years per generation, one row per modification). `columns` are the
    fields that have a column: a field without one keeps the current value of an existing
    modification. Unlike `load_reference`, a bad row is rejected with its reason
    (`RowRejected`) and the others go in.
    """

    permissions = IMPORT_PERMISSIONS

    def __init__(self, columns: Iterable[str], *, models: ReferenceModels | None = None) -> None:
        self.models = models or ReferenceModels.current()
        self.parser = RowParser(self.models, columns=columns)
        self.consistency = ConsistencyCheck()

    def parse(self, cells: Mapping[str, Any]) -> VehicleRow:
        """The row checked on its own, without the database; raises `RowRejected`."""
        row, problems = self.parser.parse(0, cells)
        if problems:
            raise RowRejected(_sentence(problems))
        if row is None:
            raise RowRejected("В выбранных столбцах строка пустая.")
        return row

    def check(self, number: int, cells: Mapping[str, Any]) -> VehicleRow:
        """The row checked on its own and against the accepted rows above it."""
        row = replace(self.parse(cells), number=number)
        problems = self.consistency.problems(row)
        if problems:
            raise RowRejected(_sentence(problems))
        return row

    def write(self, rows: list[VehicleRow]) -> ReferenceCounts:
        """Write checked rows (`check`) in one transaction; see `write_rows`."""
        return write_rows(rows, models=self.models)
