"""«Загрузить в корзину»: an order from an XLSX, XLS or CSV file into the cart (seed 004).

Rules (issue 3, «Cart and «Загрузить в корзину»»):

- The file is read by `core.tabular` (format from the content, CSV in UTF-8 or Windows-1251
  with `;` or `,`). Columns are found by header: Бренд/Brand (optional: without it the article
  alone is used), Артикул/Номер/Article and Количество/Qty (required), Комментарий/Comment.
- A file that cannot be used as a whole — wrong or disguised format, empty, no header or
  missing columns, formula cells, more than 10 000 data rows or more than 5 MB — raises
  `TableError` with a Russian message and adds NOTHING.
- A readable file is judged row by row: rows that are fine are added, the others are listed on
  the result page with the reason («не найден», «несколько брендов — выберите», «недостаточно
  на складе (есть N)», «некорректное количество», «ниже минимального заказа (N шт.)»). The
  client can resolve ambiguous rows (pick the brand) and short ones (add what is in stock).
- For each row the best offer of the product is chosen by `catalog.selectors.best_offer_facts`
  (in stock, then cheapest, then fastest) and judged by the catalog's one rule
  (`offer_facts_problem`, the plain-values form of `offer_orderable_problem`).
- All good rows are added in one transaction, or none on an unexpected error. The whole file
  costs a constant number of queries (brands, products, offers, cart lines, then bulk
  writes), each list of keys bound as one parameter (`any_of`), rows read as plain values,
  each distinct brand spelling normalized once (issue 13: 10 000 rows in ≤ 1.5 s).
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.cart import selectors
from mprating.cart.models import CartImport, CartImportRow, CartLine
from mprating.cart.services import cart_add
from mprating.catalog.models import Brand, Offer, Product
from mprating.catalog.normalize import normalize_article, normalize_brand
from mprating.catalog.selectors import BestOffer, best_offer_facts, best_offers_for_products
from mprating.catalog.services import (
    OfferNotOrderable,
    offer_facts_problem,
    offer_orderable_problem,
    offer_quantity_fit,
    order_quantity_problem,
)
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.lookups import array_literal
from mprating.core.tabular import TableError, find_columns, open_table, parse_quantity

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = {
    "brand": ("Бренд", "Brand", "Производитель", "Manufacturer", "Марка"),
    "article": ("Артикул", "Номер", "Article", "Номер детали", "Part number", "Part No", "Код"),
    "quantity": ("Количество", "Qty", "Quantity", "Кол-во", "Кол.", "Штук"),
    "comment": ("Комментарий", "Comment", "Примечание", "Note"),
}
TEMPLATE_HEADERS = ["Бренд", "Артикул", "Количество", "Комментарий"]
TEMPLATE_EXAMPLES = [
    ["BOSCH", "0 986 452 041", 2, "Фильтр масляный, ТО-1"],
    ["LEMFÖRDER", "30706 01", 1, ""],
]
Outcome = CartImportRow.Outcome


class _Product(NamedTuple):
    pk: int
    brand_id: int
    brand_name: str
    article: str

    def label(self) -> str:
        """`catalog.services.offer_label` of its offers: «BOSCH 0 986 452 041»."""
        return f"{self.brand_name} {self.article}"


@dataclass(slots=True)
class _Row:
    number: int
    brand: str
    article: str
    article_key: str
    quantity_text: str
    quantity: int | None
    comment: str
    # The catalog's «quantity_too_big» when the file asks for more than a line may hold (then
    # `quantity` is None: such a number is never written to the database).
    too_big: str = ""


def _file_size(file: BinaryIO) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, 2)
        size = file.tell()
        file.seek(position)
    return size


def _read_rows(file: BinaryIO, filename: str) -> tuple[str, list[_Row]]:
    """Every data row of the file, or TableError before anything is added."""
    if _file_size(file) > MAX_BYTES:
        raise TableError(
            "Файл больше 5 МБ: разделите заказ на несколько файлов.", code="file_too_big"
        )
    table = open_table(file, filename=filename, max_rows=MAX_ROWS)
    columns = find_columns(table.headers, COLUMNS, required=("article", "quantity"))

    brand_at, article_at, quantity_at, comment_at = (
        columns.get(name) for name in ("brand", "article", "quantity", "comment")
    )

    def cell(values: list[str], index: int | None, limit: int) -> str:
        return values[index][:limit] if index is not None and index < len(values) else ""

    rows = []
    for number, values in table.rows:
        article = cell(values, article_at, 64)
        quantity_text = cell(values, quantity_at, 32)
        quantity = parse_quantity(quantity_text)
        too_big = order_quantity_problem(quantity) if quantity is not None else None
        rows.append(
            _Row(
                number=number,
                brand=cell(values, brand_at, 100),
                article=article,
                article_key=normalize_article(article),
                quantity_text=quantity_text,
                quantity=None if too_big else quantity,
                comment=cell(values, comment_at, 255),
                too_big=too_big.short if too_big else "",
            )
        )
    if not rows:
        raise TableError(
            "Под строкой заголовков нет ни одной строки с артикулом и количеством.",
            code="no_rows",
        )
    return table.format, rows


@contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector off while a file is judged, back on afterwards (if it was on).

    A 10,000-row file makes ~100,000 small objects (cells, rows, results, query rows), none of
    them in a reference cycle: reference counting frees them all. Yet each 700 allocations wake
    the collector, which walks the young objects, promotes the live rows, and now and then walks
    the whole heap of the process — ~0.1 s of a 0.7 s import (issue 13), for nothing found.
    Whatever garbage the pause leaves is collected at the next allocation after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cart_import_file(*, client: Client, file: BinaryIO, filename: str) -> CartImport:
    """Read the file (no transaction is open meanwhile), then add its good rows at once."""
    with _cyclic_gc_paused():
        file_format, rows = _read_rows(file, filename)
        return _cart_import_rows(
            client=client, filename=filename[:255], file_format=file_format, rows=rows
        )


@dataclass(slots=True)
class _Result:
    """The outcome of one row while the file is judged (saved as a CartImportRow)."""

    row: _Row
    outcome: str = ""
    reason: str = ""
    offer_id: int | None = None
    available: int | None = None


ROW_COLUMNS = (
    "cart_import_id",
    "row_number",
    "brand",
    "article",
    "article_normalized",
    "quantity_text",
    "quantity",
    "comment",
    "outcome",
    "reason",
    "offer_id",
    "available",
    "resolved",
)


@transaction.atomic
def _cart_import_rows(
    *, client: Client, filename: str, file_format: str, rows: list[_Row]
) -> CartImport:
    spellings = {row.brand for row in rows if row.brand}
    brands = selectors.brands_by_spellings(sorted(spellings))
    brand_of = {spelling: brands.get(normalize_brand(spelling)) for spelling in spellings}
    products_by_key: dict[str, list[_Product]] = defaultdict(list)
    keys = {row.article_key for row in rows if row.article_key}
    # No ORDER BY (the model orders by brand name): an article's candidates are either one
    # product, or ambiguous, or picked by brand id; a reason lists their brands sorted.
    found = (
        Product.objects.filter(article_normalized__any_of=keys)
        .order_by()
        .values_list("pk", "article_normalized", "brand_id", "brand__name", "article")
    )
    for pk, key, brand_id, brand_name, article in found:
        products_by_key[key].append(_Product(pk, brand_id, brand_name, article))

    results: list[tuple[_Result, _Product | None]] = []
    for row in rows:
        result, product = _Result(row), None
        if not row.article_key:
            _fail(result, Outcome.NOT_FOUND, "не найден: не указан артикул")
        elif row.quantity is None:
            _fail(result, Outcome.BAD_QUANTITY, row.too_big or "некорректное количество")
        else:
            brand = brand_of.get(row.brand) if row.brand else None
            product = _pick_product(result, products_by_key.get(row.article_key, []), brand)
        results.append((result, product))

    product_ids = {product.pk for _, product in results if product is not None}
    best: dict[int, BestOffer] = best_offer_facts(product_ids)
    offer_ids = {offer.offer_id for offer in best.values()}
    existing = {
        offer_id: (pk, quantity, comment)
        for pk, offer_id, quantity, comment in CartLine.objects.select_for_update(of=("self",))
        .filter(client=client, offer_id__any_of=offer_ids)
        .order_by("pk")
        .values_list("pk", "offer_id", "quantity", "comment")
    }
    in_cart = {offer_id: quantity for offer_id, (_, quantity, _) in existing.items()}
    comments: dict[int, str] = {}

    for result, product in results:
        if product is None:
            continue
        offer = best.get(product.pk)
        if offer is None:
            _fail(result, Outcome.NOT_FOUND, "не найден: нет в продаже")
            continue
        offer_id = result.offer_id = offer.offer_id
        quantity = result.row.quantity
        held = in_cart.get(offer_id, 0)
        problem = offer_facts_problem(
            stock=offer.quantity,
            minimum=offer.min_order_quantity,
            warehouse_active=offer.warehouse_active,
            warehouse_name=offer.warehouse_name,
            label=product.label,
            quantity=held + quantity,
            in_cart=held,
        )
        if _apply(result, problem, in_cart=held):
            in_cart[offer_id] = held + quantity
            if result.row.comment:
                comments[offer_id] = result.row.comment

    now = CartLine._meta.get_field("added_at").get_db_prep_save(timezone.now(), connection)
    new_lines, changed_lines = [], []
    for offer_id, quantity in in_cart.items():
        if offer_id not in existing:
            new_lines.append((client.pk, offer_id, quantity, comments.get(offer_id, ""), now))
            continue
        # A comment from the file replaces the comment of a line that was already in the cart;
        # quantity and comment change in one UPDATE (one new row version per line).
        pk, old_quantity, old_comment = existing[offer_id]
        comment = comments.get(offer_id, old_comment)
        if quantity != old_quantity or comment != old_comment:
            changed_lines.append((quantity, comment, pk))
    _insert_many(CartLine, ("client_id", "offer_id", "quantity", "comment", "added_at"), new_lines)
    _update_many(CartLine, ("quantity", "comment"), changed_lines)

    cart_import = CartImport.objects.create(
        client=client, filename=filename, file_format=file_format, rows_total=len(results)
    )
    _insert_many(
        CartImportRow,
        ROW_COLUMNS,
        [
            (
                cart_import.pk,
                r.row.number,
                r.row.brand,
                r.row.article,
                r.row.article_key,
                r.row.quantity_text,
                r.row.quantity,
                r.row.comment,
                r.outcome,
                r.reason,
                r.offer_id,
                r.available,
                False,
            )
            for r, _ in results
        ],
    )
    return cart_import


# Django's bulk_create on SQLite splits inserts into batches of 999 parameters (76 rows of
# CartImportRow), so a 10 000-row file would cost ~130 statements and as many model instances.
# Instead each write is ONE statement whatever the file's length: on PostgreSQL inserts go
# through COPY (psycopg writes the rows in C; arrays for `unnest` were quoted element by element
# in Python, ~0.2 s for the result rows) and updates as arrays through `unnest`; on SQLite, where
# a statement costs no round trip, one prepared statement runs with executemany. The values are
# built above from checked data; dates are adapted once by the field itself. (COPY does not pass
# Django's execute wrappers: query logs and counters do not see it.)


def _columns(model, names: tuple[str, ...]) -> list:
    return [model._meta.get_field(name.removesuffix("_id")) for name in names]


def _array_casts(fields: list) -> str:
    """`%s::integer[], %s::varchar(255)[], …` — one typed array parameter per column."""
    return ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)


def _as_columns(values: list[tuple]) -> list[list]:
    return [list(column) for column in zip(*values, strict=True)]


def _insert_many(model, names: tuple[str, ...], values: list[tuple]) -> None:
    if not values:
        return
    qn = connection.ops.quote_name
    fields = _columns(model, names)
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(field.column) for field in fields)
    # The SQL is built only from the model's quoted names; every value is a parameter (bandit's
    # B608 warnings below do not apply).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in values:
                    write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # nosec B608
            cursor.executemany(sql, values)


def _update_many(model, names: tuple[str, ...], values: list[tuple]) -> None:
    """UPDATE … SET names… WHERE pk = last value of each tuple."""
    if not values:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    fields = [model._meta.get_field(name) for name in names]
    # The SQL is built only from the model's quoted names; every value is a parameter (bandit's
    # B608 warnings below do not apply).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            aliases = [f"v{index}" for index in range(len(fields))]
            assignments = ", ".join(
                f"{qn(field.column)} = new.{alias}"
                for field, alias in zip(fields, aliases, strict=True)
            )
            casts = _array_casts([*fields, model._meta.pk])
            new = f"unnest({casts}) AS new({', '.join(aliases)}, pk)"
            same_row = f"{table}.{pk} = new.pk"
            sql = f"UPDATE {table} SET {assignments} FROM {new} WHERE {same_row}"  # nosec B608
            cursor.execute(sql, [array_literal(column) for column in _as_columns(values)])
        else:
            assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # nosec B608
            cursor.executemany(sql, values)


def _fail(result: "_Result | CartImportRow", outcome: str, reason: str) -> None:
    result.outcome = outcome
    result.reason = reason


def _pick_product(
    result: _Result, candidates: list[_Product], brand: Brand | None
) -> _Product | None:
    """The product the row means, or None with the reason written on the row. `brand` is the
    one the row's brand spelling names (None: no brand, or a brand we do not know)."""
    if not candidates:
        _fail(result, Outcome.NOT_FOUND, "не найден")
        return None
    if brand is not None:
        for product in candidates:
            if product.brand_id == brand.pk:
                return product
        names = ", ".join(sorted(p.brand_name for p in candidates))
        _fail(result, Outcome.NOT_FOUND, f"не найден у бренда {brand.name} (есть у: {names})")
        return None
    # No brand, or a brand we do not know: the article alone decides when it is unique.
    if len(candidates) == 1:
        return candidates[0]
    _fail(result, Outcome.AMBIGUOUS, "несколько брендов — выберите")
    return None


