"""Test data of the marketplaces app, made through the services (accounts) and checkout
(marketplace order lines)."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.marketplaces import services
from mprating.marketplaces.models import MarketplaceAccount
from mprating.orders.models import OrderLine
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

SECRET = "Пароль-Ozon-2026!"
_numbers = count(1)


def make_operator(email: str | None = None) -> User:
    return make_staff(roles.OPERATOR, email=email or f"operator{next(_numbers)}@example.ru")


def make_manager(email: str | None = None) -> User:
    return make_staff(roles.MANAGER, email=email or f"manager{next(_numbers)}@example.ru")


def make_account(
    marketplace: str = "ozon",
    *,
    name: str | None = None,
    login: str | None = None,
    secret: str = SECRET,
    service_until: date | None = None,
    days: int = 200,
    actor: User | None = None,
) -> MarketplaceAccount:
    n = next(_numbers)
    return services.account_create(
        marketplace=marketplace,
        name=name or f"{marketplace[:2].upper()}-{n:03d}",
        login=login or f"buyer{n}@example.ru",
        secret=secret,
        service_until=service_until or timezone.localdate() + timedelta(days=days),
        notes="",
        actor=actor,
    )


def marketplace_lines(
    client: Client | None = None,
    *,
    marketplace: str = Warehouse.Marketplace.OZON,
    count_: int = 1,
    kind: str = Warehouse.Kind.MARKETPLACE,
) -> list[OrderLine]:
    """Placed order lines fulfilled by a buyout on `marketplace` (or from a `kind` warehouse)."""
    client = client or make_client()
    extra = {"marketplace": marketplace} if kind == Warehouse.Kind.MARKETPLACE else {}
    warehouse = make_warehouse(kind, **extra)
    for _ in range(count_):
        add_to_cart(client, make_offer(make_product(), warehouse, price="1500.00", quantity=20))
    order = place_order(client, pickup_point=make_pickup_point())
    return list(order.lines.select_related("status", "order").order_by("pk"))
