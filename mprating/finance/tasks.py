"""Background work of finance (the worker is `manage.py db_worker`)."""

from django_tasks import task

from mprating.core.leases import new_owner
from mprating.finance.statements import statement_generate


@task(takes_context=True)
def generate_statement(context, *, statement_id: int) -> None:
    """Make the «акт сверки» `statement_id`; a statement that is neither queued nor stalled is
    left alone. The task's id is the owner of the statement's lease."""
    statement_generate(statement_id, owner=new_owner(context))
