"""Writes to the catalog used everywhere: brands, products, offers, cross-references.

The importers (price lists, cross lists) and the demo data go through these functions, so
normalization and the ordered-pair rule of `CrossLink` live in one place.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
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
