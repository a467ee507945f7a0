"""Reads of pickup points for checkout and the API."""

from django.db.models import QuerySet

from mprating.pickup_points.models import PickupPoint


def pickup_points_active() -> QuerySet[PickupPoint]:
    """The partner points a client may choose at checkout, by name."""
    return PickupPoint.objects.filter(is_active=True).order_by("name", "id")


def points_for_backoffice() -> QuerySet[PickupPoint]:
    """The back office list: owner and their business joined (one query per page)."""
    return PickupPoint.objects.select_related("owner", "owner__pickup_point_owner")
