"""Several counts in one statement: `counts_together(qs1, qs2, …)` → [n1, n2, …].

The back office sidebar shows a badge per work queue («Отказы на рассмотрении», «VIN-запросы»,
«Запросы на удаление данных») on every page; three `count()` statements were three round trips
for numbers that must stay exact (issue 13). Each count keeps its own WHERE (and so its index).
"""

from django.db import connections
from django.db.models import QuerySet


def counts_statement(*querysets: QuerySet) -> tuple[str, tuple]:
    """The SQL and parameters of `counts_together(*querysets)`: a caller whose querysets never
    change (the sidebar's badges) compiles it once and runs it with `counts_run`."""
    parts: list[str] = []
    params: list = []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        # The ORM's own compiled SQL with its parameters kept apart; no input in the text.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{number})")  # nosec B608
        params.extend(part_params)
    return "SELECT " + ", ".join(parts), tuple(params)


def counts_run(using: str, sql: str, params: tuple) -> list[int]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [int(value) for value in cursor.fetchone()]


def counts_together(*querysets: QuerySet) -> list[int]:
    if not querysets:
        return []
    return counts_run(querysets[0].db, *counts_statement(*querysets))
