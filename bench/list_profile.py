"""Where a back office list's Python time goes: Python calls per request by part of the page, for
every list (issue 13, target 1: «the measured figure and what limits it, with the profile»).

    .venv/bin/python bench/list_profile.py --note "after …"

Each list is requested in-process as the superuser (Django's test client, as bench/pages.py):
first `--runs` times without a profiler for the median server time and its database time, then
`--profiled` times under `sys.setprofile`, which counts every Python and C call and gives it to
the part of the page it was made for. Calls are counted, not timed, so the split does not move
with the machine's load (a call costs ~0.4–0.5 µs on these machines; the «Python, ms» column is
the measured median minus the database time). The parts:

- **request**: the middleware (session, CSRF, CSP, axes, rate limits), the user, URL routing;
- **view**: `changelist_view`'s own work — the actions' form, media, the template's context;
- **context**: the site's context — the sidebar's navigation and its «ждут» badges;
- **changelist**: `ChangeList` — building the query, its count, paging (without the filters);
- **read**: the rows' statements run and their results made into objects or values (a
  queryset evaluated, wherever that happens: the list's rows, their lines, a column's data);
- **filters**: the filters' choices (`get_filters`) and their HTML;
- **rows**: the table — headers, cells, the rows' own queries when the template reads them;
- **frame**: the rest of the page's templates (unfold's skeleton, header, search, actions,
  pagination), most of them kept per state (`kept_frame`).

Results are appended to `bench/results/list_profile.md` with the load average.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

RESULTS_FILE = _common.RESULTS_DIR / "list_profile.md"
PARTS = ("request", "view", "context", "changelist", "read", "filters", "rows", "frame")
ROW_TEMPLATES = ("admin/change_list_results.html", "unfold/helpers/change_list_headers.html")
ROW_TAGS = ("unfold_result_list", "result_list")
FILTER_TEMPLATES = ("unfold/helpers/change_list_filter",)


class PartCounter:
    """Counts the calls of a request by the part of the page they were made for."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.part = "request"

    def profile(self, frame, event, arg):
        if event == "call" or event == "c_call":
            self.counts[self.part] += 1

    def entered(self, part: str):
        counter = self

        class _Part:
            def __enter__(self):
                self.previous = counter.part
                counter.part = part

            def __exit__(self, *exc):
                counter.part = self.previous

        return _Part()


def install(counter: PartCounter) -> None:
    """Wrap the functions that start a part (the wrappers' own calls land in the caller's)."""
    from functools import wraps

    from django.contrib.admin import options, sites
    from django.contrib.admin.views.main import ChangeList
    from django.db.models.query import QuerySet
    from django.template import base

    def wrap(owner, name: str, part: str) -> None:
        original = getattr(owner, name)

        @wraps(original)
        def wrapper(*args, **kwargs):
            with counter.entered(part):
                return original(*args, **kwargs)

        setattr(owner, name, wrapper)

    from django.contrib import admin

    wrap(options.ModelAdmin, "changelist_view", "view")
    for site_class in {sites.AdminSite, type(admin.site)}:
        wrap(site_class, "each_context", "context")
    wrap(options.ModelAdmin, "get_changelist_instance", "changelist")
    wrap(ChangeList, "get_filters", "filters")
    original_fetch = QuerySet._fetch_all

    def _fetch_all(self):
        if self._result_cache is not None or counter.part in ("context", "filters"):
            return original_fetch(self)
        with counter.entered("read"):
            return original_fetch(self)

    QuerySet._fetch_all = _fetch_all
    original_render = base.Node.render_annotated

    def render_annotated(self, context):
        part = counter.part
        if part not in ("rows", "filters"):
            origin = getattr(getattr(self, "origin", None), "template_name", "") or ""
            token = getattr(self, "token", None)
            contents = token.contents if token is not None else ""
            if origin in ROW_TEMPLATES or contents.split(" ", 1)[0] in ROW_TAGS:
                part = "rows"
            elif origin.startswith(FILTER_TEMPLATES) or "change_list_filter.html" in contents:
                part = "filters"
            else:
                part = "frame"
        if part == counter.part:
            return original_render(self, context)
        with counter.entered(part):
            return original_render(self, context)

    base.Node.render_annotated = render_annotated


def measure(browser, url: str, runs: int, profiled: int, counter: PartCounter) -> dict | None:
    for _ in range(3):
        response = browser.get(url)
        if response.status_code != 200:
            return None
    totals, db_times = [], []
    for _ in range(runs):
        with _common.sql_spent() as spent:
            started = time.perf_counter()
            browser.get(url)
            totals.append((time.perf_counter() - started) * 1000)
        db_times.append(spent[0] * 1000)
    counter.counts.clear()
    sys.setprofile(counter.profile)
    try:
        for _ in range(profiled):
            browser.get(url)
    finally:
        sys.setprofile(None)
    calls = {part: counter.counts[part] / profiled for part in PARTS}
    median, db = statistics.median(totals), statistics.median(db_times)
    return {"median": median, "db": db, "calls": calls, "met": median <= 2 * db + 5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profiled", type=int, default=3)
    parser.add_argument("--note", default="")
    parser.add_argument("--match", default="", help="only the lists whose name has these words")
    args = parser.parse_args()
    url = _common.database_url(args.database_url)
    _common.setup_django(url, debug=False)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as Browser

    from bench.pages import backoffice_lists

    admin_user = get_user_model().objects.filter(email="bench-admin@mprating.local").first()
    if admin_user is None:
        sys.exit("No bench admin: run bench/pages.py once first.")
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        cursor.execute("SELECT count(*) FROM orders_orderline")
        store_lines = cursor.fetchone()[0]
    browser = Browser(HTTP_HOST="127.0.0.1")
    browser.force_login(admin_user)
    counter = PartCounter()
    install(counter)
    _common.freeze_like_gunicorn()

    lines = [
        f"\n## {info['date']} — store {store_lines:,} order lines"
        + (f" ({args.note})" if args.note else ""),
        "",
        f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; PostgreSQL {info['postgresql']}",
        f"- Runs per list: {args.runs} timed, {args.profiled} counted; "
        f"load average before: {info['load']}",
        "",
        "| list | median, ms | DB, ms | Python, ms | target 1 | calls | "
        + " | ".join(PARTS)
        + " |",
        "|---|---:|---:|---:|---|---:|" + "---:|" * len(PARTS),
    ]
    words = [word for word in args.match.split(",") if word]
    for name, page_url in backoffice_lists():
        if words and not any(word in name for word in words):
            continue
        result = measure(browser, page_url, args.runs, args.profiled, counter)
        if result is None:  # a settings page of one row opens its form instead
            continue
        calls = result["calls"]
        row = (
            f"| {name} | {result['median']:.1f} | {result['db']:.1f} | "
            f"{result['median'] - result['db']:.1f} | {'да' if result['met'] else '**нет**'} | "
            f"{sum(calls.values()):,.0f} | "
            + " | ".join(f"{calls[part]:,.0f}" for part in PARTS)
            + " |"
        )
        print(row, flush=True)
        lines.append(row)
    lines.append(f"\nLoad average after: {_common.load_now()}")
    if not RESULTS_FILE.exists():
        RESULTS_FILE.write_text(
            "# Back office lists: where the Python time goes (bench/list_profile.py)\n\n"
            + __doc__.split("\n\n", 2)[2]
        )
    with RESULTS_FILE.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
