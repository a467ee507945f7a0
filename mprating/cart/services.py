"""Every change of the client's cart (seed 004 «Работа с корзиной»).

Search, the cart page, the API and «Загрузить в корзину» all add through `cart_add`. The
quantity is a whole number of pieces, at least 1; whether the line may hold it (stock, minimum
order, active warehouse) is the catalog's one rule, `catalog.services.offer_orderable_check`,
so it reads the same here, at checkout and in «Перезаказ». At checkout the cart hands its
lines over to the order (`cart_lines_hand_over`): the order never deletes cart rows itself.

The cart holds the offer, not a price: the cart page, checkout and finance use the offer's real
price; the client's «Индивидуальная наценка» is shown in search only.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from mprating.accounts.models import Client
from mprating.cart.models import CartImport, CartLine
from mprating.catalog.models import Offer
from mprating.catalog.services import (
    MAX_ORDER_QUANTITY,
    offer_orderable_check,
    order_quantity_problem,
)
from mprating.core.errors import ApplicationError, NotFound

MAX_COMMENT = 255
BATCH = 500
LINE_NOT_FOUND = "Такой строки нет в вашей корзине."


def parse_whole_quantity(value: object) -> int:
    """`value` as a whole number of pieces ≥ 1, or ApplicationError «bad_quantity»; more than
    the catalog's `MAX_ORDER_QUANTITY` raises its «quantity_too_big»."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        # More digits than any allowed quantity has: too big, without building a huge int.
        too_long = text.isdigit() and len(text.lstrip("0")) > 12
        value = MAX_ORDER_QUANTITY + 1 if too_long else int(text) if text.isdigit() else None
    if not isinstance(value, int) or value < 1:
        raise ApplicationError(
            "bad_quantity", "Укажите количество целым числом, не меньше 1.", field="quantity"
        )
    too_big = order_quantity_problem(value)
    if too_big is not None:
        raise too_big
    return value


def _locked_lines():
    # Lock the cart line only, not the joined offer/product rows (PostgreSQL FOR UPDATE OF).
    return CartLine.objects.select_for_update(of=("self",))


def _offer_for_cart(offer_id: object, quantity: int) -> Offer:
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
    offer = _offer_for_cart(offer_id, quantity)
    comment = (comment or "").strip()[:MAX_COMMENT]
    line = _locked_lines().filter(client=client, offer=offer).first()
    if line is None:
        offer_orderable_check(offer=offer, quantity=quantity)
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
    offer_orderable_check(offer=offer, quantity=line.quantity + quantity, in_cart=line.quantity)
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
    """Change the quantity of one of the client's lines, by the same rule as `cart_add` (the new
    quantity replaces the old one, so it is judged as a request of its own)."""
    quantity = parse_whole_quantity(quantity)
    line = _own_line(client=client, line_id=line_id)
    offer_orderable_check(offer=line.offer, quantity=quantity)
    if quantity != line.quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, client: Client, line_id: int) -> None:
    line = _own_line(client=client, line_id=line_id)
    line.delete()


@dataclass(frozen=True)
class HandedOverLine:
    """A cart line as the order receives it at checkout."""

    offer_id: int
    quantity: int
    comment: str


@transaction.atomic(savepoint=False)
def cart_lines_hand_over(*, client: Client) -> list[HandedOverLine]:
    """Checkout takes the client's whole cart: lock the lines (primary-key order, the line rows
    only), remove them and return what they held, in that order.

    Called inside the checkout transaction, so a checkout that fails later rolls the removal
    back with everything else; a twin checkout waiting on these locks finds the cart empty.
    No savepoint of its own (two statements less per checkout): nothing here is caught and
    retried, a database error ends the caller's transaction as a whole.
    """
    lines = list(
        CartLine.objects.select_for_update(of=("self",))
        .filter(client=client)
        .order_by("pk")
        .values_list("pk", "offer_id", "quantity", "comment")
    )
    ids = [row[0] for row in lines]
    for start in range(0, len(ids), BATCH):
        CartLine.objects.filter(pk__in=ids[start : start + BATCH]).delete()
    return [
        HandedOverLine(offer_id=offer_id, quantity=quantity, comment=comment)
        for _, offer_id, quantity, comment in lines
    ]


@transaction.atomic
def cart_erase_personal_data(client_id: int) -> None:
    """Issue 12 (152-ФЗ), through `accounts.hooks`: a client whose data are erased loses the
    cart and the files uploaded into it (nothing of it is an accounting record)."""
    CartLine.objects.filter(client_id=client_id).delete()
    CartImport.objects.filter(client_id=client_id).delete()
