"""Server time of the back office home («Сводка») and of the sidebar's badges on a big store
(issue 9: «constant queries, ≤ 100 ms at 1M order lines»).

    .venv/bin/python bench/generate_catalog.py --products 100000   # once, if not there yet
    .venv/bin/python bench/generate_orders.py                      # 1,000,000 order lines
    .venv/bin/python bench/backoffice_home.py

The orders come from `generate_orders.py` (200,000 orders / 1,000,000 lines, one order every
three minutes back from now, some lines with a pending refusal request). This script adds what
the other cards count, once (idempotent): 100,000 VIN requests (1 % waiting), 50,000 package
purchases (2 % awaiting payment), 10,000 partner applications (1 % new) and 5,000 import jobs
(a few queued, running and failed). Each page is requested in-process through Django's test
client (middleware, view, SQL, template: the whole server side, no network) N times after a
warm-up, as a superuser (every card and badge); median, p95 and the number of SQL queries are
reported; the sidebar alone (`navigation.sidebar`, where the badges are counted) and the cards
alone (`dashboard.desk_sections`, every count the home makes) are timed too — the parts that
grow with the data, apart from rendering. Results → `bench/results/backoffice_home.md`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

TARGET_P95_MS = 100.0
RESULTS_FILE = _common.RESULTS_DIR / "backoffice_home.md"
APPS = (
    "sessions",
    "admin",
    "axes",
    "accounts",
    "catalog",
    "cart",
    "pickup_points",
    "finance",
    "billing",
    "orders",
    "notifications",
    "garage",
    "returns",
    "marketplaces",
    "partners",
)
VIN_REQUESTS = 100_000
PURCHASES = 50_000
APPLICATIONS = 10_000
IMPORT_JOBS = 5_000
BATCH = 5_000
COUNTED_TABLES = (
    "orders_order",
    "orders_orderline",
    "garage_vinrequest",
    "billing_packagepurchase",
    "partners_partnerapplication",
    "catalog_importjob",
    "accounts_client",
)


def _fill(staff) -> None:
    """The rows the other cards count, made once (a second run finds them and adds nothing)."""
    from django.utils import timezone

    from mprating.accounts.models import Client
    from mprating.billing.models import Package, PackagePurchase, PurchaseMethod, PurchaseStatus
    from mprating.catalog.models import ImportJob
    from mprating.garage.models import VinRequest
    from mprating.partners.models import PartnerApplication

    now = timezone.now()
    client_ids = list(Client.objects.values_list("pk", flat=True)[:200])
    if VinRequest.objects.count() < VIN_REQUESTS:
        print(f"VIN requests: {VIN_REQUESTS:,}…", flush=True)
        done = VinRequest.Status.DONE
        rows = [
            VinRequest(
                client_id=client_ids[i % len(client_ids)],
                vehicle_name="LADA Vesta 1.6",
                vin="XTAGFL110LY000000",
                status=VinRequest.Status.PENDING if i % 100 == 0 else done,
            )
            for i in range(VIN_REQUESTS)
        ]
        VinRequest.objects.bulk_create(rows, batch_size=BATCH)
    if PackagePurchase.objects.count() < PURCHASES:
        print(f"Package purchases: {PURCHASES:,}…", flush=True)
        package, _ = Package.objects.get_or_create(
            name="Бенч",
            defaults={"price": Decimal("1000.00"), "requests_included": 10, "validity_days": 30},
        )
        rows = [
            PackagePurchase(
                client_id=client_ids[i % len(client_ids)],
                package=package,
                name=package.name,
                price=package.price,
                requests_total=10,
                requests_left=10,
                validity_days=30,
                payment_method=PurchaseMethod.INVOICE,
                status=(
                    PurchaseStatus.AWAITING_PAYMENT if i % 50 == 0 else PurchaseStatus.CANCELLED
                ),
                created_at=now - timedelta(minutes=i * 5),
                idempotency_key=uuid.uuid4(),
            )
            for i in range(PURCHASES)
        ]
        PackagePurchase.objects.bulk_create(rows, batch_size=BATCH)
    if PartnerApplication.objects.count() < APPLICATIONS:
        print(f"Partner applications: {APPLICATIONS:,}…", flush=True)
        Status = PartnerApplication.Status
        rows = [
            PartnerApplication(
                company_name=f"ООО «Пункт {i}»",
                inn="7707083893",
                contact_name="Гусев Олег Николаевич",
                phone="+79161112233",
                email=f"point{i}@example.ru",
                point_address="г. Москва, ул. Профсоюзная, д. 56",
                status=Status.NEW if i % 100 == 0 else Status.DECLINED,
                consent_at=now,
                decided_at=None if i % 100 == 0 else now,
            )
            for i in range(APPLICATIONS)
        ]
        PartnerApplication.objects.bulk_create(rows, batch_size=BATCH)
    if ImportJob.objects.count() < IMPORT_JOBS:
        print(f"Import jobs: {IMPORT_JOBS:,}…", flush=True)
        statuses = [ImportJob.Status.DONE] * 96 + [
            ImportJob.Status.QUEUED,
            ImportJob.Status.RUNNING,
            ImportJob.Status.FAILED,
            ImportJob.Status.FAILED,
        ]
        rows = [
            ImportJob(
                kind=ImportJob.Kind.CROSSES,
                file="imports/bench.csv",
                original_name="bench.csv",
                status=statuses[i % len(statuses)],
                created_by=staff,
                created_at=now - timedelta(hours=i),
            )
            for i in range(IMPORT_JOBS)
        ]
        ImportJob.objects.bulk_create(rows, batch_size=BATCH)


def _timed(action, runs: int) -> list[float]:
    for _ in range(3):
        action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure_page(browser, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    timings = _timed(get, runs)
    with CaptureQueriesContext(connection) as ctx:
        get()
    return _summary(timings, len(ctx.captured_queries))


def _summary(timings: list[float], queries: int) -> dict:
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

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    from django.db import connection
    from django.test import Client as Browser
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from mprating.accounts.models import User
    from mprating.backoffice.dashboard import desk_sections
    from mprating.backoffice.navigation import sidebar

    staff, _ = User.objects.get_or_create(
        email="bench-staff@mprating.local",
        defaults={"is_staff": True, "is_superuser": True, "phone": "+79980009999"},
    )
    _fill(staff)
    with connection.cursor() as cursor:
        # Fresh rows: the visibility map lets the counts be index-only scans, as in a store
        # that autovacuum has visited.
        cursor.execute("VACUUM ANALYZE")
        info = _common.machine_info(cursor)
        counts = {}
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    browser = Browser()
    browser.force_login(staff)
    pages = [
        ("Сводка (все разделы, суперпользователь)", reverse("admin:index")),
        ("«Склады» — короткий список: страница с бейджами меню", "/backoffice/catalog/warehouse/"),
    ]
    rows = []
    for title, page_url in pages:
        result = measure_page(browser, page_url, args.runs)
        rows.append((title, f"`{page_url}`", result))
        print(
            f"{title}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"{result['queries']} queries",
            flush=True,
        )

    def sidebar_alone():
        request = RequestFactory().get("/backoffice/catalog/warehouse/")  # counts once each
        request.user = staff
        sidebar(request)

    timings = _timed(sidebar_alone, args.runs)
    with CaptureQueriesContext(connection) as ctx:
        sidebar_alone()
    badges = _summary(timings, len(ctx.captured_queries))
    rows.append(("Меню с бейджами отдельно (`navigation.sidebar`)", "—", badges))
    print(f"sidebar: median {badges['median']:.2f} ms, p95 {badges['p95']:.2f} ms", flush=True)

    # The part that grows with the data: every card's selector, without the page around it.
    def cards_alone():
        home = RequestFactory().get("/backoffice/")
        home.user = staff
        desk_sections(home)

    timings = _timed(cards_alone, args.runs)
    with CaptureQueriesContext(connection) as ctx:
        cards_alone()
    cards = _summary(timings, len(ctx.captured_queries))
    rows.append(("Карточки сводки отдельно (`dashboard.desk_sections`)", "—", cards))
    print(f"cards: median {cards['median']:.2f} ms, p95 {cards['p95']:.2f} ms", flush=True)

    table = [
        f"| page | address | median, ms | p95, ms | max, ms | SQL queries "
        f"| p95 ≤ {TARGET_P95_MS:.0f} ms |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for title, where, r in rows:
        ok = "да" if r["p95"] <= TARGET_P95_MS else "нет"
        table.append(
            f"| {title} | {where} | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['queries']} | {ok} |"
        )
    data = ", ".join(f"`{table}` {count:,}" for table, count in counts.items())
    text = "\n".join(
        [
            "# Back office home and sidebar badges on a big store (issue 9)",
            "",
            f"Measured by `bench/backoffice_home.py`: {args.runs} requests per page after a "
            "warm-up, in-process through Django's test client (the whole server side, no "
            "network), DEBUG off, as a superuser (every card and badge).",
            "",
            f"Data: {data}.",
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
