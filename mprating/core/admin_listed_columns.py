"""A back office list that shows related rows' names reads them as columns of its page's own
statement (issue 13): `ListedColumnsMixin`.

Selecting the related rows made two or three model instances a row (~90 Python calls) only to
print their names; annotating the list's whole query joined the related tables into its count
too. Here the names are annotated on the page's rows only; when nothing filters or searches the
list, the page's statement is named exactly by its plain query and the columns and is kept
(`core.kept_queries.kept_page`).
"""

from django.db.models import QuerySet
from django.db.models.query import ModelIterable

from mprating.core.kept_queries import KeptModelIterable, kept_page, plain_key


class ListedColumnsMixin:
    """For a ModelAdmin: its list reads the related names it shows (`listed_columns`: name →
    expression) as columns of the page's own statement (issue 13). Selecting the related rows
    made two or three model instances a row (~90 Python calls) only to print their names;
    annotating the list's whole query joined the related tables into its count too and made
    every statement of the list one that is compiled on each visit. Here the list's query stays
    as the admin builds it (an unfiltered one: its count kept by `core.kept_queries`), only the
    page's rows are annotated, and when nothing filters or searches them their statement is
    compiled once per exact query state and kept (`listed_page`). The export reads its related
    objects (`export_related`). Used by the reference's and the catalog's lists."""

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
                self.result_list = listed_page(self.result_list, self.model_admin.listed_columns)

        changelist.__name__ = base.__name__
        changelist.__qualname__ = base.__qualname__
        _with_columns_classes[base] = changelist
    return changelist


_MODEL_ITERABLES = (ModelIterable, KeptModelIterable)


def listed_page(page: QuerySet, columns: dict) -> QuerySet:
    """The rows of `page` (a list's page: its queryset sliced) with `columns` annotated. When
    the page's query is plain (`kept_queries.plain_key`: nothing but its ordering, slice and
    select_related differ from a fresh query), that names the annotated statement exactly with
    the columns, so it is compiled once and kept under both; the rows are read anew on every
    visit. Any other page, and any clone of the result, is Django's."""
    if page._result_cache is not None or page._iterable_class not in _MODEL_ITERABLES:
        return page.annotate(**columns)
    key = plain_key(page.query, page.db)
    if key is None or page._known_related_objects:
        return page.annotate(**columns)
    named = tuple((name, repr(expression)) for name, expression in columns.items())
    # The key is read off the plain page; the annotated rows are what is kept under it.
    return kept_page(page.annotate(**columns), ("listed columns", key, named))
