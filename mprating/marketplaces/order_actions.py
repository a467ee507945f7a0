"""«Оформить выкуп» on the back office order page, offered through the orders hook
(`orders.hooks`, `where=BACKOFFICE`): orders (floor 5) never imports marketplaces (floor 6)
nor names its pages. Registered in `MarketplacesConfig.ready()`."""

from django.urls import reverse

from mprating.marketplaces.models import Buyout, BuyoutStatus
from mprating.orders.hooks import LineAction
from mprating.orders.models import OrderLine, Source


def buyout_line_actions(lines: list[OrderLine]) -> dict[int, list[LineAction]]:
    """«Оформить выкуп» for each marketplace line of the page that has no buyout yet (a
    cancelled one does not count: the line may be bought out again) and is not finished (a
    line handed out or refused is never bought out). One query when the page has such lines,
    none otherwise."""
    candidates = [
        line.pk for line in lines if line.source == Source.MARKETPLACE and not line.status.is_final
    ]
    if not candidates:
        return {}
    taken = set(
        Buyout.objects.filter(line_id__in=candidates)
        .exclude(status=BuyoutStatus.CANCELLED)
        .values_list("line_id", flat=True)
    )
    add_url = reverse("admin:marketplaces_buyout_add")
    return {
        line_id: [
            LineAction(
                label="Оформить выкуп",
                url=f"{add_url}?line={line_id}",
                name="line-buyout",
                hint="Выкупить позицию на маркетплейсе в партнёрский ПВЗ",
                permission="marketplaces.add_buyout",
            )
        ]
        for line_id in candidates
        if line_id not in taken
    }
