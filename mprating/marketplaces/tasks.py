"""Background work of the marketplaces app."""

from django_tasks import task

from mprating.marketplaces.services import accounts_refresh


@task()
def refresh_marketplace_accounts() -> dict:
    """Record in the accounts' history the takes that timed out and the service lives that
    ended (the statuses themselves are computed on read). Idempotent; run it every few
    minutes or at least nightly (`manage.py marketplace_accounts_refresh` from cron)."""
    result = accounts_refresh()
    return {"released": result.released, "expired": result.expired}
