"""A back office list with no rows does not ask the database for them (issue 13, target 1).

Django's changelist counts the rows and then, when they fit on one page, fetches them all: an
empty queue («Возвраты», «VIN-запросы», «Заявки партнёров» on a quiet day) still compiled and
sent the page's statement (its joins, annotations and ordering: 0.3–1.5 ms) to get nothing back.
With a count of 0 the rows are an empty queryset: the same page, one statement less (three on
a list with a date hierarchy). A row added between the two statements is shown on the next
page load, as one added after them.

Not for lists with an estimated count (`admin_paging.EstimatedCountMixin`): an estimate of 0
does not say the list is empty.
"""

_classes: dict[type, type] = {}


def _evaluated_empty(queryset):
    """`queryset.none()` already read: evaluating `none()` still compiles the statement's
    select list and ordering before it finds there is nothing to ask."""
    empty = queryset.none()
    empty._result_cache = []
    empty._prefetch_done = True
    return empty


def _without_rows_statement(base: type) -> type:
    changelist = _classes.get(base)
    if changelist is None:

        class changelist(base):
            def get_results(self, request):
                super().get_results(request)
                if self.result_count == 0:
                    self.result_list = _evaluated_empty(self.result_list)
                    # Read after this only by the date hierarchy (its first and last date,
                    # the years or days to offer): none of an empty list, with no statement.
                    self.queryset = self.queryset.none()

        changelist.__name__ = base.__name__
        changelist.__qualname__ = base.__qualname__
        _classes[base] = changelist
    return changelist


class NoRowsNoQueryMixin:
    """For a ModelAdmin: its changelist sends no statement for the rows of an empty list."""

    def get_changelist(self, request, **kwargs):
        return _without_rows_statement(super().get_changelist(request, **kwargs))
