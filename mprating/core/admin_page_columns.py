"""A back office list whose admin annotates computed columns (statuses from the clock, counts
over related rows, balances) reads them on the page's rows only (issue 13, target 1).

Resolving the annotations cost ~0.7–1.2 ms a page, the count of an annotated query (a GROUP BY
or a LEFT JOIN) was compiled on every visit where a plain query's count and rows are compiled
once (`core.kept_queries`), and an empty list annotated for nothing. With `PageColumnsMixin`
the list counts, filters and searches the admin's rows without the columns and adds them
(`page_columns`) to the page's rows — to the whole list when it needs them: sorted by one of
them, or what `page_columns_for_whole_list` adds (a filter that reads them). Every other page of
the admin (an object, the actions' confirmations) asks `get_queryset` outside the list and
gets the columns: an admin's `get_queryset` returns its rows without them only when
`listed_root(request)` says the list is asking; the export adds them (`export_queryset`).
"""

from django.contrib.admin.views.main import ORDER_VAR

LISTING = "_mp_page_columns_listing"


class PageColumnsMixin:
    """For a ModelAdmin: `page_column_names` are the annotations `page_columns(queryset)` adds;
    its `get_queryset` leaves them out when `listed_root(request)`."""

    page_column_names: tuple[str, ...] = ()

    def page_columns(self, queryset):
        raise NotImplementedError

    def page_columns_for_whole_list(self, changelist, request) -> bool:
        """Does the whole list need the columns? When it is sorted by one of them."""
        return sorted_by(changelist, request, self.page_column_names)

    def get_changelist_instance(self, request):
        # Only the list's own root: `get_queryset` asked by anything else gets the columns.
        request.__dict__[LISTING] = self
        try:
            return super().get_changelist_instance(request)
        finally:
            request.__dict__.pop(LISTING, None)

    def listed_root(self, request) -> bool:
        """Is `get_queryset` asked for the list's root (the rows without the columns)?"""
        return request is not None and request.__dict__.get(LISTING) is self

    def get_changelist(self, request, **kwargs):
        return page_columns_changelist(super().get_changelist(request, **kwargs))

    def with_page_columns(self, queryset):
        """`queryset` with the columns, unless it has them."""
        if set(self.page_column_names) <= queryset.query.annotations.keys():
            return queryset
        return self.page_columns(queryset)

    def export_queryset(self, queryset):
        return self.with_page_columns(queryset)


def sorted_by(changelist, request, names) -> bool:
    """Does the list's ordering (the admin's, or the one asked in `o=`) name a column of
    `names`? Read as `ChangeList.get_ordering` reads it."""
    fields = list(changelist.model_admin.get_ordering(request) or ())
    for part in (changelist.params.get(ORDER_VAR) or "").split("."):
        try:
            name = changelist.list_display[int(part.rpartition("-")[2])]
        except (IndexError, ValueError):
            continue
        fields.append(changelist.get_ordering_field(name))
    return any(type(field) is str and field.lstrip("-") in names for field in fields)


_page_columns_classes: dict[type, type] = {}


def page_columns_changelist(base: type) -> type:
    """The changelist class `base` reading the admin's page columns (an admin that picks its
    own changelist class returns it through this)."""
    changelist = _page_columns_classes.get(base)
    if changelist is None:

        class changelist(base):  # renamed below as the class it stands for
            def get_queryset(self, request, exclude_parameters=None):
                admin = self.model_admin
                if admin.page_columns_for_whole_list(self, request):
                    self.root_queryset = admin.with_page_columns(self.root_queryset)
                return super().get_queryset(request, exclude_parameters)

            def get_results(self, request):
                super().get_results(request)
                if self.result_count:  # an empty list's rows are not read (NoRowsNoQueryMixin)
                    self.result_list = self.model_admin.with_page_columns(self.result_list)

        changelist.__name__ = base.__name__
        changelist.__qualname__ = base.__qualname__
        _page_columns_classes[base] = changelist
    return changelist
