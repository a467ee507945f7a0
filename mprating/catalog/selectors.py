"""Reads of the catalog shared by search, the cart import and reorders."""

from django.db.models import QuerySet

from mprating.catalog.models import Offer, Product
from mprating.catalog.normalize import normalize_article


def products_by_article(article: str) -> QuerySet[Product]:
    """All products with this article in any spelling, one per brand."""
    key = normalize_article(article)
    return (
        Product.objects.filter(article_normalized=key)
        .select_related("brand")
        .order_by("brand__name")
    )


def best_offers_for_products(product_ids: list[int]) -> dict[int, Offer]:
    """The offer to pick for each product: in stock first, then cheapest, then fastest.

    One query for any number of products (used row by row by the cart import).
    """
    best: dict[int, Offer] = {}
    offers = (
        Offer.objects.filter(product_id__in=product_ids, warehouse__is_active=True)
        .select_related("warehouse", "product", "product__brand")
        .order_by("product_id", "-quantity", "price", "delivery_days", "id")
    )
    for offer in offers:
        current = best.get(offer.product_id)
        if current is None or _better(offer, current):
            best[offer.product_id] = offer
    return best


def _better(candidate: Offer, current: Offer) -> bool:
    def key(offer: Offer) -> tuple:
        return (offer.quantity <= 0, offer.price, offer.delivery_days, offer.pk)

    return key(candidate) < key(current)
