"""Server-side latency of the cabinet article search, per cross scheme (issue 3, «Performance»).

    .venv/bin/python bench/search_latency.py              # 200 articles × schemes 1, 2, 3

Needs the bench catalog (`bench/generate_catalog.py`). Picks random products (fixed seed),
searches each one's article as a client would type it, by calling the real search service
(`search(client=…, query=…, brand_id=…)` of `mprating.catalog`) for a bench client whose
«Схема кросс-связей» is set to 1, 2, then 3. The brand is passed only when the article exists
under several brands (the client would have picked it). Per call it measures:

- wall time: `time.perf_counter()` around the whole call (Python + SQL);
- SQL time: the sum over the call's queries of the time spent in `cursor.execute`, measured
  with `connection.execute_wrapper` (PostgreSQL execution plus the local round trip; psycopg
  fetches the whole result inside `execute`, converting rows to Python happens after and is
  counted on the Python side);
- the number of queries and the analogs on the page.

Then, for the server time of a search as the cabinet serves it, the same articles are requested
as the page does on «Найти» (an htmx GET of `catalog:search` answered with the results block
only: the search, the «В корзине» numbers of the cart, the rendered rows) through Django's test
client, signed in as the bench client: wall time of `client.get`, its SQL time and queries.
`--no-page` skips this part.

Each scheme first runs on its own warm-up articles (not measured). Django runs with DEBUG off,
as in production, so the debug cursor does not add its logging to the timings. The Markdown
table goes to stdout and to `bench/results/search_latency.md`, with the machine, PostgreSQL,
load average and row counts; `EXPLAIN (ANALYZE, BUFFERS)` of the slowest query of the slowest
search per scheme is appended, to show what dominates.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261122
TARGET_P95_MS = {1: 50.0, 3: 150.0}
BENCH_EMAIL = "bench-search@mprating.local"
BENCH_PHONE = "+79990000101"
RESULTS_FILE = _common.RESULTS_DIR / "search_latency.md"
# The search service needs the catalog; the page also sessions and axes (signing in).
PAGE_APPS = ("sessions", "axes", *_common.BENCH_APPS)


@dataclass
class QueryTime:
    sql: str
    params: object
    seconds: float


@dataclass
class SqlTimer:
    """`connection.execute_wrapper` callable: times every query of the wrapped block."""

    queries: list[QueryTime] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(QueryTime(sql, params, time.perf_counter() - started))

    @property
    def seconds(self) -> float:
        return sum(query.seconds for query in self.queries)


@dataclass
class Sample:
    product_id: int
    query: str
    brand_id: int | None


@dataclass
class Measure:
    sample: Sample
    wall: float
    sql: float
    queries: list[QueryTime]
    analog_products: int
    analog_rows: int
    analogs_total: int


def search_function():
    """The cabinet search service, wherever the catalog app keeps it."""
    try:
        from mprating.catalog.selectors import search
    except ImportError:
        try:
            from mprating.catalog.search import search
        except ImportError:
            return None
    return search


def bench_client(cross_scheme: int):
    from mprating.accounts.models import Client
    from mprating.accounts.services import (
        PersonalData,
        client_register,
        client_update_search_settings,
    )

    client = Client.objects.select_related("user").filter(user__email=BENCH_EMAIL).first()
    if client is None:
        client = client_register(
            data=PersonalData(
                last_name="Замеров",
                first_name="Бенч",
                middle_name="Поисковый",
                email=BENCH_EMAIL,
                phone=BENCH_PHONE,
            ),
            password="bench-search-Pass-2026",
            consent_given=True,
        )
    return client_update_search_settings(
        client=client, markup_percent=Decimal("10.00"), cross_scheme=cross_scheme
    )


def pick_samples(count: int, seed: int) -> list[Sample]:
    """`count` random products (fixed seed) with the way a client would type their article:
    as stored («0 986 452 041») for one half, with dashes («0-986-452-041») for the other."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM catalog_product")
        max_id = cursor.fetchone()[0] or 0
        ids = random.Random(seed).sample(range(1, max_id + 1), min(count * 2, max_id))
        cursor.execute(
            """
            SELECT p.id, p.article, p.brand_id,
                   (SELECT count(*) FROM catalog_product q
                    WHERE q.article_normalized = p.article_normalized) AS brands
            FROM catalog_product p WHERE p.id = ANY(%s)
            """,
            [ids],
        )
        found = {row[0]: row for row in cursor.fetchall()}
    samples = []
    for number, product_id in enumerate(pk for pk in ids if pk in found):
        _, article, brand_id, brands = found[product_id]
        query = article if number % 2 == 0 else re.sub(r"[\s./]+", "-", article)
        samples.append(Sample(product_id, query, brand_id if brands > 1 else None))
        if len(samples) == count:
            break
    return samples


@dataclass
class PageMeasure:
    wall: float
    sql: float
    queries: int


def page_browser(client):
    """Django's test client signed in as the bench client (sessions and axes tables needed)."""
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(client.user)
    return browser


