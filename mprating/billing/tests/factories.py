"""Packages and purchases are made through the services, as in production."""

import uuid
from datetime import datetime
from decimal import Decimal
from itertools import count

import time_machine

from mprating.accounts.models import Client
from mprating.billing import services
from mprating.billing.models import Package, PackagePurchase, PurchaseMethod
from mprating.billing.services import PackageData

_numbers = count(1)


def make_package(
    *,
    name: str = "",
    price: str = "1000.00",
    requests: int = 10,
    days: int = 30,
    on_sale: bool = True,
    sort_order: int = 100,
    description: str = "",
) -> Package:
    return services.package_create(
        data=PackageData(
            name=name or f"Пакет {next(_numbers)}",
            price=Decimal(price),
            requests_included=requests,
            validity_days=days,
            description=description,
            is_on_sale=on_sale,
            sort_order=sort_order,
        ),
        by=None,
    )


def order_by_invoice(client: Client, package: Package) -> PackagePurchase:
    return services.package_purchase_create(
        client=client,
        package_id=package.pk,
        payment_method=PurchaseMethod.INVOICE,
        idempotency_key=uuid.uuid4(),
    )


def make_paid_purchase(
    client: Client, package: Package, *, paid_at: datetime | None = None, by=None
) -> PackagePurchase:
    """A purchase by invoice whose payment is confirmed at `paid_at` (default now)."""
    purchase = order_by_invoice(client, package)
    if paid_at is None:
        services.package_purchases_confirm_payment(purchase_ids=[purchase.pk], by=by)
    else:
        with time_machine.travel(paid_at, tick=False):
            services.package_purchases_confirm_payment(purchase_ids=[purchase.pk], by=by)
    purchase.refresh_from_db()
    return purchase
