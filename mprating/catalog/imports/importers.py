"""One importer per kind of file: parse a row, write a batch of rows with bulk operations.

The runner (`runner.py`) feeds batches of `(row_number, values)` and stores what comes back;
an importer never sees the whole file (except the category tree, which is small by nature and
must be checked for cycles as a whole). Every rejected row carries a Russian reason.
"""

import contextlib
import re
from dataclasses import dataclass, field

from django.utils import timezone

from mprating.catalog.imports import fields as f
from mprating.catalog.imports.fields import RowError
from mprating.catalog.imports.lookups import (
    BrandCache,
    ProductKey,
    existing_products,
    products_get_or_create,
)
from mprating.catalog.models import (
    Applicability,
    Category,
    CrossLink,
    ImportJob,
    Offer,
)
from mprating.catalog.normalize import normalize_article, normalize_brand
from mprating.catalog.services import cross_pair
from mprating.vehicles import reference
from mprating.vehicles.models import Modification

Row = tuple[int, list[str]]


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)

    def reject(self, number: int, reason: str, values: list[str]) -> None:
        self.rejected.append((number, reason, values))


class Importer:
    fields: tuple[f.Field, ...] = ()
    batch_size = 2000
    # The whole file in one batch (category tree); larger files are refused.
    max_rows: int | None = None
    # Needed on top of `catalog.add_importjob` to upload, map, start or restart this kind.
    permissions: tuple[str, ...] = ()

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.mapping: dict[str, int] = {k: int(v) for k, v in (job.column_map or {}).items()}

    # ---- mapping ----------------------------------------------------------------------------

    def mapping_errors(self) -> list[str]:
        width = len(self.job.headers or [])
        errors = []
        for spec in self.fields:
            index = self.mapping.get(spec.name)
            if index is None:
                if spec.required:
                    errors.append(f"Не выбран столбец для поля «{spec.label}».")
            elif not 0 <= index < width:
                errors.append(f"Столбца для поля «{spec.label}» нет в файле.")
        used = list(self.mapping.values())
        if len(used) != len(set(used)):
            errors.append("Один столбец выбран для нескольких полей.")
        return errors

    def cell(self, values: list[str], name: str) -> str:
        index = self.mapping.get(name)
        if index is None or index >= len(values):
            return ""
        return values[index]

    def mapped(self, name: str) -> bool:
        return name in self.mapping

    # ---- rows -------------------------------------------------------------------------------

    def parse(self, values: list[str]) -> dict:
        """The row's values, checked without the database; raises RowError."""
        raise NotImplementedError

    def check(self, number: int, values: list[str]) -> None:
        """The preview's check of a row (rows are given in file order); raises RowError."""
        self.parse(values)

    def process(self, rows: list[Row]) -> BatchResult:
        raise NotImplementedError

    def replay(self, rows: list[Row]) -> None:
        """Rows a worker that died had already committed, seen again before the job continues
        after them: nothing is written; an importer that remembers rows across batches
        rebuilds that memory here."""

    def finish(self) -> dict:
        """Work after the last batch (in its own transaction); extra job fields to save."""
        return {}

    def _article(self, values: list[str], name: str, label: str) -> tuple[str, str]:
        article = f.required_text(self.cell(values, name), label, 64)
        key = normalize_article(article)
        if not key:
            raise RowError(f"{label} «{article}» не содержит букв или цифр.")
        return article, key

    def _brand(self, values: list[str], name: str, label: str) -> str:
        brand = f.required_text(self.cell(values, name), label, 100)
        if not normalize_brand(brand):
            raise RowError(f"{label} «{brand}» не содержит букв или цифр.")
        return brand

    def _parse_all(self, rows: list[Row], result: BatchResult) -> list[tuple[int, dict, list]]:
        parsed = []
        for number, values in rows:
            try:
                parsed.append((number, self.parse(values), values))
            except RowError as error:
                result.reject(number, error.reason, values)
        return parsed


