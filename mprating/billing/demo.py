"""Demo packages and purchases (wired into `seed_demo`, before the demo orders).

Three packages on sale («Старт», «Профи», «Оптовик»). The demo client has «Оптовик» paid (by
invoice, confirmed by the demo operator, 100 days ago) — the demo orders placed after this
seed each take one request of it — and «Старт» ordered by invoice, still awaiting payment.
A few other clients bought packages by invoice over the last months, so that «Покупки
пакетов» and «Выручка» have something to show: they are bought and confirmed through the
services, then their dates are moved back as time would have done.

Deterministic (fixed seed, form keys derived from names) and idempotent: packages are found by
name, and a purchase with the same client and form key is the same purchase.
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from mprating.accounts.models import Client, User
from mprating.billing import services
from mprating.billing.models import (
    Package,
    PackagePurchase,
    PurchaseChange,
    PurchaseMethod,
    PurchaseStatus,
)
from mprating.billing.services import PackageData

DEMO_CLIENT = "client@demo.mprating.ru"
DEMO_OPERATOR = "operator@demo.mprating.ru"
NAMESPACE = uuid.UUID("6f1c2a52-7f0e-4c59-9b0e-2c1d7a3e5b10")
SEED = 20261130
OTHER_BUYERS = 12

PACKAGES = [
    PackageData(
        name="Старт",
        price=Decimal("990.00"),
        requests_included=10,
        validity_days=30,
        description="Для знакомства с магазином: десять заказов за месяц.",
        sort_order=10,
    ),
    PackageData(
        name="Профи",
        price=Decimal("3990.00"),
        requests_included=50,
        validity_days=90,
        description="Для автосервиса: пятьдесят заказов на квартал.",
        sort_order=20,
    ),
    PackageData(
        name="Оптовик",
        price=Decimal("12990.00"),
        requests_included=200,
        validity_days=365,
        description="Для магазинов и перепродажи: двести заказов на год.",
        sort_order=30,
    ),
]


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts))


def _buy(client: Client, package: Package, method: str, key: uuid.UUID) -> PackagePurchase:
    return services.package_purchase_create(
        client=client, package_id=package.pk, payment_method=method, idempotency_key=key
    )


def _confirm(purchase: PackagePurchase, operator: User | None) -> None:
    if purchase.status == PurchaseStatus.AWAITING_PAYMENT:
        services.package_purchases_confirm_payment(purchase_ids=[purchase.pk], by=operator)


def _move_back(purchase: PackagePurchase, days: int) -> None:
    """Date a purchase `days` earlier, as if it had been bought and paid then."""
    purchase.refresh_from_db()
    shift = timedelta(days=days)
    fields = {"created_at": purchase.created_at - shift}
    if purchase.paid_at is not None:
        fields |= {"paid_at": purchase.paid_at - shift, "valid_until": purchase.valid_until - shift}
    PackagePurchase.objects.filter(pk=purchase.pk).update(**fields)
    for change in PurchaseChange.objects.filter(purchase=purchase):
        PurchaseChange.objects.filter(pk=change.pk).update(changed_at=change.changed_at - shift)


@transaction.atomic
def seed(*, stdout) -> None:
    operator = User.objects.filter(email=DEMO_OPERATOR).first()
    packages = {}
    for data in PACKAGES:
        package = Package.objects.filter(name=data.name).first()
        packages[data.name] = package or services.package_create(data=data, by=operator)

    client = Client.objects.select_related("user").filter(user__email=DEMO_CLIENT).first()
    if client is not None and not PackagePurchase.objects.filter(client=client).exists():
        # Paid 100 days ago: the demo orders of «last season» (95 days old) are covered too.
        yearly = _buy(
            client, packages["Оптовик"], PurchaseMethod.INVOICE, _key(DEMO_CLIENT, "Оптовик")
        )
        _confirm(yearly, operator)
        _move_back(yearly, 100)
        _buy(client, packages["Старт"], PurchaseMethod.INVOICE, _key(DEMO_CLIENT, "Старт"))

    # Demo data drawn from a fixed seed so every run is the same: nothing secret.
    rng = random.Random(SEED)  # nosec B311
    buyers = list(
        Client.objects.exclude(user__email=DEMO_CLIENT)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__email")[:OTHER_BUYERS]
    )
    for buyer in buyers:
        if PackagePurchase.objects.filter(client=buyer).exists():
            continue
        name = rng.choice(["Старт", "Старт", "Профи", "Профи", "Оптовик"])
        days_ago = rng.randint(1, 240)
        purchase = _buy(buyer, packages[name], PurchaseMethod.INVOICE, _key(buyer.user.email))
        if days_ago > 3:  # the latest invoices are still waiting for their payment
            _confirm(purchase, operator)
        _move_back(purchase, days_ago)

    stdout.write(
        f"Пакеты: {Package.objects.count()}, покупок пакетов: {PackagePurchase.objects.count()}."
    )
