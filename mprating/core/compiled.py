"""A model query compiled once and run with new values (issue 13: the fixed cost of a page).

Compiling an ORM query to SQL (joins, columns, ORDER BY, converters) costs ~1,500 Python calls
for a select_related fetch; the signed-in user is fetched that way on every page of the back
office and the cabinet, always with the same statement and another id. `CompiledQuery` compiles
the queryset once per database connection with a marker value in the place of the varying one,
and builds the instances from each row exactly as Django's `ModelIterable` does (`from_db`, the
select_related populators, the backend's converters).

A queryset it cannot keep (the marker not found exactly once among the parameters, composite
columns, annotations, extra selects) raises at compile time, so the caller sees it in tests.
"""

from collections.abc import Callable

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class _Statement:
    """A queryset's statement compiled for the connection of `using`; `marker`, when not None,
    is the one parameter that changes from run to run."""

    def __init__(self, queryset: QuerySet, marker, using: str):
        compiler = queryset.query.get_compiler(using=using)
        self.connection = compiler.connection
        sql, params = compiler.as_sql()
        positions = [
            index
            for index, value in enumerate(params)
            if marker is not None and type(value) is type(marker) and value == marker
        ]
        if marker is not None and len(positions) != 1:
            raise ValueError(f"the marker {marker!r} is not one of the statement's parameters")
        klass_info = compiler.klass_info
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if (
            compiler.annotation_col_map
            or compiler.has_extra_select
            or compiler.has_composite_fields(fields)
            or queryset._known_related_objects
        ):
            raise ValueError("CompiledQuery keeps plain model rows only")
        self.sql = sql
        self.params = list(params)
        self.position = positions[0] if marker is not None else None
        self.converters = list(compiler.get_converters(fields).items())
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.model = klass_info["model"]
        self.init_list = [
            column[0].target.attname for column in compiler.select[self.start : self.end]
        ]
        self.populators = get_related_populators(klass_info, compiler.select, using)

    def convert(self, rows):
        """`SQLCompiler.apply_converters`."""
        connection = self.connection
        for row in map(list, rows):
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            yield row

    def objects(self, using: str, params) -> list:
        """The model instances of the statement run with `params`."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        if self.converters:
            rows = self.convert(rows)
        model, init_list, populators = self.model, self.init_list, self.populators
        start, end = self.start, self.end
        objects = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class CompiledQuery:
    """`CompiledQuery(lambda marker: Model.objects.….filter(pk=marker)[:1], marker=-1)`, then
    `.rows(value)` → the model instances the queryset would give with `value` for the marker.
    """

    def __init__(self, make_queryset: Callable[[object], QuerySet], *, marker, model):
        self.make_queryset = make_queryset
        self.marker = marker
        self.model = model
        # Per database, made for its connection object of this thread (the converters are that
        # connection's own): another thread's connection compiles its own.
        self._statements: dict[str, _Statement] = {}

    def statement(self, using: str) -> _Statement:
        statement = self._statements.get(using)
        if statement is None or statement.connection is not connections[using]:
            queryset = self.make_queryset(self.marker).using(using)
            statement = self._statements[using] = _Statement(queryset, self.marker, using)
        return statement

    def rows(self, value) -> list:
        using = router.db_for_read(self.model)
        statement = self.statement(using)
        params = statement.params.copy()
        params[statement.position] = value
        return statement.objects(using, params)
