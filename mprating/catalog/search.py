"""The article search of the cabinet and the cross-reference traversal behind it.

Seed 004 «Схема кросс-связей»: «чем больше (длиннее) цепочка кросс-связей, тем больше
результатов, но тем меньше их точность и скорость их получения. Поэтому обычно применяется три
уровня (схемы)». The client's `cross_scheme` (1–3) is the depth of the walk over `CrossLink`.

Query budget of one search, whatever the size of the catalog: the products with the article (1),
one query per level of the walk (≤ 3), the analogs that have offers (1), their offers (1).
"""

from dataclasses import dataclass, field

from mprating.accounts.models import Client
from mprating.catalog.models import CrossLink, Offer
from mprating.catalog.normalize import normalize_article
from mprating.catalog.selectors import (
    SORT_CHOICES,
    OfferRow,
    offer_rows,
    products_by_article,
    sort_rows,
)
from mprating.core.errors import ApplicationError

# A walk of depth 3 over ~10 links per product meets ~1,000 products; a hub part (a universal
# spark plug) can meet far more. The walk stops growing at TRAVERSAL_LIMIT products and the page
# shows the ANALOG_LIMIT nearest analogs that have offers («показаны N ближайших аналогов»).
TRAVERSAL_LIMIT = 2000
ANALOG_LIMIT = 100

SORTS = {value for value, _ in SORT_CHOICES}


def _neighbours(frontier: list[int]) -> set[int]:
    """Products crossed with any product of `frontier`: one query, both columns of the pair."""
    forward = CrossLink.objects.filter(product_a_id__in=frontier).values_list(
        "product_b_id", flat=True
    )
    backward = CrossLink.objects.filter(product_b_id__in=frontier).values_list(
        "product_a_id", flat=True
    )
    return set(forward.union(backward))


def analogs_of(*, product_id: int, depth: int, limit: int | None = None) -> dict[int, int]:
    """Analogs of a product: product id → the smallest number of cross links to it (1..depth).

    Breadth-first, one query per level for the whole frontier, so a product reached by several
    paths or through a cycle keeps its first (smallest) depth and is never expanded twice; the
    product itself is never its own analog. With `limit`, the walk stops once that many analogs
    are known; on the level that overflows, the ones with the smallest ids are kept (a stable
    choice), and deeper levels are not walked, so every returned depth is still exact.
    """
    found: dict[int, int] = {}
    seen = {product_id}
    frontier = [product_id]
    for level in range(1, depth + 1):
        if not frontier:
            break
        fresh = sorted(pk for pk in _neighbours(frontier) if pk not in seen)
        if limit is not None:
            fresh = fresh[: max(limit - len(found), 0)]
        for pk in fresh:
            found[pk] = level
        seen.update(fresh)
        frontier = fresh
        if limit is not None and len(found) >= limit:
            break
    return found


def nearest_with_offers(
    depths: dict[int, int], *, in_stock: bool, limit: int
) -> tuple[dict[int, int], int]:
    """The `limit` nearest analogs (by depth, then id) that have offers, and how many have any.

    One query returning product ids only, cheap even for the ~2,000 products of a deep walk.
    """
    if not depths:
        return {}, 0
    offers = Offer.objects.filter(product_id__in=list(depths), warehouse__is_active=True)
    if in_stock:
        offers = offers.filter(quantity__gt=0)
    with_offers = set(offers.order_by().values_list("product_id", flat=True).distinct())
    nearest = sorted(with_offers, key=lambda pk: (depths[pk], pk))[:limit]
    return {pk: depths[pk] for pk in nearest}, len(with_offers)


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


def _card(product) -> ProductCard:
    return ProductCard(
        id=product.pk,
        brand_id=product.brand_id,
        brand=product.brand.name,
        article=product.article,
        name=product.name,
    )


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
    candidates = list(products_by_article(article))
    if not candidates:
        return SearchResult(**base)
    chosen = [p for p in candidates if brand_id is not None and p.brand_id == brand_id]
    if not chosen and len(candidates) > 1:
        return SearchResult(**base, brand_choices=[_card(p) for p in candidates])
    product = (chosen or candidates)[0]

    analogs = analogs_of(product_id=product.pk, depth=client.cross_scheme, limit=TRAVERSAL_LIMIT)
    shown, total = nearest_with_offers(analogs, in_stock=in_stock, limit=ANALOG_LIMIT)
    rows = offer_rows(
        depths={product.pk: 0, **shown},
        markup_percent=client.markup_percent,
        in_stock=in_stock,
    )
    return SearchResult(
        **base,
        product=_card(product),
        rows=sort_rows(rows, sort),
        analogs_total=total,
        analogs_shown=len(shown),
    )