# The catalog's one rule decides; a row shows its short form under the outcome its code means.
OUTCOME_BY_CODE = {
    "offer_not_found": Outcome.NOT_FOUND,
    "warehouse_inactive": Outcome.NOT_FOUND,
    "out_of_stock": Outcome.NOT_ENOUGH,
    "not_enough_stock": Outcome.NOT_ENOUGH,
    "below_min_order": Outcome.BELOW_MIN,
    "quantity_too_big": Outcome.BAD_QUANTITY,
}


def _judge(result: "_Result | CartImportRow", *, offer: Offer, quantity: int, in_cart: int) -> bool:
    """Added (True) or not with the reason: `catalog.services.offer_orderable_problem` for a
    cart line going from `in_cart` to `in_cart + quantity` pieces."""
    problem = offer_orderable_problem(offer=offer, quantity=in_cart + quantity, in_cart=in_cart)
    return _apply(result, problem, in_cart=in_cart)


def _apply(
    result: "_Result | CartImportRow", problem: OfferNotOrderable | None, *, in_cart: int
) -> bool:
    """Write the rule's verdict on the row: added (True), or the outcome and short reason of
    the problem, with the quantity that could be added instead when there is one."""
    if problem is None:
        result.outcome = Outcome.ADDED
        result.reason = ""
        return True
    _fail(result, OUTCOME_BY_CODE[problem.code], problem.short)
    if (
        problem.code == "not_enough_stock"
        and problem.available > 0
        and in_cart + problem.available >= problem.min_order
    ):
        result.available = problem.available
    return False