class PriceListImporter(Importer):
    """Offers of one warehouse, upserted on (product, warehouse).

    An unknown brand is created (a new supplier brings new brands), a blank one is a rejection.
    A column that is not mapped keeps the offer's current value; a blank cell in a mapped
    column means the default. Every offer the file names gets `updated_at` = the start of the
    run: that marks rows repeated further down the file and, with «обнулить остаток», the
    positions of the warehouse that the file no longer has.
    """

    fields = f.PRICE_LIST_FIELDS
    OPTIONAL = {
        "delivery_days": "delivery_days",
        "min_order_quantity": "min_order_quantity",
        "return_days": "return_days",
        "non_returnable": "is_returnable",
        "return_deduction_percent": "return_deduction_percent",
    }

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.brands: BrandCache | None = None
        self.mark = job.started_at or timezone.now()
        self.compared = ["price", "quantity"] + [
            model_field for name, model_field in self.OPTIONAL.items() if self.mapped(name)
        ]

    def parse(self, values: list[str]) -> dict:
        row = {
            "brand": self._brand(values, "brand", "Бренд"),
            "article": self._article(values, "article", "Артикул"),
            "name": self.cell(values, "name")[:255],
            "price": f.price(self.cell(values, "price")),
            "quantity": f.count(self.cell(values, "quantity"), "Остаток", default=None),
            "delivery_days": f.days(self.cell(values, "delivery_days"), "Срок поставки", default=0),
            "min_order_quantity": f.count(
                self.cell(values, "min_order_quantity"), "Мин. заказ", default=1, minimum=1
            ),
            "return_days": f.days(self.cell(values, "return_days"), "Срок возврата", default=14),
            "is_returnable": not f.flag(self.cell(values, "non_returnable"), "Невозвратный"),
            "return_deduction_percent": f.percent(
                self.cell(values, "return_deduction_percent"), "Удержание при возврате"
            ),
        }
        return row

    def process(self, rows: list[Row]) -> BatchResult:
        if self.brands is None:
            self.brands = BrandCache()
        result = BatchResult()
        parsed = self._parse_all(rows, result)
        if self.job.zero_missing and result.rejected:
            self._keep_rejected_positions(result.rejected)

        wanted: dict[ProductKey, tuple[str, str]] = {}
        keyed = []
        for number, row, values in parsed:
            key = (self.brands.get_or_create(row["brand"]), row["article"][1])
            wanted.setdefault(key, (row["article"][0], row["name"]))
            keyed.append((number, key, row, values))
        product_ids = products_get_or_create(wanted)

        current = {
            o["product_id"]: o
            for o in Offer.objects.filter(
                warehouse_id=self.job.warehouse_id, product_id__in=set(product_ids.values())
            ).values("product_id", "updated_at", *self.compared)
        }
        first_row: dict[int, int] = {}
        offers = []
        for number, key, row, values in keyed:
            product_id = product_ids[key]
            if product_id in first_row:
                result.reject(
                    number,
                    f"Этот товар уже есть в строке {first_row[product_id]} — строка пропущена.",
                    values,
                )
                continue
            old = current.get(product_id)
            if old is not None and old["updated_at"] == self.mark:
                result.reject(number, "Этот товар уже был выше в файле — строка пропущена.", values)
                continue
            first_row[product_id] = number
            if old is None:
                result.created += 1
            elif all(old[name] == row[name] for name in self.compared):
                result.unchanged += 1
            else:
                result.updated += 1
            offers.append(
                Offer(
                    product_id=product_id,
                    warehouse_id=self.job.warehouse_id,
                    updated_at=self.mark,
                    **{name: row[name] for name in self.all_fields},
                )
            )
        if offers:
            Offer.objects.bulk_create(
                offers,
                update_conflicts=True,
                unique_fields=["product", "warehouse"],
                update_fields=[*self.compared, "updated_at"],
                batch_size=1000,
            )
        return result

    all_fields = (
        "price",
        "quantity",
        "delivery_days",
        "min_order_quantity",
        "return_days",
        "is_returnable",
        "return_deduction_percent",
    )

    def _keep_rejected_positions(self, rejected: list[tuple[int, str, list[str]]]) -> None:
        """A row that failed on its price or stock is still in the file: do not zero it."""
        keys = set()
        for _, _, values in rejected:
            try:
                brand_id = self.brands.get(self._brand(values, "brand", "Бренд"))
                article = self._article(values, "article", "Артикул")[1]
            except RowError:
                continue
            if brand_id is not None:
                keys.add((brand_id, article))
        ids = [pk for pk, _ in existing_products(keys).values()]
        if ids:
            Offer.objects.filter(warehouse_id=self.job.warehouse_id, product_id__in=ids).exclude(
                updated_at=self.mark
            ).update(updated_at=self.mark)

    def finish(self) -> dict:
        if not self.job.zero_missing:
            return {}
        zeroed = (
            Offer.objects.filter(warehouse_id=self.job.warehouse_id, updated_at__lt=self.mark)
            .exclude(quantity=0)
            .update(quantity=0, updated_at=timezone.now())
        )
        return {"zeroed_count": zeroed}


