"""The search now and the earlier search, on the same articles, alternating (issue 13).

    .venv/bin/python bench/search_paired.py                # 200 articles × schemes 1, 2, 3

On a machine shared with other work, two runs of `search_latency.py` minutes apart see different
loads, and the difference between them can be larger than the difference between two versions
of the code. This script measures both in one process, article by article, alternating which
goes first: the current `mprating.catalog.search.search` (one SQL statement) and the earlier
implementation of issue 3 (one query per level of the cross walk, then the analogs with offers,
then their offers), which `mprating/catalog/tests/test_search_one_statement.py` keeps as the
oracle the new search is tested against. Every pair of results is also checked to be equal.
Same bench database, client, articles and seed as `search_latency.py`; results →
`results/search_paired.md`. Options: `--articles`, `--warmup`, `--seed`, `--note`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common
from bench import search_latency as latency

RESULTS_FILE = _common.RESULTS_DIR / "search_paired.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=latency.SEED)
    parser.add_argument("--note", default="")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args()

    _common.setup_django(_common.database_url(args.database_url), debug=False)
    _common.migrate()

    from django.db import connection

    from mprating.catalog.search import search
    from mprating.catalog.tests.test_search_one_statement import old_search

    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        counts = _common.row_counts(cursor)
    samples = latency.pick_samples(args.articles + args.warmup, args.seed)
    warmups, measured = samples[: args.warmup], samples[args.warmup :]
    versions = {"earlier (issue 3)": old_search, "one statement (issue 13)": search}
    lines = []
    for scheme in (1, 2, 3):
        client = latency.bench_client(scheme)
        for sample in warmups:
            for function in versions.values():
                function(client=client, query=sample.query, brand_id=sample.brand_id)
        walls: dict[str, list[float]] = {name: [] for name in versions}
        sqls: dict[str, list[float]] = {name: [] for name in versions}
        queries: dict[str, list[int]] = {name: [] for name in versions}
        for number, sample in enumerate(measured):
            order = list(versions.items())
            if number % 2:
                order.reverse()
            results = {}
            for name, function in order:
                timer = latency.SqlTimer()
                with connection.execute_wrapper(timer):
                    started = time.perf_counter()
                    results[name] = function(
                        client=client, query=sample.query, brand_id=sample.brand_id
                    )
                    walls[name].append(time.perf_counter() - started)
                sqls[name].append(timer.seconds)
                queries[name].append(len(timer.queries))
            first, second = results.values()
            if first != second:
                sys.exit(f"Different results for {sample.query!r} at scheme {scheme}")
        for name in versions:
            line = (
                f"| {scheme} | {name} | {len(walls[name])} "
                f"| {latency.ms(statistics.median(walls[name]))} "
                f"| {latency.ms(_common.percentile(walls[name], 0.95))} "
                f"| {latency.ms(statistics.median(sqls[name]))} "
                f"| {latency.ms(statistics.median(w - s for w, s in zip(walls[name], sqls[name], strict=True)))} "  # noqa: E501
                f"| {min(queries[name])}–{max(queries[name])} |"
            )
            lines.append(line)
            print(line, flush=True)

    table = (
        "| scheme | search | searches | wall median, ms | wall p95, ms | SQL median, ms "
        "| Python median, ms | queries |\n|---:|---|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(lines)
    )
    sections = [
        "# Search: the earlier implementation and the one statement, paired",
        "",
        "Command: `.venv/bin/python bench/search_paired.py` "
        f"(--articles {args.articles} --warmup {args.warmup} --seed {args.seed}).",
        "",
        _common.environment_markdown(info, counts, _common.load_now()),
        *([f"- Conditions: {args.note}"] if args.note else []),
        "",
        table,
        "",
        "Both versions run in one process on the same articles, alternating which goes first, "
        "so that both see the same load; every pair of results was equal. Wall = the whole "
        "call; SQL = time inside `cursor.execute`; Python = wall − SQL. 10 % markup, sort by "
        "price, no stock filter.",
        "",
    ]
    args.output.write_text("\n".join(sections))
    print(f"\nWritten to {args.output}; load now {os.getloadavg()}")


if __name__ == "__main__":
    main()
