"""The article search of the cabinet and the cross-reference traversal behind it.

Seed 004 «Схема кросс-связей»: «чем больше (длиннее) цепочка кросс-связей, тем больше
результатов, но тем меньше их точность и скорость их получения. Поэтому обычно применяется три
уровня (схемы)». The client's `cross_scheme` (1–3) is the depth of the walk over `CrossLink`.

One SQL statement per search, whatever the size of the catalog and the scheme (issue 13: the
database work of a search is 1–5 ms, the rest was Python and round trips): the products with the
article, the breadth-first walk over the cross links (one common table expression per level:
on PostgreSQL each product's links as one array, `catalog_crossneighbours`; elsewhere both
columns of the stored pairs), the nearest analogs that have offers, and their offers as plain
tuples, joined with product, brand and warehouse. Python only builds the rows (display price,
sort). The rest of the SQL is the same on PostgreSQL (production) and SQLite (the tests).
"""

import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.backends.utils import CursorWrapper

from mprating.accounts.models import Client
from mprating.catalog.normalize import normalize_article
from mprating.catalog.selectors import (
    SORT_CHOICES,
    OfferRow,
    make_offer_rows,
    sort_rows,
)
from mprating.core.errors import ApplicationError

# A walk of depth 3 over ~10 links per product meets ~1,000 products; a hub part (a universal
# spark plug) can meet far more. The walk stops growing at TRAVERSAL_LIMIT products and the page
# shows the ANALOG_LIMIT nearest analogs that have offers («показаны N ближайших аналогов»).
TRAVERSAL_LIMIT = 2000
ANALOG_LIMIT = 100
NO_LIMIT = 2**31 - 1

SORTS = {value for value, _ in SORT_CHOICES}

# The distinct products crossed with any product of the CTE named by `{frontier}`. PostgreSQL:
# one row of `catalog_crossneighbours` per product of the frontier, the ids of all its links in an
# array (kept by triggers on `catalog_crosslink`, migration 0004). Measured on the 1M catalog at
# scheme 3: the search's statement 6.6 → 4.1 ms median (the two index probes per product and
# the merge of their ~16,000 entries were most of the walk). SQLite (the tests): both columns of
# the stored pair (`product_a_id < product_b_id`), each through its own index.
_STEPS = {
    "postgresql": """
        SELECT DISTINCT unnest(neighbours.neighbour_ids) AS id
        FROM catalog_crossneighbours neighbours
        WHERE neighbours.product_id IN (SELECT id FROM {frontier})""",
    "other": """
        SELECT pair.product_b_id AS id FROM catalog_crosslink pair
        WHERE pair.product_a_id IN (SELECT id FROM {frontier})
        UNION
        SELECT pair.product_a_id FROM catalog_crosslink pair
        WHERE pair.product_b_id IN (SELECT id FROM {frontier})""",
}

# The ids of the active warehouses, for `warehouse_id {active_warehouses}`. PostgreSQL: one
# array computed once per statement, checked inside the index scan of the offers (the subquery
# was a join with `catalog_warehouse` per offer: ~600 index probes more for a scheme-3 walk).
_ACTIVE_WAREHOUSES = {
    "postgresql": "= ANY(ARRAY(SELECT id FROM catalog_warehouse WHERE is_active))",
    "other": "IN (SELECT id FROM catalog_warehouse WHERE is_active)",
}


def _step_sql(vendor: str) -> str:
    return _STEPS["postgresql" if vendor == "postgresql" else "other"]


