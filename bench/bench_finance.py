"""Cabinet «Финансы» and the акт сверки for a client with 100,000 ledger entries (PostgreSQL).

    .venv/bin/python bench/bench_finance.py            # generates the ledger once, then measures

Own database `mprating_bench_finance` (`--database-url` or `BENCH_FINANCE_DATABASE_URL`; the
name must contain «bench»). The bench client's ledger goes in with PostgreSQL COPY into the
real `finance_ledgerentry` table and its maintained `finance_clientbalance` row is set to the
sum, as the services would leave it: 100,000 entries over 16 years (≈ 6,250 a year, ≈ 25 a
working day: a big wholesale client) — 80 % orders paid from the balance, 15 % payments, 4 %
refusal credits, 1 % return refunds. Deterministic (fixed seed); `--force` regenerates.

Measured, with DEBUG off:
- the «Финансы» page (`/cabinet/finance/`, the last 14 days) and a one-month period, through
  Django's test client (middleware, view, SQL, template; no network): median, p95, max and
  the number of SQL queries over `--runs` requests after a warm-up; target p95 ≤ 100 ms;
- the frame's `client_balance` selector;
- a one-year акт сверки made by the real job (`statements.statement_generate`: figures through
  the gateway, PDF by WeasyPrint, XLSX by openpyxl), `--statements` times; target ≤ 5 s; the
  PDF and XLSX alone are timed too.
Results → `bench/results/finance.md`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261130
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_finance"
BENCH_EMAIL = "bench-finance@mprating.local"
ENTRIES = 100_000
YEARS = 16
PAGE_TARGET_MS = 100.0
STATEMENT_TARGET_S = 5.0
RESULTS_FILE = _common.RESULTS_DIR / "finance.md"
APPS = (
    "sessions",
    "axes",
    "django_tasks_database",
    "accounts",
    "catalog",
    "cart",
    "pickup_points",
    "orders",
    "garage",
    "notifications",
    "finance",
)


def generate(client, *, entries: int, years: int, seed: int) -> None:
    """COPY the ledger of `client` and set its balance row to the sum."""
    from django.db import connection, transaction
    from django.utils import timezone

    from mprating.finance.models import ClientBalance, DocumentType, EntryKind

    rng = random.Random(seed)
    now = timezone.now()
    start = now - timedelta(days=365 * years)
    step = (now - start) / entries
    columns = [
        "client_id",
        "kind",
        "debit",
        "credit",
        "document_type",
        "document_id",
        "document_label",
        "occurred_at",
        "created_at",
        "comment",
        "idempotency_key",
    ]
    balance = Decimal("0.00")

    def rows():
        nonlocal balance
        order, payment = 100000, 1
        for index in range(entries):
            at = start + step * index + timedelta(seconds=rng.randint(0, 600))
            roll = rng.random()
            if roll < 0.80:
                order += 1
                amount = Decimal(rng.randint(50_000, 2_500_000)) / 100
                kind, debit, credit = EntryKind.ORDER_CHARGE, amount, Decimal("0.00")
                doc = (DocumentType.ORDER, str(order), f"Заказ MP-{order:06d}")
            elif roll < 0.95:
                payment += 1
                amount = Decimal(rng.randint(50, 400)) * 1000
                kind, debit, credit = EntryKind.PAYMENT, Decimal("0.00"), amount
                doc = (
                    DocumentType.PAYMENT,
                    str(payment),
                    f"П/п № {payment} от {at:%d.%m.%Y}",
                )
            elif roll < 0.99:
                amount = Decimal(rng.randint(10_000, 500_000)) / 100
                kind, debit, credit = EntryKind.REFUSAL_CREDIT, Decimal("0.00"), amount
                doc = (DocumentType.ORDER, str(order), f"Заказ MP-{order:06d}")
            else:
                amount = Decimal(rng.randint(10_000, 300_000)) / 100
                kind, debit, credit = EntryKind.RETURN_REFUND, Decimal("0.00"), amount
                doc = (DocumentType.RETURN, str(index), f"Возврат № {index}")
            balance += credit - debit
            yield (client.pk, kind, debit, credit, *doc, at, at, "", f"bench:{index}")

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM finance_statement WHERE client_id = %s", [client.pk])
        cursor.execute("DELETE FROM finance_ledgerentry WHERE client_id = %s", [client.pk])
        with cursor.cursor.copy(
            f"COPY finance_ledgerentry ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows():
                copy.write_row(row)
        ClientBalance.objects.update_or_create(
            client=client, defaults={"balance": balance, "credit_limit": Decimal("500000.00")}
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) finance_ledgerentry")
    print(
        f"{entries:,} entries over {years} years in {time.perf_counter() - started:.1f} s; "
        f"balance {balance}",
        flush=True,
    )


def bench_client(*, force: bool, entries: int, years: int):
    from mprating.accounts import services as accounts
    from mprating.accounts.models import Client
    from mprating.accounts.services import PersonalData
    from mprating.finance.models import LedgerEntry

    client = Client.objects.filter(user__email=BENCH_EMAIL).select_related("user").first()
    if client is None:
        client = accounts.client_register(
            data=PersonalData(
                last_name="Бенчев",
                first_name="Пётр",
                middle_name="Ильич",
                email=BENCH_EMAIL,
                phone="+79990001122",
                company_name="ООО «Оптовик»",
                inn="7701234567",
            ),
            password="Bench-finance-2026!",
            consent_given=True,
        )
    if force or LedgerEntry.objects.filter(client=client).count() != entries:
        generate(client, entries=entries, years=years, seed=SEED)
    return client


def measure_page(browser, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get(url)
    queries = len(ctx.captured_queries)  # now: the next request empties the log
    rows = response.content.count(b'data-testid="operation"')
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        browser.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": _common.percentile(timings, 0.95),
        "max": max(timings),
        "queries": queries,
        "rows": rows,
    }


def measure_statement(client, start: date, end: date) -> dict:
    from mprating.finance import services
    from mprating.finance.embedded import EmbeddedGateway
    from mprating.finance.models import Statement
    from mprating.finance.reports import period_report
    from mprating.finance.statements import (
        client_party,
        render_pdf,
        render_xlsx,
        statement_generate,
        store_party,
    )

    began, cpu_began = time.perf_counter(), time.process_time()
    statement = services.statement_request(client_id=client.pk, start=start, end=end)
    statement_generate(statement.pk)
    total = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    statement.refresh_from_db()
    if statement.status != Statement.Status.DONE:
        raise SystemExit(f"statement failed: {statement.error_message}")
    parts = {}
    began = time.perf_counter()
    report = period_report(EmbeddedGateway(), client, start=start, end=end)
    parts["figures"] = time.perf_counter() - began
    store, party = store_party(), client_party(client)
    began = time.perf_counter()
    pdf = render_pdf(report, store=store, client=party)
    parts["pdf"] = time.perf_counter() - began
    began = time.perf_counter()
    xlsx = render_xlsx(report, store=store, client=party)
    parts["xlsx"] = time.perf_counter() - began
    return {
        "total": total,
        "cpu": cpu,
        "rows": statement.movements_count,
        "pdf_kb": len(pdf) // 1024,
        "xlsx_kb": len(xlsx) // 1024,
        **parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--force", action="store_true", help="regenerate the ledger")
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--statements", type=int, default=3)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    url = _common.database_url(
        args.database_url or os.environ.get("BENCH_FINANCE_DATABASE_URL") or DEFAULT_URL
    )
    _common.ensure_database(url)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-finance-")

    from django.db import connection
    from django.test import Client as Browser
    from django.utils import timezone

    from mprating.finance import selectors

    client = bench_client(force=args.force, entries=args.entries, years=args.years)
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
    browser = Browser()
    browser.force_login(client.user)
    today = timezone.localdate()
    month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - timedelta(days=1)
    pages = [
        ("«Финансы»: баланс и операции за 14 дней", "/cabinet/finance/"),
        (
            "«Финансы»: операции за прошлый месяц",
            f"/cabinet/finance/?date_from={month_start:%d.%m.%Y}&date_to={month_end:%d.%m.%Y}",
        ),
    ]
    page_rows = []
    for title, page_url in pages:
        result = measure_page(browser, page_url, args.runs)
        page_rows.append((title, page_url, result))
        print(
            f"{title}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"{result['queries']} queries, {result['rows']} operations",
            flush=True,
        )

    frame = []
    for _ in range(500):
        began = time.perf_counter()
        selectors.client_balance(client.pk)
        frame.append((time.perf_counter() - began) * 1000)

    year_start, year_end = today - timedelta(days=364), today
    statements = []
    for _ in range(args.statements):
        result = measure_statement(client, year_start, year_end)
        statements.append(result)
        print(
            f"акт {year_start:%d.%m.%Y}–{year_end:%d.%m.%Y}: {result['total']:.2f} s "
            f"({result['rows']:,} operations; PDF {result['pdf']:.2f} s, "
            f"XLSX {result['xlsx']:.2f} s, figures {result['figures']:.2f} s)",
            flush=True,
        )
    totals = [s["total"] for s in statements]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM finance_ledgerentry WHERE client_id = %s", [client.pk])
        client_entries = cursor.fetchone()[0]
    page_table = [
        "| page | operations on the page | median, ms | p95, ms | max, ms | SQL queries "
        "| p95 ≤ 100 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for title, page_url, r in page_rows:
        ok = "да" if r["p95"] <= PAGE_TARGET_MS else "нет"
        page_table.append(
            f"| {title} (`{page_url}`) | {r['rows']:,} | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{r['max']:.1f} | {r['queries']} | {ok} |"
        )
    first = statements[0]
    statement_table = [
        "| акт сверки | operations | total (median of runs), s | max, s | CPU of this process "
        "(median), s | figures, s | PDF, s | XLSX, s | PDF / XLSX size | ≤ 5 s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {year_start:%d.%m.%Y} – {year_end:%d.%m.%Y} (one year) | {first['rows']:,} | "
        f"{statistics.median(totals):.2f} | {max(totals):.2f} | "
        f"{statistics.median(s['cpu'] for s in statements):.2f} | "
        f"{statistics.median(s['figures'] for s in statements):.2f} | "
        f"{statistics.median(s['pdf'] for s in statements):.2f} | "
        f"{statistics.median(s['xlsx'] for s in statements):.2f} | "
        f"{first['pdf_kb']:,} KB / {first['xlsx_kb']:,} KB | "
        f"{'да' if statistics.median(totals) <= STATEMENT_TARGET_S else 'нет'} |",
    ]
    text = "\n".join(
        [
            "# «Финансы» and the акт сверки for a client with 100,000 ledger entries",
            "",
            "Measured by `bench/bench_finance.py` on PostgreSQL, DEBUG off. Pages: "
            f"{args.runs} requests each after a warm-up, in-process through Django's test "
            "client (the whole server side, no network). The акт: the real background job "
            f"(figures through the gateway, PDF by WeasyPrint, XLSX by openpyxl), "
            f"{args.statements} runs. Wall time counts what other processes on the machine "
            "take from it; the CPU time of this process does not (PostgreSQL's own work is in "
            "the wall time only).",
            "",
            f"Client: {client_entries:,} ledger entries over {args.years} years "
            f"(≈ {client_entries // args.years:,} a year).",
            "",
            *page_table,
            "",
            f"Frame balance (`finance.selectors.client_balance`, 1 query): median "
            f"{statistics.median(frame):.2f} ms, p95 {_common.percentile(frame, 0.95):.2f} ms.",
            "",
            *statement_table,
            "",
            "## Environment",
            "",
            f"- Date: {info['date']}",
            f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
            f"- PostgreSQL: {info['postgresql']}",
            f"- Load average (1/5/15 min) before: {info['load']}; after: {_common.load_now()}",
            *([f"- Note: {args.note}"] if args.note else []),
            "",
        ]
    )
    RESULTS_FILE.write_text(text, encoding="utf-8")
    print("\n".join([*page_table, "", *statement_table]))
    print(f"Written to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
