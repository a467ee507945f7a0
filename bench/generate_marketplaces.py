"""Data for the «Аккаунты маркетплейсов» benchmarks: 10,000 marketplace accounts, 500 pickup
points and 1,000,000 buyouts (each on its own marketplace order line) on PostgreSQL.

    .venv/bin/python bench/generate_marketplaces.py            # once; --force to regenerate

Own database (default `postgres://postgres@127.0.0.1:5432/mprating_bench_market`, or
`--database-url`, or `$BENCH_MARKET_DATABASE_URL`; the name must contain «bench»): it is
created and migrated when missing. Self-contained: a small catalog (one brand, 2,000
products, a Wildberries and an Ozon warehouse), 200 clients, 200,000 orders of 5 marketplace
lines each, then the buyouts — every line bought with an account of its marketplace, statuses
spread like a living store (most received, the recent ones on their way, some cancelled), the
order line in the status its buyout maps to. The big tables are written with PostgreSQL COPY
(psycopg 3), columns read from the models. Deterministic (fixed seed). The accounts' passwords
are real Fernet tokens of a bench-only key. History rows are not generated (the measured pages
do not read them).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261130
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_market"
# A fixed Fernet key for the bench database only (never used anywhere else).
BENCH_SECRET_KEY = "YmVuY2gtbWFya2V0cGxhY2VzLWtleS0zMmJ5dGVzIT0="
ACCOUNTS = 10_000
POINTS = 500
LINES = 1_000_000
LINES_PER_ORDER = 5
CLIENTS = 200
PRODUCTS = 2_000
APPS = (
    "accounts",
    "catalog",
    "cart",
    "pickup_points",
    "orders",
    "marketplaces",
    "partners",
    "returns",
    "billing",
    "finance",
    "sessions",
    "admin",
    "axes",
)


def database_url(cli_value: str | None) -> str:
    return _common.database_url(
        cli_value or os.environ.get("BENCH_MARKET_DATABASE_URL") or DEFAULT_URL
    )


def setup(cli_value: str | None) -> str:
    url = database_url(cli_value)
    if _common.ensure_database(url):
        print(f"Created database {_common.database_name(url)}", flush=True)
    os.environ.setdefault("MARKETPLACE_SECRET_KEYS", BENCH_SECRET_KEY)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)
    return url


def columns_of(model, skip=("id",)) -> list:
    return [f for f in model._meta.concrete_fields if f.column not in skip]


def row_of(fields: list, values: dict) -> tuple:
    """The row in the order of `fields`; a column not given gets the field's default."""
    return tuple(values[f.attname] if f.attname in values else f.get_default() for f in fields)


