"""The cost of the cabinet's left frame on a big store, before and after the maintained
counters (issue 13, target 2: «The frame costs ≤ 1 ms»).

    .venv/bin/python bench/frame_cost.py --build     # once: a small catalog + 1,000,000 lines
    .venv/bin/python bench/frame_cost.py             # measure → bench/results/frame.md

Its own database (`--database-url`, else `$BENCH_DATABASE_URL`, else
`postgres://postgres@127.0.0.1:5432/mprating_bench_frame`). `--build` migrates every app,
puts in a small catalog (the lines only need products and warehouses to point at) and runs
`bench/generate_orders.py` on it: one client with 10,000 orders / 50,000 lines among
1,000,000 lines of 191 clients, a third of the old orders archived, some lines refused.

The measurement first applies pending migrations (the data migration that fills the frame
counters is timed when it runs here), then, for the big client and for an ordinary one
(~5,000 lines):

- «before»: what the frame computed until now — the balance row, the grouped read of the
  client's order lines (positions of orders at work per status, UNION ALL the refusals with the
  unseen ones; kept as `orders.selectors.client_positions_from_lines`) and the count of unread
  chat messages over the client's VIN requests (`legacy_unread_chat` below);
- «after»: `cabinet.selectors.cabinet_summary` as it is now (three rows read by key);
- the cabinet «Заказы» page through Django's test client, with the frame computed the old way
  (the legacy function patched in) and the new way.

Median and p95 of N runs after a warm-up, the number of SQL queries, and whether a query of the
frame touched `orders_orderline`. The machine is shared: the load average is recorded, and
the absolute numbers are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_frame"
RESULTS_FILE = _common.RESULTS_DIR / "frame.md"
BIG_CLIENT_EMAIL = "bench-orders@mprating.local"
USUAL_CLIENT_EMAIL = "bench-orders-7@mprating.local"
PRODUCTS = 20_000


def build(url: str) -> None:
    """A database with the lines of `generate_orders.py` (it needs products and warehouses)."""
    created = _common.ensure_database(url)
    _common.setup_django(url, debug=False)
    from django.core.management import call_command

    from mprating.catalog.models import Brand, Product, Warehouse
    from mprating.catalog.normalize import normalize_article, normalize_brand

    print("database created" if created else "database exists", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not Product.objects.exists():
        brands = [
            Brand(name=name, name_normalized=normalize_brand(name))
            for name in ("BOSCH", "MANN-FILTER", "TRW", "LEMFÖRDER", "NGK", "VAG", "SACHS")
        ]
        Brand.objects.bulk_create(brands)
        brands = list(Brand.objects.order_by("pk"))
        products = []
        for index in range(PRODUCTS):
            article = f"{index % 1000:03d} {index // 1000:02d}-{index * 7 % 97:02d}"
            products.append(
                Product(
                    brand=brands[index % len(brands)],
                    article=article,
                    article_normalized=normalize_article(article),
                    name=f"Деталь {index}",
                )
            )
        Product.objects.bulk_create(products, batch_size=2000)
        for code, kind, marketplace in (
            ("home", "home", ""),
            ("transit", "transit", ""),
            ("wb", "marketplace", "wildberries"),
        ):
            Warehouse.objects.get_or_create(
                code=f"bench-{code}",
                defaults={"name": f"Склад {code}", "kind": kind, "marketplace": marketplace},
            )
        print(f"catalog: {PRODUCTS:,} products, 3 warehouses", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(_common.BENCH_DIR / "generate_orders.py"), "--database-url", url],
        check=True,
    )
    print(f"orders generated in {time.perf_counter() - started:.0f} s", flush=True)


def legacy_summary(client):
    """The frame as it was computed before the counters: balance, positions and refusals from
    the lines (`orders.selectors.client_positions_from_lines`, the old query kept verbatim),
    unread chat."""
    from mprating.cabinet.selectors import CabinetSummary
    from mprating.finance.selectors import client_balance
    from mprating.orders.selectors import client_positions_from_lines

    positions = client_positions_from_lines(client=client)
    return CabinetSummary(
        balance=client_balance(client.pk),
        status_counts=positions.status_counts,
        unread_chat=legacy_unread_chat(client),
        refusals_total=positions.refusals_total,
        refusals_unseen=positions.refusals_unseen,
    )


def legacy_unread_chat(client) -> int:
    """The unread-chat badge as it was counted before `garage.ClientChatUnread`."""
    from mprating.garage.models import ChatMessage

    return ChatMessage.objects.filter(
        request__client=client, from_client=False, read_at__isnull=True
    ).count()


def timed(function, runs: int, *, server_runs: int = 0) -> dict:
    """Median / p95 of `runs` calls after a warm-up, the SQL of one call (counted with an
    execute wrapper, which sees every statement whatever the connection does between
    requests) and, with `server_runs`, the server-side time of that SQL: planning + execution
    from EXPLAIN ANALYZE, summed over the call's statements, median of `server_runs` — the
    part of the cost that does not depend on how busy this process's CPU is."""
    from django.db import connection

    for _ in range(5):
        function()
    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    server = []
    with connection.cursor() as cursor:
        for _ in range(server_runs):
            total = 0.0
            for sql, params in captured:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0][0]
                total += plan["Planning Time"] + plan["Execution Time"]
            server.append(total)
    return {
        "median": statistics.median(timings),
        "p95": _common.percentile(timings, 0.95),
        "server": statistics.median(server) if server else None,
        "queries": len(captured),
        "lines": sum("orders_orderline" in sql for sql, _ in captured),
    }


