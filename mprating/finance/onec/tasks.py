"""Background sync with 1С (Django Tasks API). Tasks take ids and are safe to run twice."""

import logging

from django_tasks import task

from mprating.accounts.models import Client
from mprating.finance.onec import services

logger = logging.getLogger(__name__)


@task()
def onec_sync_client(*, client_id: int) -> str:
    """Refresh one client's balance and movements from 1С; returns the outcome."""
    try:
        return services.sync_client(client_id=client_id).status
    except Client.DoesNotExist:
        return "gone"
    except Exception:  # the worker keeps running; the next sync retries
        logger.exception("1С sync of client %s crashed", client_id)
        return "failed"


@task()
def onec_sync_all() -> dict[str, int]:
    """Queue a sync of every client with an ИНН or a link (e.g. from cron, hourly)."""
    return services.sync_all(enqueue=True)