def copy_rows(cursor, table: str, fields: list, rows, with_id: bool = True) -> int:
    names = (["id"] if with_id else []) + [f.column for f in fields]
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import connection, transaction
    from django.utils import timezone

    from mprating.accounts.models import Client, User
    from mprating.catalog.models import Brand, Product, Warehouse
    from mprating.catalog.normalize import normalize_article
    from mprating.marketplaces import crypto
    from mprating.marketplaces.models import (
        Buyout,
        BuyoutLineStatus,
        BuyoutStatus,
        MarketplaceAccount,
        MarketplaceSettings,
    )
    from mprating.orders.models import Order, OrderLine, OrderStatus
    from mprating.pickup_points.models import PickupPoint

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM marketplaces_buyout")
        existing = cursor.fetchone()[0]
    if existing >= LINES and not args.force:
        print(f"marketplaces_buyout already has {existing:,} rows; use --force to regenerate.")
        return

    rng = random.Random(SEED)
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    step = time.perf_counter()

    def done(what: str) -> None:
        nonlocal step
        print(f"  {what}: {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE marketplaces_buyouthistory, marketplaces_buyout, "
            "marketplaces_accounthistory, marketplaces_marketplaceaccount, "
            "orders_statuschange, orders_orderline, orders_order RESTART IDENTITY CASCADE"
        )
        # ---- small tables through the ORM ----
        brand, _ = Brand.objects.get_or_create(name="BENCH-MP")
        warehouses = {}
        for code, name, marketplace in (
            ("bench-wb", "Wildberries (бенчмарк)", "wildberries"),
            ("bench-ozon", "Ozon (бенчмарк)", "ozon"),
        ):
            warehouses[marketplace], _ = Warehouse.objects.get_or_create(
                code=code,
                defaults={"name": name, "kind": "marketplace", "marketplace": marketplace},
            )
        if Product.objects.filter(brand=brand).count() < PRODUCTS:
            Product.objects.filter(brand=brand).delete()
            Product.objects.bulk_create(
                [
                    Product(
                        brand=brand,
                        article=f"MP-{i:06d}",
                        article_normalized=normalize_article(f"MP-{i:06d}"),
                        name=f"Деталь для выкупа {i}",
                    )
                    for i in range(PRODUCTS)
                ],
                batch_size=1000,
            )
        products = list(
            Product.objects.filter(brand=brand).values_list("id", "article", "name").order_by("id")
        )
        if PickupPoint.objects.filter(name__startswith="ПВЗ бенчмарк").count() < POINTS:
            PickupPoint.objects.bulk_create(
                [
                    PickupPoint(
                        name=f"ПВЗ бенчмарк № {i:03d}",
                        address=f"г. Москва, ул. Бенчмарковая, д. {i}",
                        is_active=i % 50 != 0,
                    )
                    for i in range(1, POINTS + 1)
                ]
            )
        points = list(
            PickupPoint.objects.filter(name__startswith="ПВЗ бенчмарк").values_list("id", flat=True)
        )
        clients = []
        for index in range(CLIENTS):
            user, _ = User.objects.get_or_create(
                email=f"bench-market-{index}@mprating.local",
                defaults={"phone": f"+7997{index:07d}", "last_name": "Выкупов"},
            )
            client, _ = Client.objects.get_or_create(user=user)
            clients.append(client.pk)
        staff, _ = User.objects.get_or_create(
            email="bench-operator@mprating.local",
            defaults={"is_staff": True, "is_superuser": True, "phone": "+79970009999"},
        )
        MarketplaceSettings.objects.update_or_create(
            pk=1, defaults={"target_wildberries": 6000, "target_ozon": 3500}
        )
        done("catalog, points, clients")

        # ---- 10,000 accounts: every status, service lives over two years ----
        token = crypto.fernet()
        accounts: dict[str, list[int]] = {"wildberries": [], "ozon": []}
        batch = []
        for i in range(ACCOUNTS):
            marketplace = "wildberries" if i % 5 < 3 else "ozon"
            roll = rng.random()
            status, taken_by, taken_at = "active", None, None
            if roll < 0.05:
                status = "inactive"
            elif roll < 0.08:
                status, taken_by = "busy", staff
                taken_at = now - timedelta(minutes=rng.randrange(0, 200))
            batch.append(
                MarketplaceAccount(
                    marketplace=marketplace,
                    name=f"{marketplace[:2].upper()}-{i:05d}",
                    login=f"+7996{i:07d}" if i % 2 else f"bench.buyer{i}@mprating.local",
                    secret_token=token.encrypt(f"bench-pass-{i}".encode()).decode(),
                    service_until=today + timedelta(days=rng.randrange(-200, 500)),
                    status=status,
                    taken_by=taken_by,
                    taken_at=taken_at,
                    created_at=now - timedelta(days=rng.randrange(200, 900)),
                )
            )
        created = MarketplaceAccount.objects.bulk_create(batch, batch_size=2000)
        for account in created:
            accounts[account.marketplace].append(account.pk)
        done(f"{ACCOUNTS:,} accounts (Fernet tokens)")

        # ---- 200,000 orders, 1,000,000 marketplace lines, 1,000,000 buyouts ----
        mapping = {
            row.buyout_status: row.line_status_id
            for row in BuyoutLineStatus.objects.all()
            if row.line_status_id
        }
        new_status = OrderStatus.objects.get(role="new").pk
        order_fields = columns_of(Order)
        line_fields = columns_of(OrderLine)
        buyout_fields = columns_of(Buyout)
        orders_total = LINES // LINES_PER_ORDER
        span_minutes = 365 * 24 * 60
        raw = cursor.cursor

        def when(order_id: int):
            return now - timedelta(minutes=(orders_total - order_id) * span_minutes // orders_total)

        def order_rows():
            for order_id in range(1, orders_total + 1):
                yield (
                    order_id,
                    *row_of(
                        order_fields,
                        {
                            "number": Order.number_for(order_id),
                            "client_id": clients[order_id % CLIENTS],
                            "created_at": when(order_id),
                            "comment": "",
                            "payment_method": "on_receipt",
                            "recipient_phone": "+79161234567",
                            "pickup_point_id": points[order_id % len(points)],
                            "delivery_address": "",
                            "archived_at": None,
                            "idempotency_key": uuid.UUID(int=rng.getrandbits(128)),
                        },
                    ),
                )

        n_orders = copy_rows(raw, "orders_order", order_fields, order_rows())
        done(f"{n_orders:,} orders")

        # Per line, compactly: its marketplace and the status of its buyout.
        marketplaces_of = ["wildberries", "ozon"]
        statuses_of = [s.value for s in BuyoutStatus]
        plan_marketplace = bytearray()
        plan_status = bytearray()

        def line_rows():
            line_id = 0
            for order_id in range(1, orders_total + 1):
                created = when(order_id)
                age = (now - created).days
                for _ in range(LINES_PER_ORDER):
                    line_id += 1
                    marketplace = "wildberries" if rng.random() < 0.6 else "ozon"
                    roll = rng.random()
                    if age > 20:
                        buyout = "cancelled" if roll < 0.04 else "received"
                    elif age > 7:
                        buyout = rng.choice(["at_point", "received", "received", "in_transit"])
                    else:
                        buyout = rng.choice(["placed", "placed", "in_transit", "at_point"])
                    plan_marketplace.append(marketplaces_of.index(marketplace))
                    plan_status.append(statuses_of.index(buyout))
                    status = new_status if buyout == "cancelled" else mapping[buyout]
                    product_id, article, name = products[rng.randrange(len(products))]
                    yield (
                        line_id,
                        *row_of(
                            line_fields,
                            {
                                "order_id": order_id,
                                "client_id": clients[order_id % CLIENTS],
                                "product_id": product_id,
                                "offer_id": None,
                                "brand_name": "BENCH-MP",
                                "article": article,
                                "product_name": name,
                                "quantity": 1 + rng.randrange(3),
                                "price": Decimal(rng.randrange(20_000, 900_000)) / 100,
                                "warehouse_id": warehouses[marketplace].pk,
                                "source": "marketplace",
                                "delivery_days": 3,
                                "expected_delivery_date": (created + timedelta(days=3)).date(),
                                "is_returnable": True,
                                "return_days": 14,
                                "return_deduction_percent": Decimal("0"),
                                "comment": "",
                                "status_id": status,
                                "status_changed_at": created + timedelta(days=1),
                                "refusal_state": "",
                                "refusal_seen": False,
                                "manager_comment": "",
                            },
                        ),
                    )

        n_lines = copy_rows(raw, "orders_orderline", line_fields, line_rows())
        done(f"{n_lines:,} order lines")

        def buyout_rows():
            for index in range(len(plan_status)):
                line_id = index + 1
                marketplace = marketplaces_of[plan_marketplace[index]]
                status = statuses_of[plan_status[index]]
                order_id = (line_id - 1) // LINES_PER_ORDER + 1
                created = when(order_id) + timedelta(hours=2)
                yield (
                    line_id,
                    *row_of(
                        buyout_fields,
                        {
                            "account_id": rng.choice(accounts[marketplace]),
                            "marketplace": marketplace,
                            "line_id": line_id,
                            "marketplace_order_number": str(40_000_000 + line_id * 7),
                            "amount": Decimal(rng.randrange(20_000, 900_000)) / 100,
                            "pickup_point_id": points[rng.randrange(len(points))],
                            "status": status,
                            "created_at": created,
                            "created_by_id": staff.pk,
                            "status_changed_at": created + timedelta(days=1),
                        },
                    ),
                )

        n_buyouts = copy_rows(raw, "marketplaces_buyout", buyout_fields, buyout_rows())
        done(f"{n_buyouts:,} buyouts")
        for table in ("orders_order", "orders_orderline", "marketplaces_buyout"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    done("commit (deferred foreign-key checks)")
    # COPY goes around the services: the cabinet frame's counters are rebuilt from the lines.
    from mprating.orders.services import counts_recount

    counts_recount()
    done("frame counters recounted")
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE orders_order, orders_orderline, marketplaces_buyout, "
            "marketplaces_marketplaceaccount, pickup_points_pickuppoint"
        )
    done("vacuum analyze")
    print(
        f"accounts {ACCOUNTS:,}, points {len(points):,}, orders {n_orders:,}, "
        f"lines {n_lines:,}, buyouts {n_buyouts:,} in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