def run_page(browser, sample: Sample) -> PageMeasure:
    """The results block for one article, as the search form's htmx GET asks for it."""
    from django.db import connection
    from django.urls import reverse

    params = {"q": sample.query}
    if sample.brand_id is not None:
        params["brand"] = sample.brand_id
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = browser.get(reverse("catalog:search"), params, headers={"HX-Request": "true"})
        wall = time.perf_counter() - started
    if response.status_code != 200 or b'data-testid="offers"' not in response.content:
        raise SystemExit(f"The search page for {sample.query!r} answered {response.status_code}")
    return PageMeasure(wall=wall, sql=timer.seconds, queries=len(timer.queries))


def page_row(scheme: int, measures: list[PageMeasure]) -> str:
    walls = [m.wall for m in measures]
    queries = [m.queries for m in measures]
    return (
        f"| {scheme} | {len(measures)} "
        f"| {ms(statistics.median(walls))} | {ms(_common.percentile(walls, 0.95))} "
        f"| {ms(max(walls))} | {ms(statistics.median(m.sql for m in measures))} "
        f"| {ms(statistics.median(m.wall - m.sql for m in measures))} "
        f"| {min(queries)}–{max(queries)} |"
    )


PAGE_HEADER = (
    "| scheme | requests | wall median, ms | wall p95, ms | wall max, ms | SQL median, ms "
    "| Python median, ms | queries |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def run_one(search, client, sample: Sample) -> Measure:
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        result = search(client=client, query=sample.query, brand_id=sample.brand_id)
        wall = time.perf_counter() - started
    if result.product is None or result.product.id != sample.product_id:
        raise SystemExit(
            f"Search for {sample.query!r} (brand {sample.brand_id}) did not find product "
            f"{sample.product_id}: status {result.status}"
        )
    return Measure(
        sample=sample,
        wall=wall,
        sql=timer.seconds,
        queries=timer.queries,
        analog_products=result.analogs_shown,
        analog_rows=len(result.analog_rows),
        analogs_total=result.analogs_total,
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def scheme_row(scheme: int, measures: list[Measure]) -> str:
    walls = [m.wall for m in measures]
    sqls = [m.sql for m in measures]
    pythons = [m.wall - m.sql for m in measures]
    queries = [len(m.queries) for m in measures]
    target = TARGET_P95_MS.get(scheme)
    p95 = _common.percentile(walls, 0.95) * 1000
    verdict = "—" if target is None else (f"≤ {target:.0f}: " + ("да" if p95 <= target else "НЕТ"))
    return (
        f"| {scheme} | {len(measures)} "
        f"| {ms(statistics.median(walls))} | {ms(_common.percentile(walls, 0.95))} "
        f"| {ms(max(walls))} "
        f"| {ms(statistics.median(sqls))} | {ms(_common.percentile(sqls, 0.95))} "
        f"| {ms(max(sqls))} | {ms(statistics.median(pythons))} "
        f"| {min(queries)}–{max(queries)} "
        f"| {statistics.mean(m.analog_products for m in measures):.1f} "
        f"| {statistics.mean(m.analog_rows for m in measures):.1f} "
        f"| {statistics.mean(m.analogs_total for m in measures):.1f} "
        f"| {verdict} |"
    )


TABLE_HEADER = (
    "| scheme | searches | wall median, ms | wall p95, ms | wall max, ms "
    "| SQL median, ms | SQL p95, ms | SQL max, ms | Python median, ms | queries "
    "| analog products shown (avg) | analog offer rows (avg) | analogs with offers (avg) "
    "| p95 target |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def query_label(sql: str, walks_before: int) -> str:
    """A name for a query of the search, from its SQL (falls back to the first table read)."""
    if sql.lstrip().startswith("WITH"):
        return "product, cross walk, analogs and offers in one statement"
    if '"catalog_crosslink"' in sql:
        return f"cross walk, level {walks_before + 1}"
    if sql.startswith("SELECT DISTINCT") and '"catalog_offer"' in sql:
        return "analogs that have offers"
    match = re.search(r'FROM "(\w+)"', sql)
    table = match.group(1) if match else sql[:40]
    return {"catalog_offer": "offer rows", "catalog_product": "product by article"}.get(
        table, table
    )


def query_breakdown(measures: list[Measure]) -> list[str]:
    """Median / p95 / max SQL time by kind of query, in the order the search runs them."""
    by_label: dict[str, list[float]] = {}
    for measure in measures:
        walks = 0
        for query in measure.queries:
            label = query_label(query.sql, walks)
            walks += label.startswith("cross walk")
            by_label.setdefault(label, []).append(query.seconds)
    return [
        f"- {label}: median {ms(statistics.median(values))} ms, "
        f"p95 {ms(_common.percentile(values, 0.95))} ms, max {ms(max(values))} ms "
        f"({len(values)} queries)"
        for label, values in sorted(by_label.items(), key=lambda item: _label_order(item[0]))
    ]


def _label_order(label: str) -> tuple[int, str]:
    for rank, prefix in enumerate(("product", "cross walk", "analogs", "offer rows")):
        if label.startswith(prefix):
            return rank, label
    return 9, label


def explain_slowest(measures: list[Measure]) -> str:
    from django.db import connection

    slowest = max(measures, key=lambda m: m.wall)
    query = max(slowest.queries, key=lambda q: q.seconds)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query.sql, query.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    sql = query.sql if len(query.sql) < 1500 else query.sql[:1500] + " …"
    text = (
        f"Slowest search: «{slowest.sample.query}» (product {slowest.sample.product_id}), "
        f"wall {ms(slowest.wall)} ms, SQL {ms(slowest.sql)} ms in {len(slowest.queries)} "
        f"queries; its slowest query took {ms(query.seconds)} ms."
    )
    executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
    if executed and float(executed.group(1)) * 5 < query.seconds * 1000:
        text += (
            f" Run again under EXPLAIN it executes in {executed.group(1)} ms: the measured time "
            "went to waiting (CPU taken by other processes, or pages not yet in memory), not "
            "to the plan."
        )
    return f"{text}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help=f"default: $BENCH_DATABASE_URL or {_common.DEFAULT_URL}"
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured searches per scheme")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--note", default="", help="a line added to the results (conditions)")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    parser.add_argument(
        "--no-page", action="store_true", help="measure the search service only, not the page"
    )
    args = parser.parse_args()

    url = _common.database_url(args.database_url)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client
    _common.setup_django(url, debug=False)
    _common.migrate(PAGE_APPS)

    from django.conf import settings

    # The page's templates name static files; the bench has no collected manifest.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    search = search_function()
    if search is None:
        sys.exit("No search service yet (mprating.catalog.selectors/search.search).")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product")
        if not cursor.fetchone()[0]:
            sys.exit("The bench catalog is empty: run bench/generate_catalog.py first.")
        info = _common.machine_info(cursor)
        counts = _common.row_counts(cursor)

    samples = pick_samples(args.articles + args.warmup * 3, args.seed)
    warmups, measured = samples[: args.warmup * 3], samples[args.warmup * 3 :]
    print(
        f"{len(measured)} articles ({sum(s.brand_id is not None for s in measured)} under "
        f"several brands), warm-up {args.warmup} per scheme; load {info['load']}",
        flush=True,
    )
    results: dict[int, list[Measure]] = {}
    pages: dict[int, list[PageMeasure]] = {}
    for scheme in (1, 2, 3):
        client = bench_client(scheme)
        scheme_warmups = warmups[(scheme - 1) * args.warmup : scheme * args.warmup]
        for sample in scheme_warmups:
            run_one(search, client, sample)
        results[scheme] = [run_one(search, client, sample) for sample in measured]
        print(scheme_row(scheme, results[scheme]), flush=True)
        if not args.no_page:
            browser = page_browser(client)
            for sample in scheme_warmups:
                run_page(browser, sample)
            pages[scheme] = [run_page(browser, sample) for sample in measured]
            print("page: " + page_row(scheme, pages[scheme]), flush=True)

    load_after = _common.load_now()
    rows = "\n".join(scheme_row(scheme, measures) for scheme, measures in results.items())
    table = f"{TABLE_HEADER}\n{rows}"
    print()
    print(table)

    sections = [
        "# Search latency (cabinet article search, server side)",
        "",
        "Command: `.venv/bin/python bench/search_latency.py` "
        f"(--articles {args.articles} --warmup {args.warmup} --seed {args.seed}).",
        "",
        _common.environment_markdown(info, counts, load_after),
    ]
    if args.note:
        sections += [f"- Conditions: {args.note}"]
    sections += [
        "",
        table,
        "",
        "Wall = the whole `search(...)` call; SQL = time inside `cursor.execute` of its "
        "queries (execution + local round trip); Python = wall − SQL (ORM, row conversion, "
        "markup, sorting). Percentiles are nearest-rank. The client has a 10 % markup; "
        "no in-stock filter, sort by price. The same articles are measured for schemes 1, 2 "
        "and 3 in that order (pages read for scheme 1 are in memory for the next ones, as for "
        "a busy shop). Targets (issue 3): p95 ≤ 50 ms for scheme 1 and "
        "≤ 150 ms for scheme 3 with ≥ 5M cross-references; issue 13: p95 ≤ 10 ms for "
        "scheme 3.",
        "",
    ]
    if pages:
        page_rows = "\n".join(page_row(scheme, measures) for scheme, measures in pages.items())
        sections += [
            "## The page: results block as the cabinet serves a search",
            "",
            f"{PAGE_HEADER}\n{page_rows}",
            "",
            "The same articles, requested as the search form's htmx GET of `catalog:search` "
            "(`HX-Request: true`, answered with the results block only) through Django's test "
            "client, signed in as the bench client: the search, the «В корзине» numbers of the "
            "cart (one query) and the rendered rows, middleware and session included; wall = "
            "`client.get(...)`.",
            "",
        ]
    for scheme, measures in results.items():
        sections += [f"## Scheme {scheme}: SQL time by query", "", *query_breakdown(measures), ""]
        sections += [explain_slowest(measures), ""]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(sections))
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
