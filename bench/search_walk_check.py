"""The search's statement over the neighbour arrays gives exactly what the walk over the stored
pairs gives, on the bench catalog (issue 13, target 4; catalog migration 0004).

    .venv/bin/python bench/search_walk_check.py --database-url postgres://…/mprating_bench

For `--articles` random products (fixed seed) × cross schemes 1–3 × the stock filter off and on,
runs the whole search statement twice on PostgreSQL: as the search runs it
(`catalog_crossneighbours`) and with the walk over `catalog_crosslink` (the statement before
migration 0004, still the one SQLite runs), and compares every row: products, depths, offers
and `analogs_total` (the lines come in no order, so they are compared sorted). Prints the
counts and the time of each; exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

SEED = 20261130


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    _common.setup_django(_common.database_url(args.database_url), debug=False)

    from django.db import connection

    from mprating.catalog import search

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM catalog_product")
        max_id = cursor.fetchone()[0]
        ids = random.Random(args.seed).sample(range(1, max_id + 1), args.articles)
        cursor.execute(
            "SELECT article_normalized, brand_id FROM catalog_product WHERE id = ANY(%s)", [ids]
        )
        samples = cursor.fetchall()
        differences = 0
        for scheme in (1, 2, 3):
            for in_stock in (False, True):
                times = {"postgresql": [], "other": []}
                analogs = []
                for article, brand_id in samples:
                    lines = {}
                    for vendor in ("postgresql", "other"):
                        sql = search._search_sql(
                            vendor, scheme, in_stock, search.TRAVERSAL_LIMIT, search.ANALOG_LIMIT
                        )
                        started = time.perf_counter()
                        cursor.execute(sql, {"article": article, "brand": brand_id})
                        # The statement's lines come in no order (the search sorts them).
                        lines[vendor] = sorted(cursor.fetchall(), key=repr)
                        times[vendor].append((time.perf_counter() - started) * 1000)
                    if lines["postgresql"] != lines["other"]:
                        differences += 1
                        print(f"DIFFERENT: {article} (brand {brand_id}), scheme {scheme}")
                    analogs.append(
                        next(line[17] for line in lines["other"] if line[17] is not None)
                    )
                print(
                    f"scheme {scheme}, in stock only: {'yes' if in_stock else 'no '}: "
                    f"{len(samples)} articles compared, analogs with offers avg "
                    f"{statistics.mean(analogs):.1f} (max {max(analogs)}); median ms: "
                    f"neighbour arrays {statistics.median(times['postgresql']):.2f}, "
                    f"pairs {statistics.median(times['other']):.2f}"
                )
    print("All equal." if not differences else f"{differences} searches differ.")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
