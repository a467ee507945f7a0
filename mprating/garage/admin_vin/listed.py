"""The VIN requests' list reads its counts on the page's rows only (issue 13, target 1)."""

from django.contrib.admin.views.main import ORDER_VAR

LISTING = "_mp_page_columns_listing"


class PageColumnsMixin:
    """For a ModelAdmin whose queryset annotates columns its list shows (issue 13, target 1):
    its list counts, filters and searches the rows without them, and annotates them on the
    page's rows only — on the whole list when it is sorted by one of them. Resolving the
    annotations (four counts over the rows and the chat) cost ~0.7 ms a page,
    and an annotated query is compiled on every visit where a plain one's count and rows are
    compiled once (`core.kept_queries`); an empty list does not annotate at all.

    `page_queryset()` is the admin's queryset without the columns, `page_columns(queryset)`
    adds them (`page_column_names`). Every other page of the admin (an object, its actions)
    gets `get_queryset` as before (it asks `listed_root`); the export adds the columns
    (`export_queryset`). The same mixin as `marketplaces.admin.common.PageColumnsMixin`
    (siblings on a floor do not import each other; its home would be `core`)."""

    page_column_names: tuple[str, ...] = ()

    def page_queryset(self):
        raise NotImplementedError

    def page_columns(self, queryset):
        raise NotImplementedError

    def get_changelist_instance(self, request):
        # Only the list's own root: `get_queryset` asked by anything else stays annotated.
        request.__dict__[LISTING] = self
        try:
            return super().get_changelist_instance(request)
        finally:
            request.__dict__.pop(LISTING, None)

    def listed_root(self, request) -> bool:
        """Is `get_queryset` asked for the list's root (the rows without the columns)?"""
        return request is not None and request.__dict__.get(LISTING) is self

    def get_changelist(self, request, **kwargs):
        return _with_page_columns(super().get_changelist(request, **kwargs))

    def with_page_columns(self, queryset):
        """`queryset` with the columns, unless it has them."""
        if set(self.page_column_names) <= queryset.query.annotations.keys():
            return queryset
        return self.page_columns(queryset)

    def export_queryset(self, queryset):
        return self.with_page_columns(queryset)


def _sorted_by(changelist, request, names) -> bool:
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


def _with_page_columns(base: type) -> type:
    changelist = _page_columns_classes.get(base)
    if changelist is None:

        class changelist(base):  # renamed below as the class it stands for
            def get_queryset(self, request, exclude_parameters=None):
                admin = self.model_admin
                if _sorted_by(self, request, admin.page_column_names):
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
