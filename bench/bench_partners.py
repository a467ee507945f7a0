"""Partner pickup points on a big store (seed 000 «Подключенные ПВЗ»): 500 points, 100 owners,
1,000,000 order lines with their status history, on PostgreSQL.

    .venv/bin/python bench/bench_partners.py            # generates once, then measures
    .venv/bin/python bench/bench_partners.py --force    # regenerate the data first

Own database (`mprating_bench_partners` unless `--database-url` / `BENCH_PARTNERS_DATABASE_URL`
say otherwise; its name must contain «bench»). The generator makes a small catalog of its own
(5,000 products on a home, a transit and a marketplace warehouse), 500 points owned five by five
by 100 owners, 300 clients and 250,000 orders of 4 lines spread over the last year, each to a
point (a few busy points, a long tail), written with PostgreSQL COPY into the real tables.
Every line has the history a real one would have: «Новый», one step of its chain, «В ПВЗ»
2–6 days later, then «Отгружен» (most), «Отказ» after a week or more (a few) or still waiting
(the recent ones); a few are refused before they arrive. «В ПВЗ» is ticked for the own and
transit chains on this database (as a manager would in «Настройки → Статусы»). Deterministic.
Then the real `point_events_sync` turns the history into the point events the statistics
read (timed; later runs only take what is new).

Then each page is requested in-process through Django's test client (middleware, view, SQL,
template: the whole server side, no network), DEBUG off, `--runs` times after a warm-up: the
back office «Пункты выдачи» list (first page, a deep page, a search, a filter), a point's
statistics page (13 weeks by week; a year by month; the busiest point), and the owner's area
(home, a point's statistics, «Ждут выдачи»). Median, p95, max and the number of SQL queries,
with the load average before and after → `bench/results/partners.md`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261130
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_partners"
RESULTS_FILE = _common.RESULTS_DIR / "partners.md"
TARGET_P95_MS = 100.0
APPS = (
    "accounts",
    "catalog",
    "cart",
    "pickup_points",
    "orders",
    "partners",
    "sessions",
    "admin",
    "axes",
    "django_tasks_database",
)
POINTS, OWNERS, CLIENTS, PRODUCTS = 500, 100, 300, 5000
ORDERS, LINES_PER_ORDER = 250_000, 4
BENCH_MARK = "bench-partners"


def columns_of(model, skip=("id",)) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# ---- data ------------------------------------------------------------------------------------


def _point_weights(rng: random.Random) -> list[float]:
    """A few busy points and a long tail (Zipf-like): the busiest gets ~4 % of the orders."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(POINTS)]
    rng.shuffle(weights)
    return weights