VIN_REQUESTS = 300
MESSAGES_PER_REQUEST = 10


def vin_chat_for(client) -> str:
    """A heavy user of VIN requests: the old unread-chat count ran over the client's requests
    and the (request, from_client, read_at) index; the big client gets 300 requests with 10
    messages each, 2 of the manager's 5 unread, so that its cost shows."""
    from mprating.garage.models import ChatMessage, VinRequest

    if not VinRequest.objects.filter(client=client).exists():
        requests = VinRequest.objects.bulk_create(
            VinRequest(client=client, vehicle_name="Škoda Octavia A7 1.4 TSI", comment="Бенчмарк")
            for _ in range(VIN_REQUESTS)
        )
        ChatMessage.objects.bulk_create(
            (
                ChatMessage(
                    request=request,
                    from_client=n % 2 == 0,
                    text="Уточните, пожалуйста, год выпуска.",
                    read_at=None if n % 6 == 1 else request.created_at,
                )
                for request in requests
                for n in range(MESSAGES_PER_REQUEST)
            ),
            batch_size=1000,
        )
        # Made around the services: the badge is recounted for this client.
        from mprating.garage.services import chat_unread_recount

        chat_unread_recount(client_ids=[client.pk])
    requests = VinRequest.objects.filter(client=client).count()
    messages = ChatMessage.objects.filter(request__client=client).count()
    return (
        f"the big client also has {requests:,} VIN requests with {messages:,} chat messages "
        "(before: the unread-chat badge counted over them; after: `garage.ClientChatUnread`)"
    )