# ---- resolving rows on the result page ------------------------------------------------------


def _own_row(*, client: Client, import_id: int, row_id: int) -> CartImportRow:
    row = (
        CartImportRow.objects.select_for_update(of=("self",))
        .filter(cart_import__client=client, cart_import_id=import_id, pk=row_id)
        .first()
    )
    if row is None:
        raise NotFound("Такой строки нет в ваших загрузках.")
    return row


def _in_cart(*, client: Client, offer: Offer) -> int:
    line = CartLine.objects.filter(client=client, offer=offer).only("quantity").first()
    return line.quantity if line else 0


@transaction.atomic
def cart_import_row_choose(
    *, client: Client, import_id: int, row_id: int, product_id: int
) -> CartImportRow:
    """«Несколько брендов — выберите»: the client picks the product; its best offer is added.

    When the chosen product is short of stock or below its minimum order, the row says so (and
    offers the available quantity) instead of adding.
    """
    row = _own_row(client=client, import_id=import_id, row_id=row_id)
    if row.outcome == Outcome.ADDED:
        return row
    if row.quantity is None:
        raise ApplicationError("bad_quantity", "В строке файла некорректное количество.")
    product = Product.objects.filter(
        pk=product_id, article_normalized=row.article_normalized
    ).first()
    if product is None or not row.article_normalized:
        raise ApplicationError("brand_choice_invalid", "Выберите один из предложенных брендов.")
    offer = best_offers_for_products([product.pk]).get(product.pk)
    if offer is None:
        raise ApplicationError("no_offer", "Этого товара сейчас нет в продаже.")
    row.offer = offer
    row.available = None
    if _judge(
        row, offer=offer, quantity=row.quantity, in_cart=_in_cart(client=client, offer=offer)
    ):
        cart_add(client=client, offer_id=offer.pk, quantity=row.quantity, comment=row.comment)
        row.resolved = True
    row.save(update_fields=["offer", "outcome", "reason", "available", "resolved"])
    return row