class CrossImporter(Importer):
    """Cross-references: pairs stored once in id order, so «A = B» and «B = A» are one row.

    Both brands must be known (by name or alias): a cross list must not invent brands from
    typos. Products of known brands are created on demand. A pair that exists already, or
    repeats in the file, counts as «без изменений».
    """

    fields = f.CROSS_FIELDS
    batch_size = 5000

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.brands: BrandCache | None = None
        self.default_source = job.original_name[:100]

    def parse(self, values: list[str]) -> dict:
        return {
            "brand_1": self._brand(values, "brand_1", "Бренд 1"),
            "article_1": self._article(values, "article_1", "Артикул 1"),
            "brand_2": self._brand(values, "brand_2", "Бренд 2"),
            "article_2": self._article(values, "article_2", "Артикул 2"),
            "source": self.cell(values, "source")[:100] or self.default_source,
        }

    def process(self, rows: list[Row]) -> BatchResult:
        if self.brands is None:
            self.brands = BrandCache()
        result = BatchResult()
        wanted: dict[ProductKey, tuple[str, str]] = {}
        keyed = []
        for number, row, values in self._parse_all(rows, result):
            first = self.brands.get(row["brand_1"])
            second = self.brands.get(row["brand_2"])
            unknown = [b for b, pk in ((row["brand_1"], first), (row["brand_2"], second)) if not pk]
            if unknown:
                result.reject(
                    number,
                    f"Бренд «{unknown[0]}» не найден в справочнике: добавьте бренд или его "
                    "синоним и загрузите файл ещё раз.",
                    values,
                )
                continue
            key_1, key_2 = (first, row["article_1"][1]), (second, row["article_2"][1])
            if key_1 == key_2:
                result.reject(number, "Товар указан аналогом самого себя.", values)
                continue
            wanted.setdefault(key_1, (row["article_1"][0], ""))
            wanted.setdefault(key_2, (row["article_2"][0], ""))
            keyed.append((key_1, key_2, row["source"]))
        product_ids = products_get_or_create(wanted)

        pairs: dict[tuple[int, int], str] = {}
        for key_1, key_2, source in keyed:
            pair = cross_pair(product_ids[key_1], product_ids[key_2])
            if pair in pairs:
                result.unchanged += 1
            else:
                pairs[pair] = source
        if pairs:
            existing = set(
                CrossLink.objects.filter(
                    product_a_id__in={a for a, _ in pairs}, product_b_id__in={b for _, b in pairs}
                ).values_list("product_a_id", "product_b_id")
            )
            new = [pair for pair in pairs if pair not in existing]
            result.unchanged += len(pairs) - len(new)
            result.created += len(new)
            CrossLink.objects.bulk_create(
                [CrossLink(product_a_id=a, product_b_id=b, source=pairs[(a, b)]) for a, b in new],
                ignore_conflicts=True,
                batch_size=2500,
            )
        return result


_SPACES = re.compile(r"\s+")


def _car_key(*parts: str) -> tuple[str, ...]:
    return tuple(_SPACES.sub(" ", p).strip().lower() for p in parts)