# The breadth-first walk from the CTE `requested`, as `analog (id, depth)`. A level is only
# walked when the scheme reaches it and the levels before it hold fewer than %(limit)s products
# (the frontier is then empty, so its index lookups never run); a product keeps its first
# (smallest) depth, the product itself is never its own analog. With the limit, the nearest
# products by (depth, id) are kept: the levels before the one that overflows whole, and the
# smallest ids of that one, so every returned depth is exact.
#
# A step gives distinct ids, and the ones met before are dropped with `NOT IN` (hashed subplans
# on PostgreSQL: one hash probe per id) — the same set as `EXCEPT`, which hashed every one of the
# ~10,000 ids of a big level three times over (scheme 3 at p95: ~25 % of the statement). The ids
# are never NULL (primary keys and the arrays of them), so `NOT IN` means «not among».
_WALK_TEMPLATE = """
    frontier1 AS (SELECT id FROM requested WHERE %(depth)s >= 1),
    level1 AS (
        SELECT id FROM ({step1}
        ) step
        WHERE id NOT IN (SELECT id FROM requested)
    ),
    frontier2 AS (
        SELECT id FROM level1
        WHERE %(depth)s >= 2 AND (SELECT count(*) FROM level1) < %(limit)s
    ),
    level2 AS (
        SELECT id FROM ({step2}
        ) step
        WHERE id NOT IN (SELECT id FROM requested) AND id NOT IN (SELECT id FROM level1)
    ),
    frontier3 AS (
        SELECT id FROM level2
        WHERE %(depth)s >= 3
          AND (SELECT count(*) FROM level1) + (SELECT count(*) FROM level2) < %(limit)s
    ),
    level3 AS (
        SELECT id FROM ({step3}
        ) step
        WHERE id NOT IN (SELECT id FROM requested) AND id NOT IN (SELECT id FROM level1)
          AND id NOT IN (SELECT id FROM level2)
    ),
    analog AS (
        SELECT id, depth FROM (
            SELECT id, 1 AS depth FROM level1
            UNION ALL SELECT id, 2 FROM level2
            UNION ALL SELECT id, 3 FROM level3
        ) walk
        ORDER BY depth, id
        LIMIT %(limit)s
    )"""

MAX_DEPTH = 3  # the levels `_WALK_TEMPLATE` has; seed 004: «три уровня (схемы)»

_ANALOGS_SQL = """
WITH requested AS (SELECT %(product)s AS id),{walk}
SELECT id, depth FROM analog"""

# The whole search, one row per line. Kind 0: the products with the article, their place in
# the order of brand names in the column `depth`; the one whose offers follow has
# `analogs_total` set (analogs with offers — in stock, with the filter). Kind 1: offers of
# active warehouses of the requested product (depth 0) and of the ANALOG_LIMIT nearest analogs
# that have any, columns in the order of `OfferRow`. Decimals come as text, so that SQLite (the
# tests) gives them exactly too.
#
# The lines come in no order: Python sorts the offers by a key that ends with the offer id
# (`selectors.sort_rows`), so any order gives the same rows, and the brand choice by its place.
# Sorting all ~220 wide lines of a scheme-3 search by brand name in the database cost ~0.45 ms
# of a 1.8 ms statement (median, 1M catalog).
_SEARCH_SQL = """
WITH candidate AS (
        SELECT product.id, product.brand_id, brand.name AS brand, product.article, product.name,
               row_number() OVER (ORDER BY brand.name, product.id) AS place
        FROM catalog_product product
        JOIN catalog_brand brand ON brand.id = product.brand_id
        WHERE product.article_normalized = %(article)s
    ),
    requested AS (
        SELECT id FROM candidate
        WHERE brand_id = %(brand)s OR (SELECT count(*) FROM candidate) = 1
    ),{walk},
    stocked AS (
        SELECT analog.id, analog.depth FROM analog
        WHERE EXISTS (
            SELECT 1 FROM catalog_offer offer
            WHERE offer.product_id = analog.id
              AND offer.warehouse_id {active_warehouses}
              AND (offer.quantity > 0 OR NOT %(in_stock)s)
        )
    ),
    shown AS (SELECT id, depth FROM stocked ORDER BY depth, id LIMIT %(analog_limit)s),
    listed AS (SELECT id, 0 AS depth FROM requested UNION ALL SELECT id, depth FROM shown)
SELECT 0 AS kind, NULL AS offer_id, candidate.id AS product_id, candidate.brand,
       candidate.article, candidate.name, candidate.place AS depth, NULL AS warehouse_name,
       NULL AS warehouse_kind, NULL AS quantity, NULL AS min_order_quantity,
       NULL AS delivery_days, NULL AS is_returnable, NULL AS return_days,
       NULL AS return_deduction_percent, NULL AS price, candidate.brand_id,
       CASE WHEN candidate.id IN (SELECT id FROM requested)
            THEN (SELECT count(*) FROM stocked) END AS analogs_total
FROM candidate
UNION ALL
SELECT 1, offer.id, offer.product_id, brand.name, product.article, product.name, listed.depth,
       warehouse.name, warehouse.kind, offer.quantity, offer.min_order_quantity,
       offer.delivery_days, offer.is_returnable, offer.return_days,
       CAST(offer.return_deduction_percent AS TEXT), CAST(offer.price AS TEXT),
       product.brand_id, NULL
FROM listed
JOIN catalog_offer offer ON offer.product_id = listed.id
JOIN catalog_warehouse warehouse ON warehouse.id = offer.warehouse_id
JOIN catalog_product product ON product.id = offer.product_id
JOIN catalog_brand brand ON brand.id = product.brand_id
WHERE warehouse.is_active AND (offer.quantity > 0 OR NOT %(in_stock)s)"""