@transaction.atomic
def cart_import_row_add_available(*, client: Client, import_id: int, row_id: int) -> CartImportRow:
    """«Недостаточно на складе»: add what the warehouse has now instead of the file's quantity."""
    row = _own_row(client=client, import_id=import_id, row_id=row_id)
    if row.outcome == Outcome.ADDED:
        return row
    if row.outcome != Outcome.NOT_ENOUGH or row.offer_id is None:
        raise ApplicationError("not_short", "Для этой строки нечего добавить.")
    offer = (
        Offer.objects.select_related("warehouse", "product__brand").filter(pk=row.offer_id).first()
    )
    if offer is None:  # deleted since the upload (the row keeps no constraint on it)
        raise ApplicationError("no_offer", "Этого товара сейчас нет в продаже.")
    in_cart = _in_cart(client=client, offer=offer)
    available = offer_quantity_fit(offer=offer, wanted=row.quantity or 1, in_cart=in_cart)
    cart_add(client=client, offer_id=offer.pk, quantity=available, comment=row.comment)
    row.outcome = Outcome.ADDED
    row.reason = f"добавлено {available} шт. из {row.quantity}"
    row.quantity = available
    row.available = None
    row.resolved = True
    row.save(update_fields=["outcome", "reason", "quantity", "available", "resolved"])
    return row


def cart_import_template() -> bytes:
    """The XLSX template offered for download: the headers and two example rows."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Заказ"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in TEMPLATE_EXAMPLES:
        sheet.append(example)
    for letter, width in zip("ABCD", (16, 20, 13, 32), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