class ApplicabilityImporter(Importer):
    """Product × modification. Nothing is invented: the car and the product must exist."""

    fields = f.APPLICABILITY_FIELDS

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.brands: BrandCache | None = None
        self.cars: dict[tuple[str, ...], int] | None = None

    def parse(self, values: list[str]) -> dict:
        row = {
            "brand": self._brand(values, "brand", "Бренд"),
            "article": self._article(values, "article", "Артикул"),
        }
        for name, label in (
            ("make", "Марка"),
            ("model", "Модель"),
            ("generation", "Поколение"),
            ("modification", "Модификация"),
        ):
            row[name] = f.required_text(self.cell(values, name), label, 100)
        return row

    def _load_cars(self) -> None:
        self.cars = {}
        self.known: set[tuple[str, ...]] = set()
        rows = Modification.objects.values_list(
            "id",
            "generation__model__make__name",
            "generation__model__name",
            "generation__name",
            "name",
        )
        for pk, *names in rows:
            key = _car_key(*names)
            self.cars[key] = pk
            for depth in (1, 2, 3):
                self.known.add(key[:depth])

    def _unknown_car(self, row: dict) -> str:
        key = _car_key(row["make"], row["model"], row["generation"], row["modification"])
        if key[:1] not in self.known:
            return f"Марки «{row['make']}» нет в справочнике автомобилей."
        if key[:2] not in self.known:
            return f"Модели «{row['model']}» у марки {row['make']} нет в справочнике."
        if key[:3] not in self.known:
            return (
                f"Поколения «{row['generation']}» у {row['make']} {row['model']} нет в справочнике."
            )
        return (
            f"Модификации «{row['modification']}» у {row['make']} {row['model']} "
            f"{row['generation']} нет в справочнике."
        )

    def process(self, rows: list[Row]) -> BatchResult:
        if self.brands is None:
            self.brands = BrandCache()
            self._load_cars()
        result = BatchResult()
        keyed = []
        for number, row, values in self._parse_all(rows, result):
            brand_id = self.brands.get(row["brand"])
            if brand_id is None:
                result.reject(number, f"Бренд «{row['brand']}» не найден в справочнике.", values)
                continue
            car = self.cars.get(
                _car_key(row["make"], row["model"], row["generation"], row["modification"])
            )
            if car is None:
                result.reject(number, self._unknown_car(row), values)
                continue
            keyed.append((number, (brand_id, row["article"][1]), car, row, values))
        products = existing_products(key for _, key, _, _, _ in keyed)

        links: set[tuple[int, int]] = set()
        for number, key, car, row, values in keyed:
            if key not in products:
                result.reject(
                    number,
                    f"Товара {row['brand']} {row['article'][0]} нет в каталоге: загрузите "
                    "сначала прайс-лист или кросс-связи с ним.",
                    values,
                )
                continue
            link = (products[key][0], car)
            if link in links:
                result.unchanged += 1
            else:
                links.add(link)
        if links:
            existing = set(
                Applicability.objects.filter(
                    product_id__in={p for p, _ in links}, modification_id__in={m for _, m in links}
                ).values_list("product_id", "modification_id")
            )
            new = [link for link in links if link not in existing]
            result.unchanged += len(links) - len(new)
            result.created += len(new)
            Applicability.objects.bulk_create(
                [Applicability(product_id=p, modification_id=m) for p, m in new],
                ignore_conflicts=True,
                batch_size=1000,
            )
        return result


_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


