"""Every change of the client's cart (seed 004 «Работа с корзиной»).

Search, the cart page, the API and «Загрузить в корзину» all add through `cart_add`, so the
rules below read the same everywhere:

- the quantity is a whole number of pieces, at least 1;
- the resulting quantity of the line (what was in the cart plus what is added) is at least the
  offer's minimum order and at most what the warehouse has in stock;
- the offer's warehouse is active.

The cart holds the offer, not a price: the cart page, checkout and finance use the offer's real
price; the client's «Индивидуальная наценка» is shown in search only.
"""

from django.db import IntegrityError, transaction

from mprating.accounts.models import Client
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.core.errors import ApplicationError, NotFound

MAX_COMMENT = 255
LINE_NOT_FOUND = "Такой строки нет в вашей корзине."


def parse_whole_quantity(value: object) -> int:
    """`value` as a whole number of pieces ≥ 1, or ApplicationError «bad_quantity»."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        value = int(text) if text.isdigit() else None
    if not isinstance(value, int) or value < 1:
        raise ApplicationError(
            "bad_quantity", "Укажите количество целым числом, не меньше 1.", field="quantity"
        )
    return value


def check_quantity(*, offer: Offer, total: int, in_cart: int = 0) -> None:
    """The line may hold `total` pieces of `offer` (stock, minimum order, active warehouse)."""
    if not offer.warehouse.is_active:
        raise ApplicationError(
            "warehouse_inactive",
            "Склад этого предложения сейчас не отгружает товар — выберите другое предложение.",
            field="offer",
        )
    if offer.quantity <= 0:
        raise ApplicationError("out_of_stock", "Товара нет в наличии.", field="quantity")
    if total > offer.quantity:
        tail = f" (в корзине уже {in_cart} шт.)" if in_cart else ""
        raise ApplicationError(
            "not_enough_stock",
            f"Можно заказать не больше {offer.quantity} шт.{tail}",
            field="quantity",
        )
    if total < offer.min_order_quantity:
        raise ApplicationError(
            "below_min_order",
            f"Минимальный заказ — {offer.min_order_quantity} шт.",
            field="quantity",
        )


def _locked_lines():
    # Lock the cart line only, not the joined offer/product rows (PostgreSQL FOR UPDATE OF).
    return CartLine.objects.select_for_update(of=("self",))


def _offer_for_cart(offer_id: object) -> Offer:
    try:
        offer_id = int(offer_id)
    except (TypeError, ValueError):
        offer_id = 0
    offer = Offer.objects.select_related("warehouse", "product__brand").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("Предложение не найдено: обновите страницу поиска.", field="offer")
    return offer


@transaction.atomic
def cart_add(*, client: Client, offer_id: int, quantity: int, comment: str = "") -> CartLine:
    """Put `quantity` pieces of the offer in the cart, or add them to its line.

    One line per client and offer (a database constraint); a second add increases it.
    A non-empty `comment` (e.g. from a file row) replaces the line's comment.
    """
    quantity = parse_whole_quantity(quantity)
    offer = _offer_for_cart(offer_id)
    comment = (comment or "").strip()[:MAX_COMMENT]
    line = _locked_lines().filter(client=client, offer=offer).first()
    if line is None:
        check_quantity(offer=offer, total=quantity)
        try:
            # A parallel add of the same offer may win the race: then increase its line.
            with transaction.atomic():
                line = CartLine.objects.create(
                    client=client, offer=offer, quantity=quantity, comment=comment
                )
            line.offer = offer
            return line
        except IntegrityError:
            line = _locked_lines().get(client=client, offer=offer)
    check_quantity(offer=offer, total=line.quantity + quantity, in_cart=line.quantity)
    line.quantity += quantity
    fields = ["quantity"]
    if comment:
        line.comment = comment
        fields.append("comment")
    line.save(update_fields=fields)
    line.offer = offer
    return line


def _own_line(*, client: Client, line_id: object) -> CartLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        line_id = 0
    line = (
        _locked_lines()
        .filter(client=client, pk=line_id)
        .select_related("offer__warehouse", "offer__product__brand")
        .first()
    )
    if line is None:
        raise NotFound(LINE_NOT_FOUND)
    return line


@transaction.atomic
def cart_line_set_quantity(*, client: Client, line_id: int, quantity: int) -> CartLine:
    """Change the quantity of one of the client's lines, by the same rules as `cart_add`."""
    quantity = parse_whole_quantity(quantity)
    line = _own_line(client=client, line_id=line_id)
    check_quantity(offer=line.offer, total=quantity)
    if quantity != line.quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, client: Client, line_id: int) -> None:
    line = _own_line(client=client, line_id=line_id)
    line.delete()