def measure_all(url: str, args) -> None:
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    _common.setup_django(url, debug=False)
    load_before = _common.load_now()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    migration_note = "migrations were up to date (the counters were filled earlier)"
    if pending:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending)
        migration_note = f"{names} applied in {time.perf_counter() - started:.1f} s"
        print(migration_note, flush=True)
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    from django.test import Client as Browser
    from django.urls import reverse

    import mprating.cabinet.selectors as frame_selectors
    from mprating.accounts.models import User
    from mprating.garage.selectors import unread_for_client_total
    from mprating.orders.models import Order, OrderLine
    from mprating.orders.selectors import client_positions, client_positions_from_lines
    from mprating.orders.services import counts_recount

    started = time.perf_counter()
    fixed = counts_recount()
    recount_note = (
        f"`counts_recount()` over the whole store: {time.perf_counter() - started:.1f} s, "
        f"{fixed} rows fixed"
    )
    print(recount_note, flush=True)
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        cursor.execute("SELECT count(*) FROM orders_orderline")
        store_lines = cursor.fetchone()[0]
    chat_note = vin_chat_for(User.objects.get(email=BIG_CLIENT_EMAIL).client)
    lines_url = reverse("orders:lines")
    rows = []
    for email in (BIG_CLIENT_EMAIL, USUAL_CLIENT_EMAIL):
        user = User.objects.get(email=email)
        client = user.client
        browser = Browser()
        browser.force_login(user)
        browser.get(lines_url)  # the first visit runs the automatic archive (once a session)
        assert client_positions(client=client) == client_positions_from_lines(client=client)
        n_lines = OrderLine.objects.filter(client=client).count()
        n_work = OrderLine.objects.filter(client=client, order__archived_at__isnull=True).count()
        n_orders = Order.objects.filter(client=client).count()
        who = f"{n_orders:,} orders / {n_lines:,} lines ({n_work:,} in work)"
        before = timed(lambda client=client: legacy_summary(client), args.runs, server_runs=50)
        after = timed(
            lambda client=client: frame_selectors.cabinet_summary(client=client),
            args.runs,
            server_runs=50,
        )

        def page(browser=browser):
            response = browser.get(lines_url)
            assert response.status_code == 200, response.status_code

        frame_selectors.client_positions = client_positions_from_lines
        frame_selectors.unread_for_client_total = legacy_unread_chat
        try:
            page_before = timed(page, args.page_runs)
        finally:
            frame_selectors.client_positions = client_positions
            frame_selectors.unread_for_client_total = unread_for_client_total
        page_after = timed(page, args.page_runs)
        for what, result in (
            ("frame (`cabinet_summary`), before", before),
            ("frame (`cabinet_summary`), after", after),
            ("«Заказы» page, frame the old way", page_before),
            ("«Заказы» page, frame from the counters", page_after),
        ):
            rows.append((who, what, result))
            print(
                f"{who} | {what}: median {result['median']:.2f} ms, p95 {result['p95']:.2f} ms,"
                f" {result['queries']} queries ({result['lines']} on order lines)",
                flush=True,
            )
    table = [
        "| client | what | median, ms | p95, ms | SQL on the server, ms "
        "| SQL queries | of them on `orders_orderline` |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for who, what, r in rows:
        table.append(
            f"| {who} | {what} | {r['median']:.2f} | {r['p95']:.2f} "
            f"| {'—' if r['server'] is None else format(r['server'], '.3f')} | {r['queries']} "
            f"| {r['lines']} |"
        )
    text = "\n".join(
        [
            "# The cabinet's left frame on a big store (issue 13, target 2)",
            "",
            f"Measured by `bench/frame_cost.py`: the frame alone ({args.runs} calls) and the "
            f"cabinet «Заказы» page through Django's test client ({args.page_runs} requests), "
            "after a warm-up, in-process, DEBUG off. «Before» is the frame as it was computed "
            "until now (the grouped read of the client's lines, kept as "
            "`orders.selectors.client_positions_from_lines`); «after» reads the per-client "
            "counters `orders.ClientStatusCount` and `garage.ClientChatUnread`.",
            "",
            f"Store: {store_lines:,} order lines of 191 clients; {chat_note}.",
            "",
            *table,
            "",
            f"- Data migration / counters: {migration_note}; {recount_note}.",
            "- The «Заказы» page keeps 2 queries on `orders_orderline`: they are the page's "
            "own table (the frame's read was the third).",
            "- «SQL on the server»: planning + execution time the database reports for the "
            "frame's statements (EXPLAIN ANALYZE, median of 50), without the round trips and "
            "the Python around them.",
            "- The machine was shared with other work (see the load average): the absolute "
            "numbers are upper bounds, the ratios are what to compare.",
            "",
            "## Environment",
            "",
            f"- Date: {info['date']}",
            f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
            f"- PostgreSQL: {info['postgresql']}",
            f"- Load average (1/5/15 min) before: {load_before}; after: {_common.load_now()}",
            *([f"- Note: {args.note}"] if args.note else []),
            "",
        ]
    )
    RESULTS_FILE.write_text(text, encoding="utf-8")
    print("\n".join(table))
    print(f"Written to {RESULTS_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--page-runs", type=int, default=60)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    url = _common.database_url(
        args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    )
    if args.build:
        build(url)
        return
    measure_all(url, args)


if __name__ == "__main__":
    main()
