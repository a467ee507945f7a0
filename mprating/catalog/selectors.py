"""Reads of the catalog: offers shaped for the client, «Подбор по параметрам», shared lookups.

«Подбор по параметрам» chooses the car with the dependent lists of `mprating.vehicles.selectors`
and shows the categories and products that fit its modification (here). The article search with
its cross-reference traversal lives in `search.py` (one SQL statement); it and the parts selection
(`offer_rows`) build their table rows with `make_offer_rows` here, so the price a client sees is
computed in one place (`display_price`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Case, Count, F, Value, When, Window
from django.db.models.functions import RowNumber

from mprating.catalog.models import Applicability, Category, Offer, Warehouse
from mprating.core.money import CENT, to_money
from mprating.core.text import plural_ru


def _best_offers(product_ids: Iterable[int]):
    """The offers to pick, one per product: in stock first, then cheapest, then fastest.

    The one home of that ranking: one query for any number of products, ranked in SQL (a
    window per product); the list of ids is one parameter (`any_of`).
    """
    in_stock_first = Case(When(quantity__gt=0, then=Value(0)), default=Value(1))
    return (
        Offer.objects.filter(product_id__any_of=set(product_ids), warehouse__is_active=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("product_id"),
                order_by=[in_stock_first.asc(), F("price").asc(), F("delivery_days").asc(), "id"],
            )
        )
        .filter(rank=1)
    )


def best_offers_for_products(product_ids: list[int]) -> dict[int, Offer]:
    """{product id: its best offer} with warehouse, product and brand loaded (`_best_offers`)."""
    ranked = _best_offers(product_ids).select_related("warehouse", "product", "product__brand")
    return {offer.product_id: offer for offer in ranked}


class BestOffer(NamedTuple):
    """What the orderability rule reads of a product's best offer, as plain values."""

    offer_id: int
    quantity: int
    min_order_quantity: int
    warehouse_active: bool
    warehouse_name: str


def best_offer_facts(product_ids: Iterable[int]) -> dict[int, BestOffer]:
    """{product id: `BestOffer`}: the same choice as `best_offers_for_products` without model
    instances or the product and brand joins — the cart import asks for 10,000 products."""
    rows = _best_offers(product_ids).values_list(
        "product_id",
        "id",
        "quantity",
        "min_order_quantity",
        "warehouse__is_active",
        "warehouse__name",
    )
    return {
        product_id: BestOffer(offer_id, quantity, minimum, bool(active), name)
        for product_id, offer_id, quantity, minimum, active, name in rows
    }


# ---- offers as the client sees them ---------------------------------------------------------

HUNDRED = Decimal("100")

WAREHOUSE_KIND_LABELS = {
    Warehouse.Kind.HOME: "Домашний склад",
    Warehouse.Kind.TRANSIT: "Транзитный склад",
    Warehouse.Kind.MARKETPLACE: "Маркетплейс",
}

SORT_PRICE = "price"
SORT_PRICE_DESC = "price_desc"
SORT_DELIVERY = "delivery"
SORT_CHOICES = [
    (SORT_PRICE, "Сначала дешёвые"),
    (SORT_PRICE_DESC, "Сначала дорогие"),
    (SORT_DELIVERY, "Сначала быстрые"),
]


def display_price(price: Decimal, markup_percent: Decimal) -> Decimal:
    """The price a client sees in search: the offer price plus the individual markup.

    Seed 004 «Индивидуальная наценка»: «некую фиктивную индивидуальную наценку, которая будет
    прибавляться к стоимости всех товаров под его логином при поиске … хотя на самом деле он
    покупает по этой цене минус процент». Only search shows this price; the cart, orders and
    finance use the real one. Rounded to kopecks, half up.
    """
    return to_money(price * markup_factor(markup_percent))


