"""Pieces shared by the catalog's admins: Russian titles for related filters, article search."""

from django.db.models import Q

from mprating.catalog.normalize import normalize_article


def titled(base: type, title: str) -> type:
    """A related-field filter with a Russian title (the foreign keys have no verbose_name)."""

    class Filter(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    Filter.__name__ = f"{base.__name__}_{title}"
    return Filter


def article_filter(term: str, *paths: str) -> Q | None:
    """Rows whose article (under any of `paths`) starts with the term in any spelling."""
    key = normalize_article(term)
    if not key:
        return None
    condition = Q()
    for prefix in paths:
        condition |= Q(**{f"{prefix}article_normalized__startswith": key})
    return condition
