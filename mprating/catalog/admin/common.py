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


class ListedColumnsMixin:
    """For a ModelAdmin: its list reads the related names it shows (`listed_columns`: name →
    expression) as columns of its own statement instead of building the related objects
    («Предложения»: a product, its brand and a warehouse per row, ~3,500 Python calls a page of
    50). The count and the export read as before (the export its related objects:
    `export_related`)."""

    listed_columns: dict = {}
    export_related: tuple = ()

    def get_changelist(self, request, **kwargs):
        return _with_columns(super().get_changelist(request, **kwargs))

    def export_queryset(self, queryset):
        return queryset.select_related(*self.export_related)


_with_columns_classes: dict[type, type] = {}


def _with_columns(base: type) -> type:
    changelist = _with_columns_classes.get(base)
    if changelist is None:

        class changelist(base):  # renamed below as the class it stands for
            def get_results(self, request):
                super().get_results(request)
                # The page's rows only: the count (or its estimate) keeps its own statement,
                # without the joins the names need.
                self.result_list = self.result_list.annotate(**self.model_admin.listed_columns)

        changelist.__name__ = base.__name__
        changelist.__qualname__ = base.__qualname__
        _with_columns_classes[base] = changelist
    return changelist
