"""Hooks through which apps on higher floors add to the catalog's cabinet pages.

After a reload, the search page shows on each offer how many pieces are already in the client's
cart («В корзине: 2 шт.»), as the row does right after «В корзину». The cart (floor 4) owns
those numbers and catalog (floor 3) may not import it (DESIGN.md §3): the cart registers
`provider(*, client, offer_ids) -> {offer_id: pieces}` with `on_offers_in_cart` in its
`AppConfig.ready()`, and the search and selection pages call `rows_with_cart(...)` once per
page — one query, however many rows. A provider's failure is logged and the rows are shown
without the numbers (the «В корзину» form is still there).
"""

import dataclasses
import logging
from collections.abc import Callable

from mprating.accounts.models import Client
from mprating.catalog.selectors import OfferRow

logger = logging.getLogger(__name__)

InCartProvider = Callable[..., dict[int, int]]
_in_cart_providers: list[InCartProvider] = []


def on_offers_in_cart(provider: InCartProvider) -> None:
    """Register `provider(*, client, offer_ids)`; registering the same function twice has no
    effect."""
    if provider not in _in_cart_providers:
        _in_cart_providers.append(provider)


def rows_with_cart(rows: list[OfferRow], *, client: Client) -> list[OfferRow]:
    """The same rows, each with `in_cart` set to the pieces of its offer in the client's cart."""
    if not rows:
        return rows
    offer_ids = [row.offer_id for row in rows]
    pieces: dict[int, int] = {}
    for provider in list(_in_cart_providers):
        try:
            answer = provider(client=client, offer_ids=offer_ids)
        except Exception:  # the cart's trouble must not take the search page down
            logger.exception("In-cart provider %r failed", provider)
            continue
        for offer_id, count in answer.items():
            pieces[offer_id] = pieces.get(offer_id, 0) + count
    if not pieces:
        return rows
    return [
        dataclasses.replace(row, in_cart=pieces[row.offer_id]) if row.offer_id in pieces else row
        for row in rows
    ]