def markup_factor(markup_percent: Decimal) -> Decimal:
    """1 + markup / 100, exact (the markup has two places, 0–100 %)."""
    return (HUNDRED + markup_percent) / HUNDRED


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One line of a search or selection table; `price` is already the display price."""

    offer_id: int
    product_id: int
    brand: str
    article: str
    name: str
    depth: int  # 0 = the requested product, 1..3 = analog of that level
    warehouse_name: str
    warehouse_kind: str
    quantity: int
    min_order_quantity: int
    delivery_days: int
    is_returnable: bool
    return_days: int
    return_deduction_percent: Decimal
    price: Decimal
    in_cart: int = 0  # pieces of this offer already in the client's cart (search page only)

    @property
    def warehouse_kind_label(self) -> str:
        return WAREHOUSE_KIND_LABELS.get(self.warehouse_kind, self.warehouse_kind)

    @property
    def depth_label(self) -> str:
        return "запрошенный артикул" if self.depth == 0 else f"аналог {self.depth}-го уровня"

    @property
    def in_stock(self) -> bool:
        return self.quantity > 0

    @property
    def orderable(self) -> bool:
        return self.quantity >= self.min_order_quantity

    @property
    def delivery_label(self) -> str:
        if self.delivery_days == 0:
            return "сегодня"
        days = self.delivery_days
        return f"{days} {plural_ru(days, 'день', 'дня', 'дней')}"

    @property
    def return_label(self) -> str:
        """Seed 004 «Возможность обратного выкупа»: the policy the line is bought under."""
        if not self.is_returnable:
            return "невозвратный"
        days = self.return_days
        label = f"возврат {days} {plural_ru(days, 'день', 'дня', 'дней')}"
        if self.return_deduction_percent:
            label += f", удержание {self.return_deduction_percent.normalize():f} %"
        return label


_ROW_FIELDS = (
    "id",
    "product_id",
    "product__brand__name",
    "product__article",
    "product__name",
    "warehouse__name",
    "warehouse__kind",
    "quantity",
    "min_order_quantity",
    "delivery_days",
    "is_returnable",
    "return_days",
    "return_deduction_percent",
    "price",
)

# After the chosen key, the nearer analog wins a tie.
_SORT_KEYS = {
    SORT_PRICE: lambda row: (row.price, row.depth, row.delivery_days, row.brand, row.offer_id),
    SORT_PRICE_DESC: lambda row: (-row.price, row.depth, row.delivery_days, row.offer_id),
    SORT_DELIVERY: lambda row: (row.delivery_days, row.depth, row.price, row.offer_id),
}


def make_offer_rows(offers, *, markup_percent: Decimal) -> list[OfferRow]:
    """`OfferRow`s from plain tuples in the order of its fields, up to the real price (the
    last); the price becomes the display price here. Decimals may come as text (raw SQL on
    SQLite). A tight loop: the search builds a few hundred rows per request."""
    factor = markup_factor(markup_percent)  # `display_price`, the factor computed once
    rows = []
    append = rows.append
    for (
        offer_id,
        product_id,
        brand,
        article,
        name,
        depth,
        warehouse_name,
        warehouse_kind,
        quantity,
        min_order_quantity,
        delivery_days,
        is_returnable,
        return_days,
        return_deduction_percent,
        price,
    ) in offers:
        append(
            OfferRow(
                offer_id,
                product_id,
                brand,
                article,
                name,
                depth,
                warehouse_name,
                warehouse_kind,
                quantity,
                min_order_quantity,
                delivery_days,
                bool(is_returnable),
                return_days,
                Decimal(return_deduction_percent),
                (Decimal(price) * factor).quantize(CENT, rounding=ROUND_HALF_UP),
            )
        )
    return rows


def offer_rows(
    *,
    depths: dict[int, int],
    markup_percent: Decimal,
    in_stock: bool = False,
) -> list[OfferRow]:
    """Offers of active warehouses for the products in `depths` (product id → depth).

    One query whatever the number of products; plain values, no model instances. The real
    price never leaves this function.
    """
    if not depths:
        return []
    offers = Offer.objects.filter(product_id__in=list(depths), warehouse__is_active=True)
    if in_stock:
        offers = offers.filter(quantity__gt=0)
    return make_offer_rows(
        (
            (*values[:5], depths[values[1]], *values[5:])
            for values in offers.values_list(*_ROW_FIELDS)
        ),
        markup_percent=markup_percent,
    )


def sort_rows(rows: list[OfferRow], sort: str) -> list[OfferRow]:
    """Requested product first, analogs after; inside each group by `sort`."""
    key = _SORT_KEYS[sort]
    return sorted(rows, key=lambda row: (row.depth > 0, key(row)))


# ---- «Подбор по параметрам» -----------------------------------------------------------------

SELECTION_PRODUCT_LIMIT = 100


@dataclass
class CategoryNode:
    id: int
    name: str
    count: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree_for_modification(modification_id: int) -> list[CategoryNode]:
    """The category tree cut down to categories with products that fit this modification.

    Two queries: product counts per category, then the whole (small) category table; a parent
    counts the products of its subtree (a product has one category, so the sums are exact).
    """
    counts = dict(
        Applicability.objects.filter(
            modification_id=modification_id, product__category__isnull=False
        )
        .values_list("product__category_id")
        .annotate(n=Count("product_id", distinct=True))
        .order_by()
    )
    if not counts:
        return []
    rows = list(Category.objects.values_list("id", "parent_id", "name"))
    nodes = {pk: CategoryNode(id=pk, name=name) for pk, _, name in rows}
    parents = {pk: parent_id for pk, parent_id, _ in rows}
    for category_id, n in counts.items():
        seen: set[int] = set()
        current = category_id
        while current is not None and current not in seen:  # a broken cycle never hangs
            seen.add(current)
            nodes[current].count += n
            current = parents.get(current)
    roots: list[CategoryNode] = []
    for pk, parent_id, _ in rows:  # rows come in the tree's display order
        node = nodes[pk]
        if node.count == 0:
            continue
        if parent_id is None or parent_id not in nodes:
            roots.append(node)
        else:
            nodes[parent_id].children.append(node)
    return roots


def find_category(tree: list[CategoryNode], category_id: int | None) -> CategoryNode | None:
    stack = list(tree)
    while stack:
        node = stack.pop()
        if node.id == category_id:
            return node
        stack.extend(node.children)
    return None


def _subtree_ids(node: CategoryNode) -> list[int]:
    ids, stack = [], [node]
    while stack:
        current = stack.pop()
        ids.append(current.id)
        stack.extend(current.children)
    return ids


@dataclass(frozen=True)
class SelectionProducts:
    rows: list[OfferRow]
    products_total: int  # applicable products of the category (up to the limit + 1)
    products_with_offers: int

    @property
    def truncated(self) -> bool:
        return self.products_total > SELECTION_PRODUCT_LIMIT

    @property
    def without_offers(self) -> int:
        return min(self.products_total, SELECTION_PRODUCT_LIMIT) - self.products_with_offers


def selection_products(
    *, modification_id: int, category: CategoryNode, markup_percent: Decimal
) -> SelectionProducts:
    """Products of the category subtree that fit the modification, with their offers.

    Two queries; the display price carries the client's markup as in search.
    """
    product_ids = list(
        Applicability.objects.filter(
            modification_id=modification_id, product__category_id__in=_subtree_ids(category)
        )
        .order_by("product_id")
        .values_list("product_id", flat=True)[: SELECTION_PRODUCT_LIMIT + 1]
    )
    rows = offer_rows(
        depths=dict.fromkeys(product_ids[:SELECTION_PRODUCT_LIMIT], 0),
        markup_percent=markup_percent,
    )
    return SelectionProducts(
        rows=sort_rows(rows, SORT_PRICE),
        products_total=len(product_ids),
        products_with_offers=len({row.product_id for row in rows}),
    )