def _base_rows(now):
    """Users, clients, owners, points and the small catalog, through the ORM (a few thousand
    rows). Returns what the order generator needs."""
    from django.contrib.auth.models import Group

    from mprating.accounts import roles
    from mprating.accounts.models import Client, User
    from mprating.catalog.models import Brand, Product, Warehouse
    from mprating.orders.models import OrderStatus
    from mprating.partners.models import PartnerSettings
    from mprating.pickup_points.models import PickupPoint, PickupPointOwner

    owner_group = Group.objects.get(name=roles.PICKUP_POINT_OWNER)
    owners = User.objects.bulk_create(
        User(
            email=f"{BENCH_MARK}-owner-{n}@mprating.local",
            password="!",
            phone=f"+7997{n:07d}",
            last_name="Партнёров",
            first_name=f"Владелец {n}",
        )
        for n in range(OWNERS)
    )
    owner_group.user_set.add(*owners)
    PickupPointOwner.objects.bulk_create(
        PickupPointOwner(user=owner, company_name=f"ООО «ПВЗ-{n}»", inn="7707083893")
        for n, owner in enumerate(owners)
    )
    points = PickupPoint.objects.bulk_create(
        PickupPoint(
            name=f"ПВЗ №{n:03d}",
            address=f"г. Москва, ул. Бенчмарковая, д. {n}",
            working_hours="Ежедневно 09:00–21:00",
            phone=f"+7495{n:07d}",
            owner=owners[n // (POINTS // OWNERS)],
            is_active=n % 25 != 7,
            created_at=now - timedelta(days=400),
        )
        for n in range(POINTS)
    )
    users = User.objects.bulk_create(
        User(
            email=f"{BENCH_MARK}-client-{n}@mprating.local",
            password="!",
            phone=f"+7996{n:07d}",
            last_name=f"Клиентов-{n}",
            first_name="Бенч",
        )
        for n in range(CLIENTS)
    )
    clients = Client.objects.bulk_create(Client(user=user) for user in users)
    brand = Brand.objects.create(name="BENCHPVZ", name_normalized="BENCHPVZ")
    products = Product.objects.bulk_create(
        Product(
            brand=brand,
            article=f"PVZ-{n:05d}",
            article_normalized=f"PVZ{n:05d}",
            name=f"Деталь {n}",
        )
        for n in range(PRODUCTS)
    )
    warehouses = {
        kind: Warehouse.objects.create(
            code=f"bpvz-{kind}",
            name=f"Бенч {kind}",
            kind=kind,
            marketplace="wildberries" if kind == "marketplace" else "",
        )
        for kind in ("home", "transit", "marketplace")
    }
    at_point = PartnerSettings.objects.get(pk=1).at_point_status
    OrderStatus.objects.filter(pk=at_point.pk).update(for_home=True, for_transit=True)
    statuses = {
        "new": OrderStatus.objects.get(role="new"),
        "shipped": OrderStatus.objects.get(role="shipped"),
        "refused": OrderStatus.objects.get(role="refused"),
        "at_point": at_point,
        "middle": {
            kind: OrderStatus.objects.filter(**{f"for_{kind}": True}, role="")
            .exclude(pk=at_point.pk)
            .order_by("sort_order", "name")
            .first()
            for kind in warehouses
        },
    }
    return {
        "points": [p.pk for p in points],
        "clients": [c.pk for c in clients],
        "products": [(p.pk, p.article, p.name) for p in products],
        "warehouses": {kind: w.pk for kind, w in warehouses.items()},
        "statuses": statuses,
    }


def _order_plan(base, now):
    """(order_id, client_id, point_id, created) for every order, deterministic."""
    rng = random.Random(SEED)
    weights = _point_weights(rng)
    points = rng.choices(base["points"], weights=weights, k=ORDERS)
    year = 365 * 24 * 60
    for order_id in range(1, ORDERS + 1):
        created = now - timedelta(minutes=year * (ORDERS - order_id) / ORDERS + 30)
        yield (
            order_id,
            base["clients"][order_id % len(base["clients"])],
            points[order_id - 1],
            created,
        )


def _line_story(base, order_id: int, index: int, created, now):
    """One line: its source and its status changes [(status, at), …], deterministic."""
    rng = random.Random(order_id * 16 + index)
    roll = rng.random()
    kind = "home" if roll < 0.4 else ("transit" if roll < 0.7 else "marketplace")
    st = base["statuses"]
    story = [(st["new"], created)]
    step = created + timedelta(hours=rng.randrange(4, 30))
    if step < now:
        story.append((st["middle"][kind], step))
    if rng.random() < 0.03 and step < now:
        story.append((st["refused"], step + timedelta(hours=5)))
        return kind, story
    arrived = step + timedelta(days=rng.uniform(1, 5))
    if arrived >= now:
        return kind, story
    story.append((st["at_point"], arrived))
    outcome = rng.random()
    if outcome < 0.93:
        out = arrived + timedelta(days=min(rng.expovariate(1 / 2.2), 20))
        if out < now:
            story.append((st["shipped"], out))
    else:
        out = arrived + timedelta(days=rng.uniform(7, 14))
        if out < now:
            story.append((st["refused"], out))
    return kind, story


def generate(force: bool) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from mprating.orders.models import Order, OrderLine, StatusChange
    from mprating.pickup_points.models import PickupPoint

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_orderline")
        existing = cursor.fetchone()[0]
    if existing >= ORDERS * LINES_PER_ORDER and not force:
        print(f"orders_orderline already has {existing:,} rows; --force regenerates.")
        return
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_statuschange, orders_orderline, orders_order, cart_cartline, "
            "pickup_points_pickuppointchange, pickup_points_ownerinvitation, "
            "partners_partnerapplicationchange, partners_partnerapplication "
            "RESTART IDENTITY CASCADE"
        )
        PickupPoint.objects.all().delete()
        cursor.execute("DELETE FROM pickup_points_pickuppointowner")
        cursor.execute(
            "DELETE FROM accounts_client WHERE user_id IN (SELECT id FROM accounts_user "
            "WHERE email LIKE %s)",
            [f"{BENCH_MARK}-%"],
        )
        cursor.execute(
            "DELETE FROM accounts_user_groups WHERE user_id IN (SELECT id FROM accounts_user "
            "WHERE email LIKE %s)",
            [f"{BENCH_MARK}-%"],
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [f"{BENCH_MARK}-%"])
        cursor.execute("DELETE FROM catalog_product")
        cursor.execute("DELETE FROM catalog_warehouse")
        cursor.execute("DELETE FROM catalog_brand")
        base = _base_rows(now)
        print(f"base rows in {time.perf_counter() - started:.1f} s", flush=True)

        order_columns = columns_of(Order)
        line_columns = columns_of(OrderLine)
        change_columns = columns_of(StatusChange)
        products = base["products"]

        def order_rows():
            rng = random.Random(SEED + 1)
            for order_id, client_id, point_id, created in _order_plan(base, now):
                values = {
                    "number": f"MP-{order_id:06d}",
                    "client_id": client_id,
                    "created_at": created,
                    "comment": "",
                    "payment_method": "on_receipt",
                    "recipient_phone": f"+7916{order_id % 10_000_000:07d}",
                    "pickup_point_id": point_id,
                    "delivery_address": "",
                    "archived_at": None,
                    "idempotency_key": uuid.UUID(int=rng.getrandbits(128)),
                }
                yield (order_id, *(values[c] for c in order_columns))

        def stories():
            line_id = 0
            for order_id, client_id, _point, created in _order_plan(base, now):
                for index in range(LINES_PER_ORDER):
                    line_id += 1
                    kind, story = _line_story(base, order_id, index, created, now)
                    yield line_id, order_id, client_id, index, created, kind, story

        def line_rows():
            for line_id, order_id, client_id, index, created, kind, story in stories():
                product_id, article, name = products[(order_id * 7 + index) % len(products)]
                last_status, last_at = story[-1]
                values = {
                    "order_id": order_id,
                    "client_id": client_id,
                    "product_id": product_id,
                    "offer_id": None,
                    "brand_name": "BENCHPVZ",
                    "article": article,
                    "product_name": name,
                    "quantity": 1 + (order_id + index) % 3,
                    "price": Decimal(1000 + (order_id * 37 + index) % 90_000) / 100,
                    "warehouse_id": base["warehouses"][kind],
                    "source": kind,
                    "delivery_days": 3,
                    "expected_delivery_date": (created + timedelta(days=3)).date(),
                    "is_returnable": True,
                    "return_days": 14,
                    "return_deduction_percent": Decimal("0"),
                    "comment": "",
                    "status_id": last_status.pk,
                    "status_changed_at": last_at,
                    "refusal_state": "",
                    "refusal_seen": False,
                    "manager_comment": "",
                }
                yield (line_id, *(values[c] for c in line_columns))

        def change_rows():
            for line_id, *_rest, story in stories():
                for status, at in story:
                    values = {
                        "line_id": line_id,
                        "status_id": status.pk,
                        "changed_by_id": None,
                        "comment": "",
                        "changed_at": at,
                        "notified_at": at,
                    }
                    yield tuple(values[c] for c in change_columns)

        raw = cursor.cursor
        n_orders = copy_rows(raw, "orders_order", ["id", *order_columns], order_rows())
        print(f"orders {n_orders:,} in {time.perf_counter() - started:.1f} s", flush=True)
        n_lines = copy_rows(raw, "orders_orderline", ["id", *line_columns], line_rows())
        print(f"lines {n_lines:,} in {time.perf_counter() - started:.1f} s", flush=True)
        n_changes = copy_rows(raw, "orders_statuschange", change_columns, change_rows())
        print(f"history {n_changes:,} in {time.perf_counter() - started:.1f} s", flush=True)
        for table in ("orders_order", "orders_orderline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    # COPY goes around the services: the cabinet frame's counters are rebuilt from the lines.
    from mprating.orders.services import counts_recount

    counts_recount()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def sync_events() -> str:
    """The point events from the whole history (the first time) or what is new: the real
    `point_events_sync`, timed."""
    from django.db import connection

    from mprating.partners.events import point_events_sync

    started = time.perf_counter()
    written = point_events_sync()
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE partners_pointevent")
    line = f"point events: {written:,} written by point_events_sync in {took:.1f} s"
    print(line, flush=True)
    return line


# ---- measurements ----------------------------------------------------------------------------


def measure(browser, urls: list[str], runs: int) -> dict:
    """Request `urls` round-robin `runs` times after a warm-up of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        for _ in range(2):
            response = browser.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        browser.get(urls[0])
    queries = len(ctx.captured_queries)
    timings = []
    for n in range(runs):
        started = time.perf_counter()
        browser.get(urls[n % len(urls)])
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": _common.percentile(timings, 0.95),
        "max": max(timings),
        "queries": queries,
    }


def explain_slowest_statistics(point_id: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the hand-outs query of the busiest point's page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mprating.partners import selectors
    from mprating.pickup_points.models import PickupPoint

    point = PickupPoint.objects.get(pk=point_id)
    with CaptureQueriesContext(connection) as ctx:
        selectors.point_statistics(point=point, period=selectors.default_period())
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"Slowest query ({float(slowest['time']) * 1000:.1f} ms):\n\n```\n{plan}\n```"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--force", action="store_true", help="regenerate the data")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    url = _common.database_url(
        args.database_url or os.environ.get("BENCH_PARTNERS_DATABASE_URL") or DEFAULT_URL
    )
    _common.ensure_database(url)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)
    from django.conf import settings

    # Static files are served by whitenoise from `collectstatic` output in production; the
    # bench renders pages without it, so the URL is just computed, not looked up in a manifest.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    generate(args.force)
    sync_line = sync_events()

    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count
    from django.test import Client as Browser

    from mprating.accounts import roles
    from mprating.accounts.models import User
    from mprating.partners.selectors import at_point_status
    from mprating.pickup_points.models import PickupPoint

    load_before = _common.load_now()
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        counts = {}
        for table in (
            "pickup_points_pickuppoint",
            "orders_order",
            "orders_orderline",
            "orders_statuschange",
            "partners_pointevent",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    status = at_point_status()
    waiting = status.lines.count()

    operator, _ = User.objects.get_or_create(
        email=f"{BENCH_MARK}-operator@mprating.local", defaults={"is_staff": True}
    )
    operator.groups.add(Group.objects.get(name=roles.OPERATOR))
    backoffice = Browser()
    backoffice.force_login(operator)
    rng = random.Random(SEED)
    points = list(PickupPoint.objects.order_by("pk").values_list("pk", flat=True))
    sample = rng.sample(points, 50)
    busiest = (
        PickupPoint.objects.annotate(n=Count("orders")).order_by("-n").values_list("pk", "n")[0]
    )
    owner_point = PickupPoint.objects.select_related("owner").get(pk=busiest[0])
    partner = Browser()
    partner.force_login(owner_point.owner)

    stats = "/backoffice/partners/pointstatistics/{}/"
    year = "?date_from={}&date_to={}&grouping=month"
    from django.utils import timezone

    today = timezone.localdate()
    year_query = year.format(today - timedelta(days=364), today)
    pages = [
        ("«Пункты выдачи», 1-я страница", [("/backoffice/pickup_points/pickuppoint/")], backoffice),
        (
            "«Пункты выдачи», 6-я страница",
            ["/backoffice/pickup_points/pickuppoint/?p=5"],
            backoffice,
        ),
        (
            "«Пункты выдачи», поиск «ПВЗ №123»",
            ["/backoffice/pickup_points/pickuppoint/?q=%D0%9F%D0%92%D0%97+%E2%84%96123"],
            backoffice,
        ),
        (
            "«Пункты выдачи», фильтр «Отключены»",
            ["/backoffice/pickup_points/pickuppoint/?active=no"],
            backoffice,
        ),
        (
            "Статистика ПВЗ, 13 недель по неделям (50 случайных пунктов)",
            [stats.format(pk) for pk in sample],
            backoffice,
        ),
        (
            "Статистика ПВЗ, год по месяцам (50 случайных пунктов)",
            [stats.format(pk) + year_query for pk in sample],
            backoffice,
        ),
        (
            f"Статистика самого загруженного пункта ({busiest[1]:,} заказов), 13 недель",
            [stats.format(busiest[0])],
            backoffice,
        ),
        (
            "Статистика самого загруженного пункта, год по месяцам",
            [stats.format(busiest[0]) + year_query],
            backoffice,
        ),
        ("Кабинет партнёра: «Мои пункты» (5 пунктов)", ["/partner/"], partner),
        (
            "Кабинет партнёра: статистика самого загруженного пункта",
            [f"/partner/points/{busiest[0]}/"],
            partner,
        ),
        ("Кабинет партнёра: «Ждут выдачи» (все 5 пунктов)", ["/partner/waiting/"], partner),
    ]
    rows = []
    for title, urls, browser in pages:
        result = measure(browser, list(urls), args.runs)
        rows.append((title, urls[0], result))
        print(
            f"{title}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"max {result['max']:.1f} ms, {result['queries']} queries",
            flush=True,
        )
    plan = explain_slowest_statistics(busiest[0])
    load_after = _common.load_now()

    lines = [
        "# Partner pickup points on a big store (seed 000 «Подключенные ПВЗ»)",
        "",
        f"Measured by `bench/bench_partners.py`: {args.runs} requests per page after a warm-up, "
        "in-process through Django's test client (the whole server side, no network), DEBUG "
        "off. Pages with several URLs are requested round-robin.",
        "",
        f"Store: {counts['pickup_points_pickuppoint']:,} points of {OWNERS} owners, "
        f"{counts['orders_order']:,} orders, {counts['orders_orderline']:,} lines, "
        f"{counts['orders_statuschange']:,} status changes, "
        f"{counts['partners_pointevent']:,} point events; {waiting:,} lines wait at points now.",
        f"Last sync of the events: {sync_line}.",
        "",
        f"| page | median, ms | p95, ms | max, ms | SQL queries | p95 ≤ {TARGET_P95_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for title, first_url, result in rows:
        ok = "да" if result["p95"] <= TARGET_P95_MS else "**нет**"
        lines.append(
            f"| {title} (`{first_url}`) | {result['median']:.1f} | {result['p95']:.1f} | "
            f"{result['max']:.1f} | {result['queries']} | {ok} |"
        )
    lines += [
        "",
        "## Environment",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
        f"- PostgreSQL: {info['postgresql']}",
        f"- Load average (1/5/15 min) before: {load_before}; after: {load_after}",
    ]
    if args.note:
        lines.append(f"- Note: {args.note}")
    lines += ["", "## The busiest point's statistics", "", plan, ""]
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text("\n".join(lines), encoding="utf-8")
    print(f"→ {RESULTS_FILE}")


if __name__ == "__main__":
    main()
