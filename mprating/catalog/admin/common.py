"""Pieces shared by the catalog's admins: Russian titles for related filters, article search,
the related names of a list read as columns of its page (`ListedColumnsMixin`).

The filters' titles and the listed columns are the vehicle reference's (`mprating.vehicles.admin`,
the floor below), so both back office sections read their lists one way.
"""

from django.db.models import Q

from mprating.catalog.normalize import normalize_article
from mprating.vehicles.admin import ListedColumnsMixin, titled

__all__ = ["ListedColumnsMixin", "article_filter", "titled"]


def article_filter(term: str, *paths: str) -> Q | None:
    """Rows whose article (under any of `paths`) starts with the term in any spelling."""
    key = normalize_article(term)
    if not key:
        return None
    condition = Q()
    for prefix in paths:
        condition |= Q(**{f"{prefix}article_normalized__startswith": key})
    return condition
