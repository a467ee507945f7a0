"""The statements of a plain list query, compiled once and kept (issue 13: the back office's
fixed cost).

A back office list that nothing filters runs the same two statements on every visit: the count
and the page's rows, each compiled anew (~1,500 Python calls for the rows with their
select_related joins, ~450 for the count). A query is *plain* when it is a fresh `Query` of its
model except for what a list sets — `select_related`, an ordering by field names, the page's
slice — with no WHERE, annotation, extra, join, deferral or anything else: then those few values
and the database name exactly the statement, and the statement compiled once is kept under them.
Any other query (a search, a filter, an admin whose `get_queryset` filters or annotates) is
compiled as Django compiles it. The rows are built as `ModelIterable` builds them
(`core.compiled`); the count is the number Django's `Query.get_count` statement gives.
"""

from django.db import connections
from django.db.models.query import ModelIterable, QuerySet
from django.db.models.sql.query import Query
from django.utils.hashable import make_hashable

from mprating.core.compiled import ModelStatement
from mprating.core.kept import Kept

MISSING = object()
# What a list sets on its query; everything else must be as in a fresh Query of the model.
LIST_SETS = frozenset({"select_related", "order_by", "low_mark", "high_mark"})

_fresh: dict[type, dict] = {}
_rows = Kept(limit=500)
_counts = Kept(limit=500)


def plain_key(query: Query, using: str) -> tuple | None:
    """What names the statement of `query` exactly, or None when it is not plain."""
    model = query.model
    fresh = _fresh.get(model)
    if fresh is None:
        fresh = _fresh[model] = Query(model).__dict__
    values = query.__dict__
    if type(query) is not Query or fresh.keys() - values.keys():
        return None
    for name, value in values.items():
        if name in LIST_SETS:
            continue
        expected = fresh.get(name, MISSING)
        if expected is MISSING:
            expected = getattr(Query, name, MISSING)
            if expected is MISSING:
                return None
        if value is not expected and not (type(value) is type(expected) and value == expected):
            return None
    order_by = query.order_by
    if not all(type(name) is str for name in order_by):
        return None
    return (
        using,
        model,
        make_hashable(query.select_related),
        order_by,
        query.low_mark,
        query.high_mark,
    )


def _statement(queryset: QuerySet, key: tuple) -> ModelStatement:
    statement = _rows.get(key)
    if statement is None or statement.connection is not connections[key[0]]:
        statement = ModelStatement(queryset, None, key[0])
        if len(_rows) >= _rows.limit:
            _rows.clear()
        _rows[key] = statement
    return statement


class KeptModelIterable(ModelIterable):
    """`ModelIterable` with the statement of a plain query kept."""

    def __iter__(self):
        queryset = self.queryset
        using = queryset.db
        key = None if self.chunked_fetch else plain_key(queryset.query, using)
        if key is None or queryset._known_related_objects:
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        yield from (statement := _statement(queryset, key)).objects(using, statement.params)


class KeptCountMixin:
    """`QuerySet.count` with the count statement of a plain query kept."""

    def count(self):
        if self._result_cache is not None:
            return len(self._result_cache)
        using = self.db
        key = plain_key(self.query, using)
        if key is None:
            return super().count()
        database, model, select_related, _, low_mark, high_mark = key
        key = (database, model, select_related, low_mark, high_mark)  # the ordering aside
        connection = connections[using]
        kept = _counts.get(key)
        if kept is None or kept[0] is not connection:
            statements = []

            def capture(execute, sql, params, many, context):
                statements.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(capture):
                number = super().count()
            if len(statements) == 1:
                if len(_counts) >= _counts.limit:
                    _counts.clear()
                sql, params = statements[0]
                _counts[key] = (connection, sql, params if params is None else tuple(params))
            return number
        _, sql, params = kept
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])


_kept_classes: dict[type, type] = {}


def kept_statements(queryset: QuerySet) -> QuerySet:
    """A clone of `queryset` whose rows and count, when its query is plain, come from the
    statements kept for it (slices and clones of it keep that)."""
    if queryset._iterable_class is not ModelIterable or queryset._result_cache is not None:
        return queryset
    cls = type(queryset)
    kept_cls = _kept_classes.get(cls)
    if kept_cls is None:
        kept_cls = _kept_classes[cls] = type(
            cls.__name__, (KeptCountMixin, cls), {"__module__": cls.__module__}
        )
    clone = queryset._chain()
    clone.__class__ = kept_cls
    clone._iterable_class = KeptModelIterable
    return clone


# The statements of list pages under what names them exactly (`kept_page`).
_pages = Kept(limit=500)


class _KeptPageIterable(ModelIterable):
    """The objects of the statement kept under `key` — compiled the first time (and again for
    another connection: the converters are its own) from `shape(queryset)` — given to `then`
    once read."""

    key: tuple = ()
    query = None  # the page's own query: a clone of the page (another query) is Django's
    shape = None
    then = None

    def __iter__(self):
        queryset = self.queryset
        using = queryset.db
        if self.chunked_fetch or queryset.query is not self.query:
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        statement = _pages.get(self.key)
        if statement is None or statement.connection is not connections[using]:
            shaped = queryset._chain()
            shaped._iterable_class = ModelIterable
            if self.shape is not None:
                shaped = self.shape(shaped)
            if shaped._prefetch_related_lookups:
                raise ValueError("a kept page prefetches nothing")
            statement = ModelStatement(shaped, None, using, annotations=True)
            if len(_pages) >= _pages.limit:
                _pages.clear()
            _pages[self.key] = statement
        objects = statement.objects(using, statement.params)
        if self.then is not None:
            self.then(objects)
        yield from objects


def kept_page(queryset: QuerySet, key: tuple, *, shape=None, then=None) -> QuerySet:
    """A clone of `queryset` (a list's page) whose objects are those of `shape(queryset)` — with
    its annotations; a shape reads the rows alone, no prefetch — read with one statement
    compiled once and kept under `key`, and given to `then(objects)` once read.

    `key` must name the shaped statement exactly: every queryset kept under one key is shaped
    into the same SQL and parameters. Callers build it from `plain_key` (the page's query is
    plain: its model, ordering, slice and select_related name it) and what their shape adds.
    The shaping itself (cloning and resolving the query) is skipped once the statement is kept
    (issue 13: ~600–1,500 Python calls a list page). A clone of the result is Django's."""
    if queryset._known_related_objects:
        raise ValueError("kept_page keeps model rows only")
    clone = queryset._chain()
    clone._prefetch_related_lookups = ()  # the shaped page reads the rows alone
    clone._iterable_class = type(
        "KeptPageIterable",
        (_KeptPageIterable,),
        {
            "key": key,
            "query": clone.query,
            "shape": None if shape is None else staticmethod(shape),
            "then": None if then is None else staticmethod(then),
        },
    )
    return clone