class CategoryImporter(Importer):
    """The category tree: code, name, parent code (and an optional sort order).

    A tree must be checked as a whole (a parent may come after its child, a cycle spans
    rows), so the file is read in one batch; a category file is small by nature.
    """

    fields = f.CATEGORY_FIELDS
    max_rows = 50_000

    def parse(self, values: list[str]) -> dict:
        code = f.required_text(self.cell(values, "code"), "Код", 64)
        if not _CODE.match(code):
            raise RowError(f"Код «{code}» — только латинские буквы, цифры, «-» и «_».")
        parent = self.cell(values, "parent_code")
        if parent == code:
            raise RowError("Категория не может быть родителем самой себя.")
        return {
            "code": code,
            "name": f.required_text(self.cell(values, "name"), "Название", 128),
            "parent_code": parent,
            "sort_order": f.count(
                self.cell(values, "sort_order"), "Порядок", default=100, maximum=f.MAX_SMALL
            ),
        }

    def process(self, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        in_db = {
            c["code"]: c
            for c in Category.objects.values("id", "code", "name", "sort_order", "parent__code")
        }
        accepted: dict[str, tuple[int, dict, list]] = {}
        for number, row, values in self._parse_all(rows, result):
            if row["code"] in accepted:
                first = accepted[row["code"]][0]
                result.reject(number, f"Код «{row['code']}» уже есть в строке {first}.", values)
                continue
            accepted[row["code"]] = (number, row, values)

        # Drop rows whose parent is unknown or rejected, then rows caught in a cycle, until
        # nothing changes (a dropped parent may orphan its children).
        changed = True
        while changed:
            changed = False
            for code, (number, row, values) in list(accepted.items()):
                parent = row["parent_code"]
                if parent and parent not in accepted and parent not in in_db:
                    result.reject(number, f"Родительской категории «{parent}» нет.", values)
                    del accepted[code]
                    changed = True
            for code in list(accepted):
                cycle = self._cycle(code, accepted, in_db)
                if cycle:
                    for member in dict.fromkeys(cycle):
                        if member not in accepted:
                            continue  # a category already in the catalog, not in this file
                        number, _, values = accepted.pop(member)
                        result.reject(
                            number, "Цикл в дереве категорий: " + " → ".join(cycle) + ".", values
                        )
                    changed = True
                    break

        new = [row for _, row, _ in accepted.values() if row["code"] not in in_db]
        Category.objects.bulk_create(
            [Category(code=r["code"], name=r["name"], sort_order=r["sort_order"]) for r in new],
            batch_size=1000,
        )
        ids = dict(Category.objects.values_list("code", "id"))
        changed_rows = []
        for _, row, _ in accepted.values():
            old = in_db.get(row["code"])
            parent_id = ids[row["parent_code"]] if row["parent_code"] else None
            if old is None:
                result.created += 1
            elif (old["name"], old["sort_order"], old["parent__code"] or "") == (
                row["name"],
                row["sort_order"],
                row["parent_code"],
            ):
                result.unchanged += 1
                continue
            else:
                result.updated += 1
            changed_rows.append(
                Category(
                    pk=ids[row["code"]],
                    name=row["name"],
                    sort_order=row["sort_order"],
                    parent_id=parent_id,
                )
            )
        Category.objects.bulk_update(
            changed_rows, ["name", "sort_order", "parent"], batch_size=1000
        )
        return result

    @staticmethod
    def _cycle(code: str, accepted: dict, in_db: dict) -> list[str]:
        def parent_of(c: str) -> str:
            if c in accepted:
                return accepted[c][1]["parent_code"]
            return (in_db[c]["parent__code"] or "") if c in in_db else ""

        path = [code]
        current = parent_of(code)
        while current:
            if current == code:
                return [*path, code]
            if current in path or len(path) > 1000:
                return []  # a cycle above this row; found when its own row is checked
            path.append(current)
            current = parent_of(current)
        return []


class VehicleReferenceImporter(Importer):
    """«Справочник автомобилей» (issue 5): makes, models, generations and modifications.

    «Managers import more from CSV in the back office (same preview / report / re-import rules
    as price lists).» This class only plugs the vehicle reference into the import framework:
    the row checks and the writer are `vehicles.reference.ImportRows` (the same messages as
    `manage.py load_vehicle_reference`), which lives for the whole job, so a row is checked
    against every row above it across batches (one pair of years per generation, one row per
    modification). The writer creates what is missing and updates changed fields, matching by
    name: a re-import changes nothing. Unlike the loader, a bad row is rejected with its reason
    and the others go in. A row counts as «обновлено» when its modification, its generation's
    years or its make's position changed.
    """

    fields = f.VEHICLE_FIELDS
    permissions = reference.IMPORT_PERMISSIONS

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.rows = reference.ImportRows(columns=self.mapping)

    def _cells(self, values: list[str]) -> dict[str, str]:
        return {name: self.cell(values, name) for name in self.mapping}

    def parse(self, values: list[str]) -> dict:
        try:
            return {"row": self.rows.parse(self._cells(values))}
        except reference.RowRejected as error:
            raise RowError(error.reason) from None

    def _checked(self, number: int, values: list[str]) -> reference.VehicleRow:
        try:
            return self.rows.check(number, self._cells(values))
        except reference.RowRejected as error:
            raise RowError(error.reason) from None

    def check(self, number: int, values: list[str]) -> None:
        self._checked(number, values)

    def replay(self, rows: list[Row]) -> None:
        for number, values in rows:
            # A row rejected the first time is rejected again; only accepted rows are kept.
            with contextlib.suppress(RowError):
                self._checked(number, values)

    def process(self, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        accepted = []
        for number, values in rows:
            try:
                accepted.append(self._checked(number, values))
            except RowError as error:
                result.reject(number, error.reason, values)
        if accepted:
            counts = self.rows.write(accepted)
            result.created += counts.created_rows
            result.updated += counts.updated_rows
            result.unchanged += counts.unchanged_rows
        return result


IMPORTERS: dict[str, type[Importer]] = {
    ImportJob.Kind.PRICE_LIST: PriceListImporter,
    ImportJob.Kind.CROSSES: CrossImporter,
    ImportJob.Kind.CATEGORIES: CategoryImporter,
    ImportJob.Kind.APPLICABILITY: ApplicabilityImporter,
    ImportJob.Kind.VEHICLES: VehicleReferenceImporter,
}


def importer_for(job: ImportJob) -> Importer:
    return IMPORTERS[job.kind](job)


def fields_for(kind: str) -> tuple[f.Field, ...]:
    return IMPORTERS[kind].fields


def may_import(user, kind: str) -> bool:
    """Whether `user` may run imports of `kind` (on top of `catalog.add_importjob`)."""
    return user.has_perms(IMPORTERS[kind].permissions)