@functools.cache
def _with_walk(statement: str, vendor: str) -> str:
    """`statement` with the walk of `vendor`'s database in place of `{walk}` (and its test of
    an active warehouse in place of `{active_warehouses}`). (bandit B608: the text is built from
    the constants of this module only; every value is a bound parameter.)"""
    step = _step_sql(vendor)
    walk = (
        _WALK_TEMPLATE.replace("{step1}", step.replace("{frontier}", "frontier1"))
        .replace("{step2}", step.replace("{frontier}", "frontier2"))
        .replace("{step3}", step.replace("{frontier}", "frontier3"))
    )
    active = _ACTIVE_WAREHOUSES["postgresql" if vendor == "postgresql" else "other"]
    return statement.replace("{walk}", walk).replace("{active_warehouses}", active)


def _prepared_cursor() -> CursorWrapper:
    """A cursor whose statements PostgreSQL prepares once per connection (issue 13, target 4).

    Django's psycopg 3 cursor binds parameters on the client and never prepares: the search
    paid its planning (~3 ms on the 1M catalog) on every call. This one binds on the server and
    prepares the statement on its first execution; psycopg keeps it per connection, by the text
    and the parameter types. Wrapped like `connection.cursor()`, so `execute_wrapper` and the
    query log (`django_assert_num_queries`) still see the statement. Other databases (SQLite in
    the tests): the ordinary cursor. A pooler in transaction mode (PgBouncer before 1.21) does
    not keep prepared statements: put it in session mode or use `max_prepared_statements`.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns psycopg's preparing off (for transaction poolers), and then psycopg
        # ignores `prepare=True` too. A threshold never reached: only the statements asked for
        # explicitly are prepared; Django's own cursors bind on the client and never prepare.
        connection.connection.prepare_threshold = NO_LIMIT
    cursor = _preparing_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


@functools.cache
def _preparing_cursor_class() -> type:
    import psycopg  # only with PostgreSQL

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparingCursor


@functools.cache
def _search_sql(vendor: str, depth: int, in_stock: bool, limit: int, analog_limit: int) -> str:
    """`_SEARCH_SQL` for one scheme and stock filter, the constants written into the text.

    The statement is prepared (`_prepared_cursor`), and PostgreSQL switches a prepared
    statement to one generic plan, made without the parameters' values, once that looks no
    dearer than planning every call. With the scheme and the limits as parameters that plan
    cannot drop the levels a scheme does not walk (measured: scheme 1 from 14 ms to 34 ms);
    with them in the text, each of the six statements gets the plan of its own scheme and only
    the article and the brand stay parameters. Only integers and booleans are written in.
    """
    return (
        _with_walk(_SEARCH_SQL, vendor)
        .replace("%(depth)s", str(int(depth)))
        .replace("%(limit)s", str(int(limit)))
        .replace("%(analog_limit)s", str(int(analog_limit)))
        .replace("%(in_stock)s", "TRUE" if in_stock else "FALSE")
    )


def analogs_of(*, product_id: int, depth: int, limit: int | None = None) -> dict[int, int]:
    """Analogs of a product: product id → the smallest number of cross links to it (1..depth).

    Breadth-first, one statement for every level (see `_WALK_TEMPLATE`), so a product reached by
    several paths or through a cycle keeps its first (smallest) depth and is never expanded
    twice; the product itself is never its own analog. With `limit`, the walk stops once that
    many analogs are known; on the level that overflows, the ones with the smallest ids are kept
    (a stable choice), and deeper levels are not walked, so every returned depth is still exact.
    """
    if depth > MAX_DEPTH:
        raise ValueError(f"The walk has {MAX_DEPTH} levels, not {depth}")
    params = {"product": product_id, "depth": depth, "limit": NO_LIMIT if limit is None else limit}
    with connection.cursor() as cursor:
        cursor.execute(_with_walk(_ANALOGS_SQL, connection.vendor), params)
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class ProductCard:
    id: int
    brand_id: int
    brand: str
    article: str
    name: str


@dataclass(frozen=True)
class SearchResult:
    """What the search page and the API show; `rows` carry display prices only."""

    STATUS_NOT_FOUND = "not_found"
    STATUS_CHOOSE_BRAND = "choose_brand"
    STATUS_FOUND = "found"

    query: str
    article: str
    sort: str
    in_stock: bool
    cross_scheme: int
    product: ProductCard | None = None
    brand_choices: list[ProductCard] = field(default_factory=list)
    rows: list[OfferRow] = field(default_factory=list)
    analogs_total: int = 0  # analog products with (in-stock, if filtered) offers
    analogs_shown: int = 0

    @property
    def status(self) -> str:
        if self.brand_choices:
            return self.STATUS_CHOOSE_BRAND
        if self.product is None:
            return self.STATUS_NOT_FOUND
        return self.STATUS_FOUND

    @property
    def requested_rows(self) -> list[OfferRow]:
        return [row for row in self.rows if row.depth == 0]

    @property
    def analog_rows(self) -> list[OfferRow]:
        return [row for row in self.rows if row.depth > 0]

    @property
    def analogs_truncated(self) -> bool:
        return self.analogs_total > self.analogs_shown


def search(
    *,
    client: Client,
    query: str,
    brand_id: int | None = None,
    sort: str = "price",
    in_stock: bool = False,
) -> SearchResult:
    """Search by article in any spelling («0 986 452 041», «0986-452-041»).

    An article under several brands and no `brand_id`: the client picks the brand first, as in
    real parts shops. Otherwise: offers of the requested product, then of its analogs up to the
    depth of the client's cross scheme, each at its smallest depth. Prices carry the client's
    «Индивидуальная наценка» (see `selectors.display_price`); the real price is never returned.
    """
    article = normalize_article(query)
    if not article:
        raise ApplicationError("search_empty", "Введите артикул для поиска.", field="q")
    if sort not in SORTS:
        raise ApplicationError(
            "search_bad_sort",
            "Неизвестная сортировка: выберите «по цене» или «по сроку поставки».",
            field="sort",
        )
    base = {
        "query": query.strip(),
        "article": article,
        "sort": sort,
        "in_stock": in_stock,
        "cross_scheme": client.cross_scheme,
    }
    with _prepared_cursor() as cursor:
        cursor.execute(
            _search_sql(
                connection.vendor,
                client.cross_scheme,
                bool(in_stock),
                TRAVERSAL_LIMIT,
                ANALOG_LIMIT,
            ),
            {"article": article, "brand": brand_id},
        )
        lines = cursor.fetchall()
    candidates, product, analogs_total, offers = [], None, 0, []
    for line in lines:
        if line[0]:
            offers.append(line[1:16])
            continue
        card = ProductCard(
            id=line[2], brand_id=line[16], brand=line[3], article=line[4], name=line[5]
        )
        candidates.append((line[6], card))
        if line[17] is not None:
            product, analogs_total = card, line[17]
    candidates = [card for _, card in sorted(candidates, key=lambda placed: placed[0])]
    if product is None:
        # Several brands make the article and none (or another) was chosen: the client picks.
        return SearchResult(**base, brand_choices=candidates if len(candidates) > 1 else [])
    rows = make_offer_rows(offers, markup_percent=client.markup_percent)
    return SearchResult(
        **base,
        product=product,
        rows=sort_rows(rows, sort),
        analogs_total=analogs_total,
        analogs_shown=len({row.product_id for row in rows if row.depth}),
    )
