"""The targets of active accounts (seed 000: «Целевое количество активных учетных записей»)."""

from django.db import transaction

from mprating.core.errors import ApplicationError
from mprating.marketplaces.models import MarketplaceSettings

TARGET_MAX = 100_000


@transaction.atomic
def settings_update(*, target_wildberries: int, target_ozon: int, actor) -> MarketplaceSettings:
    """Save the targets (the one row, pk = 1); only a superuser is offered the form."""
    values = {"target_wildberries": target_wildberries, "target_ozon": target_ozon}
    for field, value in values.items():
        if value is None or int(value) < 0 or int(value) > TARGET_MAX:
            raise ApplicationError(
                "target_invalid", f"Цель — целое число от 0 до {TARGET_MAX}.", field=field
            )
    row, _ = MarketplaceSettings.objects.select_for_update().get_or_create(pk=1)
    row.target_wildberries = int(target_wildberries)
    row.target_ozon = int(target_ozon)
    row.updated_by = actor
    row.save()
    return row
