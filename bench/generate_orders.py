"""Orders for the issue 4 benchmarks: one client with 10,000 orders / 50,000 lines and a store
with ≥ 1,000,000 order lines in all (issue 4, «Performance and tests»).

    .venv/bin/python bench/generate_orders.py            # once; --force to regenerate

Needs the bench catalog (`bench/generate_catalog.py`): lines point at real products and
warehouses. Rows go in with PostgreSQL COPY, in the real tables of `mprating/orders/models.py`
(columns read from the models, so a new field with a default only needs the default here).
Deterministic (fixed seed). Every line gets its «Новый» history row and half of them a second
one; a third of the orders older than three months are archived; some lines are refused, some
with a pending refusal request.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261122
BENCH_CLIENT_EMAIL = "bench-orders@mprating.local"
CLIENT_ORDERS = 10_000
LINES_PER_ORDER = 5
STORE_LINES = 1_000_000
OTHER_CLIENTS = 190
APPS = ("accounts", "catalog", "cart", "pickup_points", "orders")


def columns_of(model, skip=("id",)) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--force", action="store_true")
    parser.add_argument(
        "--store-lines",
        type=int,
        default=STORE_LINES,
        help="lines in the whole store (the bench client gets one order in 20, at most 10,000)",
    )
    args = parser.parse_args()
    url = _common.database_url(args.database_url)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)

    from django.db import connection, transaction
    from django.utils import timezone

    from mprating.accounts.models import Client, User
    from mprating.orders.models import Order, OrderLine, OrderStatus, StatusChange
    from mprating.pickup_points.models import PickupPoint

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_orderline")
        existing = cursor.fetchone()[0]
    if existing >= args.store_lines and not args.force:
        print(f"orders_orderline already has {existing:,} rows; use --force to regenerate.")
        return

    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_statuschange, orders_orderline, orders_order RESTART IDENTITY CASCADE"
        )
        point, _ = PickupPoint.objects.get_or_create(
            name="ПВЗ «Бенчмарк»", defaults={"address": "г. Москва, ул. Тестовая, д. 1"}
        )
        clients = []
        for index in range(OTHER_CLIENTS + 1):
            email = BENCH_CLIENT_EMAIL if index == 0 else f"bench-orders-{index}@mprating.local"
            user, _ = User.objects.get_or_create(
                email=email, defaults={"phone": f"+7998{index:07d}", "last_name": "Бенчмарков"}
            )
            client, _ = Client.objects.get_or_create(user=user)
            clients.append(client.pk)
        cursor.execute(
            "SELECT p.id, b.name, p.article, p.name FROM catalog_product p "
            "JOIN catalog_brand b ON b.id = p.brand_id ORDER BY p.id LIMIT 20000"
        )
        products = cursor.fetchall()
        cursor.execute("SELECT id, kind FROM catalog_warehouse ORDER BY id")
        warehouses = cursor.fetchall()
        statuses = {s.role or s.name: s for s in OrderStatus.objects.all()}
        new, shipped, refused = statuses["new"], statuses["shipped"], statuses["refused"]
        middle = [s for s in OrderStatus.objects.filter(role="") if s.for_home]
        now = timezone.now()

        order_columns = columns_of(Order)
        line_columns = columns_of(OrderLine)
        change_columns = columns_of(StatusChange)
        orders_total = args.store_lines // LINES_PER_ORDER
        # The bench client's orders are spread over the whole year, one in every 20: the recent
        # ones are at work, the old finished ones end up in the archive, as in a real store.
        every = max(orders_total // CLIENT_ORDERS, 20)
        # Orders spread over ~14 months whatever the size (3 minutes apart at 1,000,000 lines),
        # so both scales have an archive and old refusals.
        spacing = timedelta(days=416) / orders_total
        plan = [
            clients[0] if i % every == 0 else clients[1 + i % OTHER_CLIENTS]
            for i in range(orders_total)
        ]
        changes: list[tuple] = []

        def order_rows():
            for order_id, client_id in enumerate(plan, start=1):
                created = now - spacing * (orders_total - order_id)
                archived = created if created < now - timedelta(days=90) and order_id % 3 else None
                values = {
                    "number": f"MP-{order_id:06d}",
                    "client_id": client_id,
                    "created_at": created,
                    "comment": "",
                    "payment_method": "on_receipt",
                    "recipient_phone": "+79161234567",
                    "pickup_point_id": point.pk,
                    "delivery_address": "",
                    "archived_at": archived,
                    "idempotency_key": uuid.UUID(int=rng.getrandbits(128)),
                    "package_purchase_id": None,
                    "balance_charged": None,  # paid on receipt: nothing charged
                }
                yield tuple(values[c] for c in order_columns)

        def line_rows():
            line_id = 0
            for order_id, client_id in enumerate(plan, start=1):
                created = now - spacing * (orders_total - order_id)
                for _ in range(LINES_PER_ORDER):
                    line_id += 1
                    product_id, brand, article, name = products[rng.randrange(len(products))]
                    warehouse_id, kind = warehouses[rng.randrange(len(warehouses))]
                    roll = rng.random()
                    if created < now - timedelta(days=30):
                        status = refused if roll < 0.1 else shipped
                    else:
                        status = new if roll < 0.4 else rng.choice([*middle, refused])
                    refusal = (
                        "confirmed" if status is refused else ("requested" if roll > 0.98 else "")
                    )
                    values = {
                        "order_id": order_id,
                        "client_id": client_id,
                        "product_id": product_id,
                        "offer_id": None,
                        "brand_name": brand,
                        "article": article,
                        "product_name": name,
                        "quantity": 1 + rng.randrange(4),
                        "price": Decimal(rng.randrange(10_000, 900_000)) / 100,
                        "warehouse_id": warehouse_id,
                        "source": kind,
                        "delivery_days": rng.randrange(0, 10),
                        "expected_delivery_date": (created + timedelta(days=3)).date(),
                        "is_returnable": roll > 0.2,
                        "return_days": 14,
                        "return_deduction_percent": Decimal("0"),
                        "comment": "",
                        "status_id": status.pk,
                        "status_changed_at": created + timedelta(days=1),
                        "refusal_state": refusal,
                        "refusal_seen": roll < 0.05,
                        "manager_comment": "Отказ клиента" if refusal == "confirmed" else "",
                        "stock_released_at": None,
                    }
                    yield tuple(values[c] for c in line_columns)
                    changes.append((line_id, new.pk, created))
                    if status is not new:
                        changes.append((line_id, status.pk, created + timedelta(days=1)))

        def change_rows():
            for line_id, status_id, at in changes:
                values = {
                    "line_id": line_id,
                    "status_id": status_id,
                    "changed_by_id": None,
                    "comment": "",
                    "changed_at": at,
                    "notified_at": at,
                }
                yield tuple(values[c] for c in change_columns)

        raw = cursor.cursor
        n_orders = copy_rows(
            raw,
            "orders_order",
            ["id", *order_columns],
            ((i, *row) for i, row in enumerate(order_rows(), start=1)),
        )
        n_lines = copy_rows(
            raw,
            "orders_orderline",
            ["id", *line_columns],
            ((i, *row) for i, row in enumerate(line_rows(), start=1)),
        )
        n_changes = copy_rows(raw, "orders_statuschange", change_columns, change_rows())
        for table in ("orders_order", "orders_orderline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    # COPY goes around the services: the cabinet frame's counters are rebuilt from the lines.
    from mprating.orders.services import counts_recount

    counts_recount()
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE orders_order, orders_orderline, orders_statuschange, "
            "orders_clientstatuscount"
        )
    print(
        f"orders {n_orders:,}, lines {n_lines:,}, history {n_changes:,} "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
