"""Statements compiled once per process whose one varying value is a list of ids (issue 13).

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

from django.db import connections
from django.db.models import QuerySet

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
