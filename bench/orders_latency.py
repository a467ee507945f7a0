"""Server-side latency of the issue 4 pages on a big store (issue 4, «Performance and tests»).

    .venv/bin/python bench/orders_latency.py          # after bench/generate_orders.py

A client with 10,000 orders / 50,000 lines in a store of 1,000,000 lines on PostgreSQL. Each
page is requested in-process through Django's test client (middleware, view, SQL, template:
the whole server side, no network) N times after a warm-up; median, p95, max and the number of
SQL queries are reported. Pages: the cabinet «Заказы» (first page, a filter, a sort, a deep
page), «Архив», the movement history of a line, and the back office «Заявки» list (first page,
a status filter, a search by number). Results → `bench/results/orders_latency.md`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261122
TARGET_P95_MS = 150.0
RESULTS_FILE = _common.RESULTS_DIR / "orders_latency.md"
APPS = ("accounts", "catalog", "cart", "pickup_points", "orders", "notifications")


def reverse_line(name: str, line_id: int) -> str:
    from django.urls import NoReverseMatch, reverse

    for attempt in (
        {"args": [line_id]},
        {"kwargs": {"line_id": line_id}},
        {"kwargs": {"pk": line_id}},
    ):
        try:
            return reverse(name, **attempt)
        except NoReverseMatch:
            continue
    raise SystemExit(f"cannot reverse {name} for a line")


def measure(browser, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    with CaptureQueriesContext(connection) as ctx:
        browser.get(url)
    queries = len(ctx.captured_queries)
    for _ in range(runs):
        started = time.perf_counter()
        browser.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": _common.percentile(timings, 0.95),
        "max": max(timings),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    url = _common.database_url(args.database_url)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)
    from django.conf import settings

    # Static files are served by whitenoise from `collectstatic` output in production; the
    # bench renders pages without it, so the URL is just computed, not looked up in a manifest.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    from django.db import connection
    from django.test import Client as Browser
    from django.urls import reverse

    from mprating.accounts.models import User
    from mprating.orders.models import Order, OrderLine

    rng = random.Random(SEED)
    client_user = User.objects.get(email="bench-orders@mprating.local")
    staff, _ = User.objects.get_or_create(
        email="bench-staff@mprating.local",
        defaults={"is_staff": True, "is_superuser": True, "phone": "+79980009999"},
    )
    cabinet, backoffice = Browser(), Browser()
    cabinet.force_login(client_user)
    backoffice.force_login(staff)
    client = client_user.client
    line_ids = list(
        OrderLine.objects.filter(client=client).values_list("id", flat=True).order_by("?")[:50]
    )
    some_order = Order.objects.filter(client=client).order_by("?").first()
    lines_url = reverse("orders:lines")
    pages = [
        ("Кабинет «Заказы», 1-я страница", lines_url),
        ("Кабинет «Заказы», фильтр «только отказы»", f"{lines_url}?refusals=1"),
        ("Кабинет «Заказы», сортировка по цене", f"{lines_url}?sort=-price"),
        ("Кабинет «Заказы», 20-я страница", f"{lines_url}?page=20"),
        ("Кабинет «Архив», 1-я страница", reverse("orders:archive")),
        (
            "История позиции (всплывающее окно)",
            reverse_line("orders:line_history", rng.choice(line_ids)),
        ),
        ("Бэкофис «Заявки», 1-я страница", reverse("admin:orders_order_changelist")),
        (
            "Бэкофис «Заявки», поиск по номеру",
            reverse("admin:orders_order_changelist") + f"?q={some_order.number}",
        ),
    ]
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        cursor.execute("SELECT count(*) FROM orders_orderline")
        store_lines = cursor.fetchone()[0]
    client_lines = OrderLine.objects.filter(client=client).count()
    client_orders = Order.objects.filter(client=client).count()
    rows = []
    for title, page_url in pages:
        result = measure(cabinet if "Бэкофис" not in title else backoffice, page_url, args.runs)
        rows.append((title, page_url, result))
        print(
            f"{title}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"{result['queries']} queries",
            flush=True,
        )
    table = [
        "| page | median, ms | p95, ms | max, ms | SQL queries | p95 ≤ 150 ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for title, page_url, r in rows:
        ok = "да" if r["p95"] <= TARGET_P95_MS else "нет"
        table.append(
            f"| {title} (`{page_url}`) | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['queries']} | {ok} |"
        )
    text = "\n".join(
        [
            "# Orders pages on a big store (issue 4)",
            "",
            f"Measured by `bench/orders_latency.py`: {args.runs} requests per page after a "
            "warm-up, in-process through Django's test client (the whole server side, no "
            "network), DEBUG off.",
            "",
            f"Client: {client_orders:,} orders / {client_lines:,} lines; "
            f"store: {store_lines:,} lines.",
            "",
            *table,
            "",
            "## Environment",
            "",
            f"- Date: {info['date']}",
            f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
            f"- PostgreSQL: {info['postgresql']}",
            f"- Load average before: {info['load']}; after: {_common.load_now()}",
            *([f"- Note: {args.note}"] if args.note else []),
            "",
        ]
    )
    RESULTS_FILE.write_text(text, encoding="utf-8")
    print("\n".join(table))
    print(f"Written to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
