"""Import a 1,000,000-row cross list through the real import task (issue 3, «Catalog and
price lists»: «a 1,000,000-row cross list must import without running out of memory»).

    .venv/bin/python bench/import_crosses.py [--rows 1000000] [--database-url …]

Uses its own PostgreSQL database (default `mprating_bench_import`, created and migrated here;
its catalog tables are emptied first). Writes a CSV in a temp dir — columns Бренд 1,
Артикул 1, Бренд 2, Артикул 2, Источник; 40 brands (some rows spell them by an alias or in
lower case), articles drawn from a pool so that pairs repeat and many products are shared;
about 0.1 % of rows are bad (blank article, unknown brand, a product crossed with itself) —
then creates the import job with the back office's service, maps the columns by their
headers, and starts it: the task runs in this process (ImmediateBackend) exactly as the
worker would run it. Reports wall time, rows/s, the job's counters and the peak memory of
the process (`resource.getrusage(...).ru_maxrss`) before and after the import, and writes
`bench/results/import_crosses.md`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    RESULTS_DIR,
    database_name,
    database_url,
    ensure_database,
    load_now,
    machine_info,
    migrate,
    row_counts,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_import"
BRANDS = [f"BRAND{n:02d}" for n in range(40)]
SEED = 20261122


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def write_csv(path: Path, rows: int) -> dict[str, int]:
    rng = random.Random(SEED)
    pool = 400_000  # articles per brand pool: pairs share products, as real cross lists do
    bad = {"blank": 0, "unknown": 0, "self": 0}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["Бренд 1", "Артикул 1", "Бренд 2", "Артикул 2", "Источник"])
        for n in range(rows):
            b1, b2 = rng.randrange(40), rng.randrange(40)
            a1 = f"{rng.randrange(pool):06d}-{b1:02d}"
            a2 = f"{rng.randrange(pool):06d}-{b2:02d}"
            brand_1 = BRANDS[b1] if n % 7 else BRANDS[b1].lower()
            brand_2 = BRANDS[b2] if n % 11 else f"ALIAS{b2:02d}"
            roll = n % 1000
            if roll == 1:
                a1, bad["blank"] = "", bad["blank"] + 1
            elif roll == 2:
                brand_2, bad["unknown"] = "NONAME", bad["unknown"] + 1
            elif roll == 3:
                brand_2, a2, bad["self"] = BRANDS[b1], a1.replace("-", " "), bad["self"] + 1
            writer.writerow([brand_1, a1, brand_2, a2, "bench"])
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    url = database_url(args.database_url)
    created = ensure_database(url)
    # The task runs in this process, as `manage.py db_worker` would run it.
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    setup_django(url, debug=False)  # as a production worker runs: no SQL debug log
    migrate()

    from django.conf import settings
    from django.core.files import File
    from django.db import connection

    from mprating.accounts.models import User
    from mprating.catalog import services
    from mprating.catalog.imports import services as import_services
    from mprating.catalog.models import ImportJob

    workdir = Path(tempfile.mkdtemp(prefix="bench_import_"))
    settings.MEDIA_ROOT = workdir / "media"
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_importrejectedrow, catalog_importjob, catalog_crosslink, "
            "catalog_applicability, catalog_offer, catalog_product, catalog_brandalias, "
            "catalog_brand RESTART IDENTITY CASCADE"
        )
        info = machine_info(cursor)
    for n, name in enumerate(BRANDS):
        brand = services.brand_get_or_create(name=name)
        services.brand_alias_add(brand=brand, alias=f"ALIAS{n:02d}")
    actor, _ = User.objects.get_or_create(
        email="bench-import@example.ru", defaults={"is_staff": True}
    )

    path = workdir / "crosses.csv"
    started = time.perf_counter()
    bad = write_csv(path, args.rows)
    generate_s = time.perf_counter() - started
    size_mb = path.stat().st_size / 1024 / 1024
    print(f"CSV: {args.rows:,} rows, {size_mb:.1f} MB in {generate_s:.1f} s", flush=True)

    memory_before = peak_mb()
    with path.open("rb") as handle:
        job = import_services.import_job_create(
            kind=ImportJob.Kind.CROSSES,
            upload=File(handle, name="crosses.csv"),
            warehouse=None,
            zero_missing=False,
            actor=actor,
        )
    started = time.perf_counter()
    import_services.import_job_start(job_id=job.pk)  # enqueued on commit → runs here
    wall_s = time.perf_counter() - started
    memory_after = peak_mb()
    job.refresh_from_db()
    with connection.cursor() as cursor:
        counts = row_counts(cursor)
    load_after = load_now()

    rate = args.rows / wall_s if wall_s else 0
    status = job.get_status_display()
    print(f"{status}: {wall_s:.1f} s, {rate:,.0f} rows/s, peak {memory_after:.0f} MB")
    if job.error_message:
        print(job.error_message)
    planted = (
        f"{bad['blank']:,} blank articles, {bad['unknown']:,} unknown brands, "
        f"{bad['self']:,} self-links"
    )
    fresh = "created by this run" if created else "existing"
    result = f"""# Import of a {args.rows:,}-row cross list

Measured by `bench/import_crosses.py` (run once: the machine has 2 cores and other work was
running on it at the same time, so the numbers are an upper bound, not a best of N).

The file goes through the real path: `import_job_create` (format check by content, headers,
guessed mapping) → `import_job_start` → the `run_import_job` task, which counts the rows in a
first streamed pass and then reads them again in batches of 5,000: brands from a cache
(names and aliases), products found or created with `bulk_create(ignore_conflicts=True)`,
pairs in stored order with `bulk_create(ignore_conflicts=True)`, one transaction per batch
with its rejected rows and the job's counters.

| measure | value |
|---|---|
| rows in the file | {args.rows:,} ({size_mb:.1f} MB CSV, UTF-8, «;») |
| status | {job.get_status_display()} {job.error_message} |
| wall time of the task | {wall_s:.1f} s |
| rows per second | {rate:,.0f} |
| cross-links created | {job.created_count:,} |
| unchanged (pair already there or repeated) | {job.unchanged_count:,} |
| rejected rows (with reasons) | {job.rejected_count:,} (planted: {planted}) |
| peak memory of the process before the import (Django, data generator) | {memory_before:.0f} MB |
| peak memory of the process after the import | {memory_after:.0f} MB |

The peak memory is `resource.getrusage(RUSAGE_SELF).ru_maxrss`, i.e. the highest resident
size the process ever had; the difference between the two rows is what the import added on
top of a loaded Django. The file is streamed and written in batches, so it does not grow with
the number of rows.

## Environment

- Database: `{database_name(url)}` ({fresh}; catalog tables emptied first)
- Date: {info["date"]}
- Machine: {info["cpus"]} CPUs, {info["ram"]} RAM; Python {info["python"]}
- PostgreSQL: {info["postgresql"]}
- Load average (1/5/15 min) before: {info["load"]}; after: {load_after}
- Data after the run: {", ".join(f"{t} {c:,}" for t, c in counts.items())}
"""
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "import_crosses.md").write_text(result, encoding="utf-8")
    print(f"Wrote {RESULTS_DIR / 'import_crosses.md'}")


if __name__ == "__main__":
    main()
