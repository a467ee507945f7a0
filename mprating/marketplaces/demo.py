"""Demo marketplace accounts and buyouts (wired into `seed_demo` as `seed(stdout=...)`).

Accounts on Wildberries and Ozon in every status: active ones, some ending their service life
within 30 days (one today), one taken by the demo operator («Занят»), one switched off by hand
and one whose service life has already ended; targets of active accounts per marketplace.
Buyouts on the demo client's marketplace lines (the demo catalog sells on Wildberries): the
lines the manager already moved get buyouts in the matching status, and one more order shows
a received and a cancelled-then-bought-again buyout. The line in «Новый» is left for the
operator to «Оформить выкуп».

Everything goes through the services. Deterministic (dates relative to today) and idempotent:
accounts are found by marketplace and login, buyouts are made only when there are none.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.marketplaces import services
from mprating.marketplaces.models import (
    Buyout,
    BuyoutStatus,
    MarketplaceAccount,
    MarketplaceSettings,
)

OPERATOR = "operator@demo.mprating.ru"
DEMO_CLIENT = "client@demo.mprating.ru"

# marketplace, name, login, days of service left (last day = today + days), state, notes
ACCOUNTS = [
    ("wildberries", "WB-01 Коледино", "+79035550101", 240, "active", "Основной для выкупов"),
    ("wildberries", "WB-02 Подольск", "wb.buyer02@mprating.ru", 180, "active", ""),
    ("wildberries", "WB-03 Электросталь", "+79035550103", 12, "active", "Продлить до конца месяца"),
    ("wildberries", "WB-04 Казань", "wb.buyer04@mprating.ru", 0, "active", ""),
    ("wildberries", "WB-05 Тула", "+79035550105", 150, "busy", ""),
    ("wildberries", "WB-06 Рязань", "wb.buyer06@mprating.ru", 90, "inactive", ""),
    ("wildberries", "WB-07 Тверь", "+79035550107", -5, "active", "Срок службы закончился"),
    ("ozon", "OZ-01 Хоругвино", "+79165550201", 300, "active", ""),
    ("ozon", "OZ-02 Пушкино", "oz.buyer02@mprating.ru", 25, "active", ""),
    ("ozon", "OZ-03 Ногинск", "+79165550203", 1, "active", ""),
    ("ozon", "OZ-04 Гривно", "oz.buyer04@mprating.ru", 120, "inactive", ""),
    ("ozon", "OZ-05 Петровское", "+79165550205", 200, "active", ""),
]
TARGETS = {"wildberries": 6, "ozon": 4}


def _password(name: str) -> str:
    return f"Demo-{name.split()[0]}-2026!"


def _accounts(operator: User | None, stdout) -> dict[str, MarketplaceAccount]:
    today = timezone.localdate()
    made = {}
    created = 0
    for marketplace, name, login, days, state, notes in ACCOUNTS:
        login_key = services.normalize_login(login)
        account = MarketplaceAccount.objects.filter(
            marketplace=marketplace, login=login_key
        ).first()
        if account is None:
            account = services.account_create(
                marketplace=marketplace,
                name=name,
                login=login,
                secret=_password(name),
                service_until=today + timedelta(days=max(days, 30)),
                notes=notes,
                actor=operator,
            )
            created += 1
            if days < 30:
                # As time would have done: the service life was shortened later (or ran out).
                account = services.account_update(
                    account_id=account.pk,
                    marketplace=marketplace,
                    name=name,
                    login=login,
                    service_until=today + timedelta(days=days),
                    notes=notes,
                    actor=operator,
                )
            if state == "inactive":
                services.account_deactivate(
                    account_id=account.pk, actor=operator, reason="Заблокирован маркетплейсом"
                )
            elif state == "busy" and operator is not None:
                services.account_take(account_id=account.pk, actor=operator)
        made[name] = account
    services.accounts_refresh()
    if not MarketplaceSettings.objects.filter(pk=1).exists():
        services.settings_update(
            target_wildberries=TARGETS["wildberries"], target_ozon=TARGETS["ozon"], actor=None
        )
    stdout.write(
        f"Аккаунты маркетплейсов: добавлено {created}, всего {MarketplaceAccount.objects.count()}."
    )
    return made


def _buyouts(operator: User, client: Client, accounts: dict[str, MarketplaceAccount], stdout):
    from mprating.cart.services import cart_add
    from mprating.catalog.models import Offer
    from mprating.orders.models import OrderLine, Source
    from mprating.orders.services import order_place
    from mprating.pickup_points.models import PickupPoint

    if Buyout.objects.exists():
        stdout.write("Выкупы уже есть.")
        return
    account = accounts["WB-01 Коледино"]
    # The demo orders' marketplace lines the manager already moved: buyouts to match.
    steps = {
        "Выкуплен": [],
        "В пути в ПВЗ": [BuyoutStatus.IN_TRANSIT],
        "В ПВЗ": [BuyoutStatus.IN_TRANSIT, BuyoutStatus.AT_POINT],
    }
    lines = (
        OrderLine.objects.filter(
            client=client, source=Source.MARKETPLACE, status__name__in=list(steps)
        )
        .select_related("status", "order")
        .order_by("pk")
    )
    number = 4_812_300
    for line in lines:
        number += 17
        buyout = services.buyout_create(
            line_id=line.pk,
            account_id=account.pk,
            marketplace_order_number=str(number),
            amount=line.price * line.quantity,
            pickup_point_id=line.order.pickup_point_id,
            actor=operator,
        )
        for status in steps[line.status.name]:
            services.buyout_status_set(buyout_id=buyout.pk, status=status, actor=operator)

    # One more order: a buyout received (the line is «Отгружен»), and one cancelled (the
    # marketplace cancelled it) and bought again with another account.
    offers = list(
        Offer.objects.filter(
            warehouse__kind="marketplace", warehouse__is_active=True, quantity__gte=10
        )
        .select_related("product")
        .order_by("pk")[12:14]
    )
    point = PickupPoint.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    point = point.first()
    if len(offers) < 2 or point is None:
        stdout.write(f"Выкупы: {Buyout.objects.count()}.")
        return
    for offer in offers:
        cart_add(client=client, offer_id=offer.pk, quantity=offer.min_order_quantity)
    order = order_place(
        client=client,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, "mprating-demo-marketplace-buyouts"),
        payment_method="on_receipt",
        recipient_phone=client.user.phone,
        comment="",
        pickup_point_id=point,
    )
    received_line, cancelled_line = order.lines.order_by("pk")
    received = services.buyout_create(
        line_id=received_line.pk,
        account_id=accounts["WB-02 Подольск"].pk,
        marketplace_order_number="4812501",
        amount=received_line.price * received_line.quantity,
        pickup_point_id=point,
        actor=operator,
    )
    for status in (BuyoutStatus.IN_TRANSIT, BuyoutStatus.AT_POINT, BuyoutStatus.RECEIVED):
        services.buyout_status_set(buyout_id=received.pk, status=status, actor=operator)
    cancelled = services.buyout_create(
        line_id=cancelled_line.pk,
        account_id=accounts["WB-02 Подольск"].pk,
        marketplace_order_number="4812502",
        amount=cancelled_line.price * cancelled_line.quantity,
        pickup_point_id=point,
        actor=operator,
    )
    services.buyout_status_set(
        buyout_id=cancelled.pk,
        status=BuyoutStatus.CANCELLED,
        actor=operator,
        comment="Маркетплейс отменил заказ: товара нет на складе",
    )
    services.buyout_create(
        line_id=cancelled_line.pk,
        account_id=accounts["WB-03 Электросталь"].pk,
        marketplace_order_number="4812577",
        amount=cancelled_line.price * cancelled_line.quantity,
        pickup_point_id=point,
        actor=operator,
    )
    stdout.write(f"Выкупы: {Buyout.objects.count()}.")


@transaction.atomic
def seed(*, stdout) -> None:
    operator = User.objects.filter(email=OPERATOR).first()
    accounts = _accounts(operator, stdout)
    client = Client.objects.select_related("user").filter(user__email=DEMO_CLIENT).first()
    if operator is not None and client is not None:
        _buyouts(operator, client, accounts, stdout)
