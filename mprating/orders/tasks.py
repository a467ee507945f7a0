"""Background tasks of orders."""

from django_tasks import task

from mprating.orders.services import orders_auto_archive


@task()
def auto_archive_orders() -> int:
    """Seed 004: archive finished orders of every client, also of those who do not log in
    (the cabinet archives a client's own orders when it opens). Idempotent; run it daily."""
    return orders_auto_archive()
