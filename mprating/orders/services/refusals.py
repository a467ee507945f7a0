"""Refusals and «Перезаказ» (seed 004 «Заказы»), each a move of the transition table.

«Отказаться от заказа» is possible «только до момента присвоения позиции статуса “Отгружен”»;
the last column then reads «Отказ от заказа на рассмотрении», and after the manager confirms
it reads «Отказ клиента». «Статус отказ всегда автоматически снабжается системой кнопкой
“Перезаказ”». Every function here says WHICH move it makes; what the move writes is the
table's (`orders.transitions`) and only the gatekeeper (`line_status_set`) writes it.
"""

from django.db import transaction

from mprating.accounts.models import Client, User
from mprating.cart.models import CartLine
from mprating.cart.selectors import cart_quantity_of_offer
from mprating.cart.services import cart_add
from mprating.catalog.selectors import best_offers_for_products
from mprating.catalog.services import OfferNotOrderable, offer_quantity_fit
from mprating.core.errors import ApplicationError, NotFound
from mprating.orders.models import OrderLine
from mprating.orders.services.statuses import LINE_NOT_FOUND, line_status_set, locked_lines
from mprating.orders.transitions import Event


def own_locked_line(*, client: Client, line_id: object) -> OrderLine:
    """The client's line, locked; another client's id reads as «not found» (→ 404)."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        pk = 0
    lines = locked_lines([pk], client=client)
    if not lines:
        raise NotFound(LINE_NOT_FOUND)
    return lines[0]


def _reloaded(line: OrderLine) -> OrderLine:
    return OrderLine.objects.select_related("status").get(pk=line.pk)


@transaction.atomic
def line_refusal_request(*, client: Client, line_id: int) -> OrderLine:
    """«Отказаться от заказа» (seed 004): only before «Отгружен».

    The request waits for a manager; the last column reads «Отказ от заказа на рассмотрении»
    and the history gets a row (in the line's current status, by the client) saying so.
    A second click changes nothing.
    """
    line = own_locked_line(client=client, line_id=line_id)
    line_status_set(line_ids=[line.pk], actor=client.user, event=Event.REFUSAL_REQUEST)
    return _reloaded(line)


@transaction.atomic
def line_refusal_confirm(*, line_ids: list[int], actor: User) -> int:
    """The manager confirms the clients' refusal requests: the lines get «Отказ», the last
    column reads «Отказ клиента», the refusal is not seen yet, the reserved stock goes back.
    Lines without a pending request are skipped; returns how many were confirmed."""
    return len(line_status_set(line_ids=line_ids, actor=actor, event=Event.REFUSAL_CONFIRM))


@transaction.atomic
def line_refusal_decline(*, line_ids: list[int], actor: User, comment: str) -> int:
    """The manager declines the refusal requests; the comment (required) is what the client
    reads in the last column. Lines without a pending request are skipped."""
    changes = line_status_set(
        line_ids=line_ids, actor=actor, comment=comment, event=Event.REFUSAL_DECLINE
    )
    return len(changes)


@transaction.atomic
def line_refuse(*, line_ids: list[int], actor: User, reason: str) -> int:
    """A refusal for another reason (seed 004: «Нет в наличии у поставщика»): the lines get
    «Отказ» with the reason as the manager's comment, the stock of those not shipped yet goes
    back. Lines already in «Отказ» are skipped; a pending client request is answered by this
    refusal."""
    return len(line_status_set(line_ids=line_ids, actor=actor, comment=reason, event=Event.REFUSE))


@transaction.atomic
def line_refusal_seen_set(*, client: Client, line_id: int, seen: bool) -> OrderLine:
    """Seed 004, the 10th column: the client ticks that a refusal was seen."""
    line = own_locked_line(client=client, line_id=line_id)
    event = Event.SEEN if seen else Event.UNSEEN
    line_status_set(line_ids=[line.pk], actor=client.user, event=event)
    return _reloaded(line)


@transaction.atomic
def line_reorder(*, client: Client, line_id: int) -> CartLine:
    """«Перезаказ» (seed 004): the same product's current best offer goes to the cart.

    The quantity is the line's, raised to the offer's minimum order and cut to its stock
    (counting what the cart already holds of that offer) — the catalog's one rule decides, and
    its message names the article.
    """
    line = own_locked_line(client=client, line_id=line_id)
    label = f"{line.brand_name} {line.article}"
    offer = (
        best_offers_for_products([line.product_id]).get(line.product_id)
        if line.product_id
        else None
    )
    if offer is None or offer.quantity <= 0:
        raise ApplicationError(
            "no_offer",
            f"{label}: сейчас нет предложений в наличии. Поищите аналоги в поиске по артикулу.",
        )
    in_cart = cart_quantity_of_offer(client=client, offer_id=offer.pk)
    try:
        quantity = offer_quantity_fit(offer=offer, wanted=line.quantity, in_cart=in_cart)
        return cart_add(client=client, offer_id=offer.pk, quantity=quantity, comment=line.comment)
    except OfferNotOrderable as error:
        raise ApplicationError(error.code, error.labelled, field=error.field) from None
