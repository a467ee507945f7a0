"""Statements compiled once per process (issue 13): those whose one varying value is a list of
ids, and the pages of back office lists kept under what names them exactly (`kept_page`).

The cabinet's order tables read a page's rows by their ids with the same statement on every
page: building it with the ORM cost ~1 ms of CPU a page. Here the queryset is compiled once,
with the ids as ONE parameter (`pk__any_of`, core/lookups.py), and each call only writes the
ids into that parameter. One parameter also keeps the statement in psycopg's cache of parsed
queries, which takes no statement of more than 50 parameters (a page of 50 ids and two more
was parsed again on every execution).

Values come back through the compiler's converters, so a row is what the queryset's
`values_list` would give, on every database.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

from mprating.core.kept import Kept

# Two ids no row has, neither written inside the other.
_FIRST, _SECOND = -1_000_000_007, -2_000_000_009


@dataclass(frozen=True)
class IdsStatement:
    sql: str
    params: tuple
    position: int  # of the ids' parameter among `params`
    prefix: str  # the ids' parameter is prefix + separator.join(ids) + suffix
    separator: str
    suffix: str
    compiler: object

    def rows(self, alias: str, ids: Iterable[int]) -> Iterator:
        """The statement's rows for `ids` (ints), converted as Django converts them, as tuples
        (as `values_list` gives them)."""
        value = self.prefix + self.separator.join(str(int(pk)) for pk in ids) + self.suffix
        params = (*self.params[: self.position], value, *self.params[self.position + 1 :])
        with connections[alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            results = [cursor.fetchall()]
        return self.compiler.results_iter(results, tuple_expected=True)


def ids_statement(make: Callable[[set[int]], QuerySet], alias: str) -> IdsStatement:
    """Compile `make(ids)` — a queryset on `alias` that filters `pk__any_of=ids` (or another
    `…__any_of`) and uses the ids nowhere else — for any ids."""
    compiler = make({_FIRST, _SECOND}).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    found = [
        index
        for index, param in enumerate(params)
        if isinstance(param, str) and str(_FIRST) in param
    ]
    if len(found) != 1:  # pragma: no cover - the queryset does not bind the ids as one value
        raise RuntimeError("the ids are not one parameter of the statement")
    param = params[found[0]]
    first, second = sorted((str(_FIRST), str(_SECOND)), key=param.find)
    start, middle = param.find(first), param.find(second)
    prefix, separator = param[:start], param[start + len(first) : middle]
    suffix = param[middle + len(second) :]
    if (
        middle < 0
        or prefix + separator.join((first, second)) + suffix != param
        or any(str(_SECOND) in str(other) for other in params if other is not param)
    ):  # pragma: no cover - the ids' parameter is not a plain list of numbers
        raise RuntimeError("the ids' parameter is not a list written with one separator")
    return IdsStatement(sql, params, found[0], prefix, separator, suffix, compiler)


class PageStatement:
    """A model queryset's statement (its page of a list) compiled once and run as it is, the
    objects built from each row as Django's `ModelIterable` builds them — annotations
    included, which `core.compiled` does not keep — with the backend's converters."""

    def __init__(self, queryset: QuerySet, alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        klass_info = compiler.klass_info
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if (
            compiler.has_extra_select
            or compiler.has_composite_fields(fields)
            or queryset._known_related_objects
        ):  # pragma: no cover - the lists that keep their page have none of these
            raise ValueError("PageStatement keeps model rows and their annotations only")
        self.connection = compiler.connection
        self.sql, self.params = sql, tuple(params)
        self.compiler = compiler
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.model = klass_info["model"]
        self.init_list = [
            column[0].target.attname for column in compiler.select[self.start : self.end]
        ]
        self.populators = get_related_populators(klass_info, compiler.select, alias)
        names = tuple(compiler.annotation_col_map)
        positions = tuple(compiler.annotation_col_map.values())
        # The annotations go straight into the objects' __dict__ (one call a row rather than a
        # setattr each) unless the model has an attribute of the name (a setter: Django's
        # setattr would call it).
        self.annotations = names, positions
        self.setattr = any(hasattr(self.model, name) for name in names)

    def objects(self, alias: str) -> list:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        model, init_list, populators = self.model, self.init_list, self.populators
        start, end = self.start, self.end
        names, positions = self.annotations
        values_of = itemgetter(*positions) if len(positions) > 1 else None
        objects = []
        for row in self.compiler.results_iter([rows]):
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            if values_of is None or self.setattr:
                for name, position in zip(names, positions, strict=True):
                    setattr(obj, name, row[position])
            else:
                obj.__dict__.update(zip(names, values_of(row), strict=True))
            objects.append(obj)
        return objects


# The page statements of lists, under what names them exactly (`kept_page`).
_pages = Kept(limit=500)


class _KeptPageIterable(ModelIterable):
    """The objects of the statement kept under `key` — compiled the first time (and again for
    another connection: the converters are its own) from `shape(queryset)` — given to `then`
    once read."""

    key: tuple = ()

    @staticmethod
    def shape(queryset: QuerySet) -> QuerySet:  # pragma: no cover - set by kept_page
        return queryset

    @staticmethod
    def then(objects: list) -> None:  # pragma: no cover - set by kept_page
        pass

    def __iter__(self):
        queryset = self.queryset
        alias = queryset.db
        statement = _pages.get(self.key)
        if statement is None or statement.connection is not connections[alias]:
            shaped = queryset._chain()
            shaped._iterable_class = ModelIterable
            shaped = self.shape(shaped)
            if shaped._prefetch_related_lookups:  # pragma: no cover - kept_page drops them
                raise ValueError("a kept page prefetches nothing")
            statement = PageStatement(shaped, alias)
            if len(_pages) >= _pages.limit:
                _pages.clear()
            _pages[self.key] = statement
        objects = statement.objects(alias)
        self.then(objects)
        return iter(objects)


def kept_page(
    queryset: QuerySet,
    key: tuple,
    *,
    shape: Callable[[QuerySet], QuerySet],
    then: Callable[[list], None],
) -> QuerySet:
    """A clone of `queryset` whose objects are those of `shape(queryset)` (a shape that reads
    the rows alone: no prefetch), read with one statement compiled once under `key` and given
    to `then` once read. `key` must name the
    shaped statement exactly: every queryset kept under one key is shaped into the same SQL
    and parameters. The shaping itself (cloning and resolving the query) is skipped once the
    statement is kept (issue 13: ~600 Python calls a list page)."""
    if queryset._known_related_objects:  # pragma: no cover - a list's page has none
        raise ValueError("kept_page keeps model rows only")
    clone = queryset._chain()
    clone._prefetch_related_lookups = ()  # the shaped page reads the rows alone
    clone._iterable_class = type(
        "KeptPageIterable",
        (_KeptPageIterable,),
        {"key": key, "shape": staticmethod(shape), "then": staticmethod(then)},
    )
    return clone
