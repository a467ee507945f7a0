"""Writes to the catalog used everywhere: brands, products, offers, cross-references.

The importers (price lists, cross lists) and the demo data go through these functions, so
normalization and the ordered-pair rule of `CrossLink` live in one place.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from mprating.catalog.models import Brand, BrandAlias, CrossLink, Offer, Product, Warehouse
from mprating.catalog.normalize import normalize_article, normalize_brand
from mprating.core.errors import ApplicationError


def brand_resolve(name: str) -> Brand | None:
    """The brand spelled `name`, directly or through an alias."""
    key = normalize_brand(name)
    if not key:
        return None
    return (
        Brand.objects.filter(Q(name_normalized=key) | Q(aliases__alias_normalized=key))
        .distinct()
        .first()
    )


@transaction.atomic
def brand_get_or_create(*, name: str) -> Brand:
    name = (name or "").strip()
    if not normalize_brand(name):
        raise ApplicationError("brand_empty", "Укажите бренд.", field="brand")
    brand = brand_resolve(name)
    if brand is None:
        brand, _ = Brand.objects.get_or_create(
            name_normalized=normalize_brand(name), defaults={"name": name.upper()}
        )
    return brand


@transaction.atomic
def brand_alias_add(*, brand: Brand, alias: str) -> BrandAlias:
    key = normalize_brand(alias)
    if not key:
        raise ApplicationError("alias_empty", "Укажите написание бренда.", field="alias")
    if key == brand.name_normalized:
        raise ApplicationError("alias_same", "Это и есть название бренда.", field="alias")
    other = brand_resolve(alias)
    if other is not None and other.pk != brand.pk:
        raise ApplicationError(
            "alias_taken", f"Так уже называется бренд «{other.name}».", field="alias"
        )
    alias_row, _ = BrandAlias.objects.get_or_create(
        alias_normalized=key, defaults={"brand": brand, "alias": alias.strip()}
    )
    return alias_row


@transaction.atomic
def product_upsert(*, brand: Brand, article: str, name: str = "", category=None) -> Product:
    key = normalize_article(article)
    if not key:
        raise ApplicationError("article_empty", "Укажите артикул.", field="article")
    product, created = Product.objects.get_or_create(
        brand=brand,
        article_normalized=key,
        defaults={"article": article.strip(), "name": name.strip(), "category": category},
    )
    changed = []
    if not created and name and product.name != name.strip():
        product.name = name.strip()
        changed.append("name")
    if not created and category is not None and product.category_id != category.pk:
        product.category = category
        changed.append("category")
    if changed:
        product.save(update_fields=changed)
    return product


def cross_pair(first_id: int, second_id: int) -> tuple[int, int]:
    """The stored order of a pair: smaller id first."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def cross_link_add(*, product_1: Product, product_2: Product, source: str = "") -> CrossLink | None:
    """Link two products as replacements; a product is never its own cross (returns None)."""
    if product_1.pk == product_2.pk:
        return None
    a, b = cross_pair(product_1.pk, product_2.pk)
    link, _ = CrossLink.objects.get_or_create(
        product_a_id=a, product_b_id=b, defaults={"source": source[:100]}
    )
    return link


def offer_upsert(
    *,
    product: Product,
    warehouse: Warehouse,
    price: Decimal,
    quantity: int,
    delivery_days: int = 0,
    min_order_quantity: int = 1,
    is_returnable: bool = True,
    return_days: int = 14,
) -> Offer:
    offer, _ = Offer.objects.update_or_create(
        product=product,
        warehouse=warehouse,
        defaults={
            "price": price,
            "quantity": quantity,
            "delivery_days": delivery_days,
            "min_order_quantity": min_order_quantity,
            "is_returnable": is_returnable,
            "return_days": return_days,
            "updated_at": timezone.now(),
        },
    )
    return offer


# ---- «can this offer be ordered in this quantity», stock reserve and release --------------
#
# The one home of the rule (DESIGN.md §3: catalog owns it). The cart (add, change, «Загрузить
# в корзину»), the checkout page, checkout itself, «Перезаказ» and the API all ask
# `offer_orderable_check`, so the same problem reads the same everywhere. Seed 004 «Работа с
# корзиной»: the client orders from what a warehouse has, never below its minimum order.

OFFER_GONE_MESSAGE = "Предложение больше не продаётся: обновите страницу и выберите другое."

# The most pieces one cart or order line may hold, whatever the stock: a client-typed number
# must never reach an integer column it does not fit (PostgreSQL `integer` ends at 2**31 − 1).
MAX_ORDER_QUANTITY = 100_000
_MAX_SHOWN = f"{MAX_ORDER_QUANTITY:,}".replace(",", "\u00a0")

