"""Background work of finance (the worker is `manage.py db_worker`)."""

from django_tasks import task

from mprating.finance.statements import statement_generate


@task()
def generate_statement(*, statement_id: int) -> None:
    """Make the «акт сверки» `statement_id`; a statement that is not queued is left alone."""
    statement_generate(statement_id)
