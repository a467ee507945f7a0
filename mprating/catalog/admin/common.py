"""Pieces shared by the catalog's admins: article search; the Russian titles of related filters
(`core.admin_filters.titled`) and the related names read as columns of a list's page
(`core.admin_listed_columns.ListedColumnsMixin`), shared with the vehicle reference's lists."""

from django.db.models import Q

from mprating.catalog.normalize import normalize_article
from mprating.core.admin_filters import titled
from mprating.core.admin_listed_columns import ListedColumnsMixin

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