# The short form of each problem, for a cell of a table (the rows of «Загрузить в корзину»).
_SHORT = {
    "offer_not_found": "нет в продаже",
    "warehouse_inactive": "склад не принимает заказы",
    "out_of_stock": "нет в наличии",
}


class OfferNotOrderable(ApplicationError):
    """Why `quantity` pieces of an offer cannot be ordered, with a stable code:

    `quantity_too_big`, `offer_not_found`, `warehouse_inactive`, `out_of_stock`, `not_enough_stock`,
    `below_min_order`. Besides the sentence (`message`) it carries the facts a caller may act on
    (`available`: how many more pieces can still go to the cart; `min_order`), the short form
    for a table cell (`short`) and the article it is about (`label`, «BOSCH 0 986 452 041»).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str = "quantity",
        label: str = "",
        short: str = "",
        available: int = 0,
        min_order: int = 1,
    ) -> None:
        super().__init__(code, message, field=field)
        self.label = label
        self.short = short or _SHORT.get(code, message)
        self.available = available
        self.min_order = min_order

    @property
    def labelled(self) -> str:
        """The message after the article: «BOSCH 0 986 452 041: в наличии осталось 1 шт., …»."""
        if not self.label:
            return self.message
        return f"{self.label}: {self.message[:1].lower()}{self.message[1:]}"


def offer_label(offer: Offer) -> str:
    """«BOSCH 0 986 452 041»: how a message names an article (needs `product__brand`)."""
    return f"{offer.product.brand.name} {offer.product.article}"


def order_quantity_problem(quantity: int) -> OfferNotOrderable | None:
    """«quantity_too_big» when a line would hold more than `MAX_ORDER_QUANTITY` pieces, or None.

    Part of `offer_orderable_problem`; asked on its own where a typed number is parsed, before
    any offer is looked at (the cart's quantity fields, the rows of «Загрузить в корзину»).
    """
    if quantity <= MAX_ORDER_QUANTITY:
        return None
    return OfferNotOrderable(
        "quantity_too_big",
        f"Слишком большое количество: не больше {_MAX_SHOWN} шт. в одной позиции.",
        short=f"слишком большое количество (не больше {_MAX_SHOWN} шт.)",
    )


def offer_orderable_problem(
    *, offer: Offer | None, quantity: int, in_cart: int = 0
) -> OfferNotOrderable | None:
    """Why the client's cart line cannot hold `quantity` pieces of `offer`, or None.

    `quantity` is what the line would hold (what would be ordered); `in_cart` what it holds
    now. When they are equal the line is judged as it stands (the checkout page, checkout) and
    the message speaks of the cart: «В наличии осталось 1 шт., в корзине 2 шт.»; otherwise a
    change is judged (add, change, import, «Перезаказ»): «Можно заказать не больше 3 шт.».
    `offer` needs `warehouse` and `product__brand` loaded; no query is made.
    """
    if offer is None:
        return OfferNotOrderable("offer_not_found", OFFER_GONE_MESSAGE, field="offer")
    return offer_facts_problem(
        stock=offer.quantity,
        minimum=offer.min_order_quantity,
        warehouse_active=offer.warehouse.is_active,
        warehouse_name=offer.warehouse.name,
        label=lambda: offer_label(offer),
        quantity=quantity,
        in_cart=in_cart,
    )


def offer_facts_problem(
    *,
    stock: int,
    minimum: int,
    warehouse_active: bool,
    warehouse_name: str,
    label: Callable[[], str],
    quantity: int,
    in_cart: int = 0,
) -> OfferNotOrderable | None:
    """`offer_orderable_problem` on the plain facts of an existing offer: its stock, minimum
    order and warehouse, with the article's label (`offer_label`) asked only when a message
    needs it. The cart import judges 10,000 rows this way without model instances.
    """
    too_big = order_quantity_problem(quantity)
    if too_big is not None:
        return too_big
    if warehouse_active and stock > 0 and minimum <= quantity <= stock:
        return None  # the common case, decided before any message is built
    held = quantity == in_cart and in_cart > 0
    facts = {
        "label": label(),
        "available": max(stock - in_cart, 0),
        "min_order": minimum,
    }
    if not warehouse_active:
        return OfferNotOrderable(
            "warehouse_inactive",
            f"Склад «{warehouse_name}» сейчас не принимает заказы — "
            "выберите другое предложение в поиске.",
            field="offer",
            **facts,
        )
    if stock <= 0:
        message = (
            f"Товар закончился, в корзине {in_cart} шт. Удалите позицию из корзины."
            if in_cart
            else "Товара нет в наличии."
        )
        return OfferNotOrderable("out_of_stock", message, **facts)
    if quantity > stock:
        if held:
            message = (
                f"В наличии осталось {stock} шт., в корзине {in_cart} шт. Уменьшите количество."
            )
        else:
            tail = f" (в корзине уже {in_cart} шт.)" if in_cart else ""
            message = f"Можно заказать не больше {stock} шт.{tail}"
        return OfferNotOrderable(
            "not_enough_stock",
            message,
            short=f"недостаточно на складе (есть {facts['available']})",
            **facts,
        )
    if quantity < minimum:
        tail = f", в корзине {in_cart} шт." if held else ""
        return OfferNotOrderable(
            "below_min_order",
            f"Минимальный заказ — {minimum} шт.{tail}",
            short=f"ниже минимального заказа ({minimum} шт.)",
            **facts,
        )
    return None


def offer_orderable_check(*, offer: Offer | None, quantity: int, in_cart: int = 0) -> None:
    """Raise `OfferNotOrderable` when the cart line cannot hold `quantity` pieces of `offer`
    (see `offer_orderable_problem` for the meaning of the arguments)."""
    problem = offer_orderable_problem(offer=offer, quantity=quantity, in_cart=in_cart)
    if problem is not None:
        raise problem


def offer_quantity_fit(*, offer: Offer, wanted: int, in_cart: int = 0) -> int:
    """How many pieces to add to the `in_cart` ones when the client wants `wanted` more:
    raised to the minimum order, cut to the stock («Перезаказ», «добавить, сколько есть»).

    Raises the rule's `OfferNotOrderable` when not a single piece can be added.
    """
    total = min(max(in_cart + wanted, offer.min_order_quantity), offer.quantity)
    if total <= in_cart:
        offer_orderable_check(offer=offer, quantity=in_cart + max(wanted, 1), in_cart=in_cart)
    offer_orderable_check(offer=offer, quantity=total, in_cart=in_cart)
    return total - in_cart


class StockNotReserved(ApplicationError):
    """`offer_stock_reserve` found offers that cannot give what is asked; nothing was taken.

    `problems` lists each offer's `OfferNotOrderable`; the message is the first one after its
    article, with the number of the others.
    """

    def __init__(self, problems: list[OfferNotOrderable]) -> None:
        more = f" И ещё позиций с ошибками: {len(problems) - 1}." if len(problems) > 1 else ""
        super().__init__("stock_not_reserved", problems[0].labelled + more)
        self.problems = problems


RESERVE_BATCH = 500


def offer_stock_reserve(*, quantities: dict[int, int]) -> dict[int, Offer]:
    """Take `quantities` ({offer id: pieces}) off the offers' stock, all or nothing.

    Checkout's reservation (issue 3: «stock is reserved»): the offers are locked in primary-key
    order (two checkouts never deadlock), every one is judged by the one rule as a cart line
    holding that many pieces, and only when all pass is the stock decreased — one UPDATE per
    500 offers. Returns the locked offers (with warehouse, product and brand) by id; raises
    `StockNotReserved` otherwise.

    No savepoint of its own inside checkout's transaction (issue 13): the refusal is raised
    after the atomic block, when nothing was written, so a caller that catches it may go on.
    """
    with transaction.atomic(savepoint=False):
        offers = {
            offer.pk: offer
            for offer in Offer.objects.select_for_update(of=("self",))
            .filter(pk__in=list(quantities))
            .select_related("warehouse", "product__brand")
            .order_by("pk")
        }
        problems = [
            problem
            for offer_id, pieces in sorted(quantities.items())
            if (
                problem := offer_orderable_problem(
                    offer=offers.get(offer_id), quantity=pieces, in_cart=pieces
                )
            )
        ]
        if not problems:
            ids = sorted(quantities)
            for start in range(0, len(ids), RESERVE_BATCH):
                batch = ids[start : start + RESERVE_BATCH]
                taken = Case(
                    *(When(pk=offer_id, then=Value(quantities[offer_id])) for offer_id in batch),
                    default=Value(0),
                )
                Offer.objects.filter(pk__in=batch).update(quantity=F("quantity") - taken)
    if problems:
        raise StockNotReserved(problems)
    for offer_id in ids:
        offers[offer_id].quantity -= quantities[offer_id]
    return offers


def offer_stock_release(*, offer_id: int | None, quantity: int) -> bool:
    """Give `quantity` reserved pieces back to the offer's stock (a refused order line).

    One atomic UPDATE (`F()`), so concurrent releases and reservations add up. An offer removed
    from the price list meanwhile (`offer_id` None or gone) has nothing to give back: False.
    """
    if offer_id is None or quantity <= 0:
        return False
    return bool(Offer.objects.filter(pk=offer_id).update(quantity=F("quantity") + quantity))
