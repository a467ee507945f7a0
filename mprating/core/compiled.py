"""A model query compiled once and run with new values (issue 13: the fixed cost of a page).

Compiling an ORM query to SQL (joins, columns, ORDER BY, converters) costs ~1,500 Python calls
for a select_related fetch; the signed-in user is fetched that way on every page of the back
office and the cabinet, always with the same statement and another id. `CompiledQuery` compiles
the queryset once per database connection with a marker value in the place of the varying one,
and builds the instances from each row exactly as Django's `ModelIterable` does (`from_db`, the
select_related populators, the backend's converters).

A queryset it cannot keep (the marker not found exactly once among the parameters, composite
columns, extra selects; annotations unless asked for) raises at compile time, so the caller
sees it in tests. `ModelStatement` is also what the back office's lists keep their pages'
statements in (`core.kept_queries`).

A row's instance is built as `Model.from_db` builds it — the selected fields set, the others
deferred, `_state` not adding and of the database — without going through `Model.__init__`
when nothing can tell the difference: the model's own `from_db`, `__init__` and
`__setattr__` are Django's and no receiver listens to its `pre_init`/`post_init` (~30 Python
calls a row less; a page of 100 users ~3,000).
"""

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.query import get_related_populators
from django.db.models.signals import post_init, pre_init


def _plain_model(model: type) -> bool:
    """Whether `from_db` may be skipped for `model` (see the module's docstring)."""
    return (
        model.from_db.__func__ is Model.from_db.__func__
        and model.__init__ is Model.__init__
        and model.__setattr__ is Model.__setattr__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


class ModelStatement:
    """A queryset's statement compiled for the connection of `using`; `marker`, when not None,
    is the one parameter that changes from run to run. With `annotations`, the queryset's
    annotations are set on each instance as `ModelIterable` sets them."""

    def __init__(self, queryset: QuerySet, marker, using: str, *, annotations: bool = False):
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
            (compiler.annotation_col_map and not annotations)
            or compiler.has_extra_select
            or compiler.has_composite_fields(fields)
            or queryset._known_related_objects
        ):
            raise ValueError("a kept statement keeps model rows (and their annotations) only")
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
        self.annotations = tuple(compiler.annotation_col_map.items())
        # An annotation named like an attribute of the model (a property with a setter) is set
        # through it, as Django sets it; the others go straight into the instance's __dict__.
        self.annotations_direct = not any(hasattr(self.model, name) for name, _ in self.annotations)

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
        annotations, direct = self.annotations, self.annotations_direct
        bare = _plain_model(model)
        new = object.__new__
        objects = []
        for row in rows:
            if bare:
                obj = new(model)
                values = obj.__dict__
                values.update(zip(init_list, row[start:end], strict=True))
                state = values["_state"] = ModelState()
                state.adding = False
                state.db = using
            else:
                obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            if annotations:
                if direct:
                    obj.__dict__.update((name, row[position]) for name, position in annotations)
                else:
                    for name, position in annotations:
                        setattr(obj, name, row[position])
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
        self._statements: dict[str, ModelStatement] = {}

    def statement(self, using: str) -> ModelStatement:
        statement = self._statements.get(using)
        if statement is None or statement.connection is not connections[using]:
            queryset = self.make_queryset(self.marker).using(using)
            statement = self._statements[using] = ModelStatement(queryset, self.marker, using)
        return statement

    def rows(self, value) -> list:
        using = router.db_for_read(self.model)
        statement = self.statement(using)
        params = statement.params.copy()
        params[statement.position] = value
        return statement.objects(using, params)
