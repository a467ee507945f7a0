"""Server-side latency of «Аккаунты маркетплейсов» on 10,000 accounts and 1,000,000 buyouts.

    .venv/bin/python bench/bench_marketplaces.py        # after bench/generate_marketplaces.py

Each page is requested in-process through Django's test client (middleware, view, SQL,
template: the whole server side, no network) N times after a warm-up, as a superuser, DEBUG
off; median, p95 (nearest rank), max, the median time spent in SQL and the number of SQL
queries are reported, with the machine's load average before and after. Pages: the dashboard, the accounts list (first page,
a status filter, «истекает», a search, sorting by status) and the buyouts list (first page, by
account, status, marketplace, pickup point, date range, search by the marketplace's and our
order number). Target: p95 ≤ 100 ms. Results → `bench/results/marketplaces.md`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common
from bench.generate_marketplaces import setup

SEED = 20261130
TARGET_P95_MS = 100.0
RESULTS_FILE = _common.RESULTS_DIR / "marketplaces.md"


def measure(browser, url: str, runs: int) -> dict:
    """Wall time of the whole request and, separately, the time spent in SQL (execution plus
    the local round trip, summed over the request's queries): the rest is Python."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        browser.get(url)
    queries = len(ctx.captured_queries)
    sql_time = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started

    timings, sql_timings = [], []
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            sql_time[0] = 0.0
            started = time.perf_counter()
            browser.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            sql_timings.append(sql_time[0] * 1000)
    return {
        "median": statistics.median(timings),
        "p95": _common.percentile(timings, 0.95),
        "max": max(timings),
        "sql_median": statistics.median(sql_timings),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    setup(args.database_url)
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    from django.db import connection
    from django.test import Client as Browser
    from django.urls import reverse
    from django.utils import timezone

    from mprating.accounts.models import User
    from mprating.marketplaces.models import Buyout, MarketplaceAccount
    from mprating.pickup_points.models import PickupPoint

    rng = random.Random(SEED)
    staff = User.objects.get(email="bench-operator@mprating.local")
    browser = Browser()
    browser.force_login(staff)
    account = MarketplaceAccount.objects.order_by("?").first()
    buyout = Buyout.objects.select_related("line__order").order_by("pk")[rng.randrange(900_000)]
    point = PickupPoint.objects.order_by("pk")[rng.randrange(400)]
    today = timezone.localdate()
    week_ago = (today - timezone.timedelta(days=7)).strftime("%d.%m.%Y")
    accounts = reverse("admin:marketplaces_marketplaceaccount_changelist")
    buyouts = reverse("admin:marketplaces_buyout_changelist")
    pages = [
        ("Дашборд", reverse("admin:marketplaces_dashboard")),
        ("Аккаунты, 1-я страница", accounts),
        ("Аккаунты, статус «Активен»", f"{accounts}?status=active"),
        ("Аккаунты, «истекает в 30 дней»", f"{accounts}?service=soon"),
        ("Аккаунты, поиск по логину", f"{accounts}?{urlencode({'q': account.login})}"),
        ("Аккаунты, сортировка по статусу", f"{accounts}?o=4"),
        ("Аккаунты, 100-я страница", f"{accounts}?p=100"),
        (
            "Страница аккаунта",
            reverse("admin:marketplaces_marketplaceaccount_change", args=[account.pk]),
        ),
        ("Выкупы, 1-я страница", buyouts),
        ("Выкупы аккаунта", f"{buyouts}?account__id__exact={account.pk}"),
        ("Выкупы, статус «В пути»", f"{buyouts}?status__exact=in_transit"),
        ("Выкупы, маркетплейс Ozon", f"{buyouts}?marketplace=ozon"),
        ("Выкупы, ПВЗ", f"{buyouts}?pickup_point__id__exact={point.pk}"),
        ("Выкупы за неделю", f"{buyouts}?created_at_from={week_ago}"),
        ("Выкупы, поиск по номеру маркетплейса", f"{buyouts}?q={buyout.marketplace_order_number}"),
        ("Выкупы, поиск по номеру заказа", f"{buyouts}?q={buyout.line.order.number}"),
    ]
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        counts = {}
        for table in (
            "marketplaces_marketplaceaccount",
            "marketplaces_buyout",
            "orders_orderline",
            "pickup_points_pickuppoint",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    rows = []
    for title, url in pages:
        result = measure(browser, url, args.runs)
        rows.append((title, url, result))
        print(
            f"{title}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"SQL {result['sql_median']:.1f} ms, {result['queries']} queries",
            flush=True,
        )
    table = [
        "| page | median, ms | p95, ms | max, ms | SQL median, ms | SQL queries | p95 ≤ 100 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for title, url, r in rows:
        ok = "да" if r["p95"] <= TARGET_P95_MS else "нет"
        table.append(
            f"| {title} (`{url}`) | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['sql_median']:.1f} | {r['queries']} | {ok} |"
        )
    text = "\n".join(
        [
            "# «Аккаунты маркетплейсов» on 10,000 accounts and 1,000,000 buyouts",
            "",
            f"Measured by `bench/bench_marketplaces.py`: {args.runs} requests per page after a "
            "warm-up, in-process through Django's test client (the whole server side, no "
            "network), DEBUG off, as a superuser. Data: `bench/generate_marketplaces.py`.",
            "",
            *table,
            "",
            "## Environment",
            "",
            f"- Date: {info['date']}",
            f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
            f"- PostgreSQL: {info['postgresql']}",
            f"- Load average (1/5/15 min) before: {info['load']}; after: {_common.load_now()}",
            "- Data: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()),
            *([f"- Note: {args.note}"] if args.note else []),
            "",
        ]
    )
    RESULTS_FILE.write_text(text, encoding="utf-8")
    print("\n".join(table))
    print(f"Written to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
