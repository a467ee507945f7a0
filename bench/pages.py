"""Every cabinet page and every back office list: queries, database time, server time, HTML size
(issue 13, targets 1 and 7).

    .venv/bin/python bench/generate_catalog.py                          # once
    .venv/bin/python bench/generate_orders.py --force --store-lines 100000
    .venv/bin/python bench/pages.py --note "100k"
    .venv/bin/python bench/generate_orders.py --force --store-lines 1000000
    .venv/bin/python bench/pages.py --note "1M"

Each page is requested in-process through Django's test client (middleware, view, SQL,
template: the whole server side, no network) `--runs` times after a warm-up, as the bench client
(one order in 20 of the store: 5,000 lines at 100k, 50,000 at 1M) or as the superuser for the
back office. Per page: the number of SQL queries, the database time of one request (the sum of
its statements' time measured around `cursor.execute`, median over the runs), the median and
p95 server time, and the HTML size. The target of issue 13: median ≤ 2 × database time + 5 ms
and p95 ≤ 50 ms («target»: да / **нет**).

Results are appended to `bench/results/pages.md`, one section per run, with the load average and
the row counts (run both scales in one sitting to compare them side by side).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

RESULTS_FILE = _common.RESULTS_DIR / "pages.md"
BENCH_CLIENT_EMAIL = "bench-orders@mprating.local"
APPS = ("accounts", "catalog", "cart", "pickup_points", "orders", "notifications")


def measure(browser, url: str, runs: int) -> dict:

    for _ in range(2):
        response = browser.get(url)
        if response.status_code == 302:
            return {"redirect": response["Location"]}
        if response.status_code != 200:
            return {"error": f"HTTP {response.status_code}"}
    db_times: list[float] = []
    totals: list[float] = []
    queries = 0
    for _ in range(runs):
        with _common.sql_spent() as spent:
            started = time.perf_counter()
            response = browser.get(url)
            totals.append((time.perf_counter() - started) * 1000)
        db_times.append(spent[0] * 1000)
        queries = spent[1]
    db = statistics.median(db_times)
    median = statistics.median(totals)
    p95 = _common.percentile(totals, 0.95)
    return {
        "queries": queries,
        "db": db,
        "median": median,
        "p95": p95,
        "kb": len(response.content) / 1024,
        "met": median <= 2 * db + 5 and p95 <= 50,
    }


def deep_page(browser, url: str, clicks: int = 49) -> str:
    """The URL of page 50 as a client reaches it: «Вперёд →» followed 49 times from `url`
    (an offset `?page=50` on a branch whose links are offsets, a cursor on one with keyset
    links)."""
    import html
    import re

    path = url.split("?")[0]
    for _ in range(clicks):
        content = browser.get(url).content.decode()
        found = re.search(r'href="(\?[^"]*)" data-testid="page-next"', content)
        if found is None:
            break
        url = path + html.unescape(found.group(1))
    return url


def cabinet_pages(client, browser) -> list[tuple[str, str]]:
    from django.urls import reverse

    from mprating.catalog.models import Product
    from mprating.orders.models import Order, OrderLine

    order = Order.objects.filter(client=client).order_by("-pk").first()
    line = OrderLine.objects.filter(client=client).order_by("-pk").first()
    # An article with crosses in the middle of the catalog (scheme 3 walks three levels).
    article = (
        Product.objects.filter(pk__gte=500_000).order_by("pk").values_list("article", flat=True)[0]
    )
    pages = [
        ("Поиск (схема кроссов 3)", reverse("catalog:search") + f"?q={article}"),
        ("Корзина", reverse("cart:detail")),
        ("Заказы", reverse("orders:lines")),
        ("Заказы, сортировка по цене", reverse("orders:lines") + "?sort=-price"),
        ("Заказы, страница 50", deep_page(browser, reverse("orders:lines"))),
        (
            "Заказы по цене, страница 50",
            deep_page(browser, reverse("orders:lines") + "?sort=-price"),
        ),
        ("Архив", reverse("orders:archive")),
        ("Архив, страница 50", deep_page(browser, reverse("orders:archive"))),
        ("Уведомления", reverse("notifications:preferences")),
        ("Личная информация", reverse("cabinet:profile")),
        ("Гараж", reverse("garage:vehicles")),
        ("VIN-запросы", reverse("garage:requests")),
        ("Финансы", reverse("finance:page")),
        ("Возвраты", reverse("returns:list")),
        ("Пакеты заявок", reverse("billing:packages")),
    ]
    if order is not None:
        pages.append(("Заказ", reverse("orders:placed", kwargs={"number": order.number})))
    if line is not None:
        pages.append(("История позиции", reverse("orders:line_history", args=[line.pk])))
    return pages


def backoffice_lists() -> list[tuple[str, str]]:
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = []
    for model in sorted(admin.site._registry, key=lambda m: (m._meta.app_label, m.__name__)):
        meta = model._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages.append((f"{meta.app_label} · {meta.verbose_name_plural}", url))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--note", default="")
    parser.add_argument("--only", choices=("cabinet", "backoffice"))
    parser.add_argument(
        "--match", default="", help="only the pages whose name has one of these words (a,b)"
    )
    args = parser.parse_args()
    url = _common.database_url(args.database_url)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as Browser

    from mprating.accounts.models import Client

    call_command("migrate", verbosity=0)
    client = Client.objects.select_related("user").filter(user__email=BENCH_CLIENT_EMAIL).first()
    if client is None:
        sys.exit("No bench client: run bench/generate_orders.py first.")
    # The search page is measured at scheme 3 (its row says so); the generator makes clients
    # with the default scheme 1, and until 30.11.2026 the row was measured at scheme 1.
    Client.objects.filter(pk=client.pk).update(cross_scheme=3)
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        cursor.execute("SELECT count(*) FROM orders_orderline")
        store_lines = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM orders_orderline WHERE client_id = %s", [client.pk])
        client_lines = cursor.fetchone()[0]
        counts = _common.row_counts(cursor)

    User = get_user_model()
    admin_user = User.objects.filter(email="bench-admin@mprating.local").first()
    if admin_user is None:
        admin_user = User.objects.create_superuser(
            email="bench-admin@mprating.local", password="bench-admin-Pass-2026"
        )
    as_client = Browser(HTTP_HOST="127.0.0.1")
    as_client.force_login(client.user)
    as_admin = Browser(HTTP_HOST="127.0.0.1")
    as_admin.force_login(admin_user)

    groups = []
    if args.only != "backoffice":
        groups.append(("Кабинет", as_client, cabinet_pages(client, as_client)))
    if args.only != "cabinet":
        groups.append(("Бэкофис: списки", as_admin, backoffice_lists()))

    _common.freeze_like_gunicorn()
    lines = [
        f"\n## {info['date']} — store {store_lines:,} order lines, bench client {client_lines:,}"
        + (f" ({args.note})" if args.note else ""),
        "",
        f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; PostgreSQL {info['postgresql']}",
        "- Catalog: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()),
        f"- Runs per page: {args.runs}; load average before: {info['load']}",
    ]
    for title, browser, pages in groups:
        lines += [
            "",
            f"| {title} | queries | DB, ms | median, ms | p95, ms | HTML, KB | target |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        redirected = []
        words = [word for word in args.match.split(",") if word]
        for name, page_url in pages:
            if words and not any(word in name for word in words):
                continue
            result = measure(browser, page_url, args.runs)
            if "redirect" in result:  # a settings page of one row opens its form instead
                redirected.append(name)
                continue
            if "error" in result:
                row = f"| {name} (`{page_url}`) | {result['error']} | | | | | |"
            else:
                row = (
                    f"| {name} | {result['queries']} | {result['db']:.1f} | "
                    f"{result['median']:.1f} | {result['p95']:.1f} | {result['kb']:.0f} | "
                    f"{'да' if result['met'] else '**нет**'} |"
                )
            print(row, flush=True)
            lines.append(row)
        if redirected:
            lines.append("\nNot lists (open the form of their one row): " + ", ".join(redirected))
    lines.append(f"\nLoad average after: {_common.load_now()}")
    if not RESULTS_FILE.exists():
        RESULTS_FILE.write_text(
            "# Pages: queries, database time, server time, HTML size (bench/pages.py)\n\n"
            + __doc__.split("\n\n", 2)[2]
        )
    with RESULTS_FILE.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
