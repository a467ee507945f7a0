"""Caches and bulk lookups the importers share: brands through aliases, products by key."""

from collections.abc import Iterable

from mprating.catalog import services
from mprating.catalog.models import Brand, BrandAlias, Product
from mprating.catalog.normalize import normalize_brand

ProductKey = tuple[int, str]  # (brand_id, article_normalized)


class BrandCache:
    """Every brand spelling (names and aliases, normalized) → brand id, loaded once per job.

    Brands are few (thousands) while rows are many (millions): one query instead of one per row.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = dict(Brand.objects.values_list("name_normalized", "id"))
        self._ids.update(BrandAlias.objects.values_list("alias_normalized", "brand_id"))
        # Spellings as written in the file → id: normalizing is the costly part of a row.
        self._raw: dict[str, int | None] = {}

    def get(self, raw: str) -> int | None:
        if raw not in self._raw:
            if len(self._raw) > 100_000:
                self._raw.clear()
            self._raw[raw] = self._ids.get(normalize_brand(raw))
        return self._raw[raw]

    def get_or_create(self, raw: str) -> int:
        """Price lists bring new brands with them: an unknown brand is created, not rejected."""
        key = normalize_brand(raw)
        brand_id = self._ids.get(key)
        if brand_id is None:
            brand_id = services.brand_get_or_create(name=raw).pk
            self._ids[key] = brand_id
            self._raw.pop(raw, None)
        return brand_id


def existing_products(keys: Iterable[ProductKey]) -> dict[ProductKey, tuple[int, str]]:
    """(brand_id, article_normalized) → (product id, name) for the keys that exist."""
    keys = set(keys)
    if not keys:
        return {}
    rows = Product.objects.filter(
        brand_id__in={brand_id for brand_id, _ in keys},
        article_normalized__in={article for _, article in keys},
    ).values_list("brand_id", "article_normalized", "id", "name")
    return {(b, a): (pk, name) for b, a, pk, name in rows if (b, a) in keys}


def products_get_or_create(wanted: dict[ProductKey, tuple[str, str]]) -> dict[ProductKey, int]:
    """Product ids for `wanted` {key: (article as written, name)}, creating the missing ones.

    Products are found by brand + normalized article (the catalog's unique key); a new product
    keeps the article as the file spells it. A blank name is filled in from the file, a name
    already there is kept (supplier names are often worse than ours).
    """
    found = existing_products(wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        Product.objects.bulk_create(
            [
                Product(
                    brand_id=key[0],
                    article=wanted[key][0][:64],
                    article_normalized=key[1],
                    name=wanted[key][1][:255],
                )
                for key in missing
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        found.update(existing_products(missing))
    to_name = [
        Product(pk=pk, name=wanted[key][1][:255])
        for key, (pk, name) in found.items()
        if not name and wanted[key][1]
    ]
    if to_name:
        Product.objects.bulk_update(to_name, ["name"], batch_size=1000)
    return {key: pk for key, (pk, _) in found.items()}
