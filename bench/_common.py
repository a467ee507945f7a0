"""What the bench scripts share: which database, Django set-up, the machine and data sizes.

The benchmarks of issue 3 («Performance») run against a SEPARATE PostgreSQL database, never the
development or test one: every script takes `--database-url`, else `BENCH_DATABASE_URL`, else
`postgres://postgres@127.0.0.1:5432/mprating_bench`, and refuses a database whose name does not
contain «bench» (the generator truncates the catalog, the measurements write a bench client).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench"

# Row counts reported with every result, in this order.
CATALOG_TABLES = [
    "catalog_brand",
    "catalog_brandalias",
    "catalog_category",
    "catalog_warehouse",
    "catalog_product",
    "catalog_offer",
    "catalog_crosslink",
]


def database_url(cli_value: str | None) -> str:
    url = cli_value or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    name = database_name(url)
    if not urlsplit(url).scheme.startswith("postgres"):
        sys.exit(f"The benchmarks need PostgreSQL, got {url!r}.")
    if "bench" not in name:
        sys.exit(
            f"Refusing database {name!r}: the bench database's name must contain «bench» "
            "(the scripts truncate and write to it)."
        )
    return url


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str) -> bool:
    """Create the bench database when missing; True when it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    name = database_name(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def setup_django(url: str, *, debug: bool) -> None:
    """Point Django at the bench database and set it up.

    `debug=False` is what the measurements use, so that the debug cursor (SQL logging) does
    not add to the timings; settings then need a secret key, and a fixed bench-only one is
    given (it signs nothing that leaves this process).
    """
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "1" if debug else "0"
    if not debug:
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-" + "x" * 40)
        # The benchmarks' test client speaks plain http; production would redirect it to https.
        os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


# The apps whose tables the benchmarks use; their migrations (and what they depend on) are
# applied, not every app's, so a migration in progress elsewhere cannot stop a measurement.
BENCH_APPS = ("accounts", "catalog", "cart")


def migrate(apps: tuple[str, ...] = BENCH_APPS) -> None:
    """Apply pending migrations of `apps` to the bench database (a no-op when up to date).

    A migration that fails (another piece of work may be half-written) is reported and the
    measurement goes on with the schema as it is.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] in apps]
    plan = executor.migration_plan(targets)
    if not plan:
        return
    names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
    print(f"Applying migrations to the bench database: {names}", flush=True)
    try:
        for app in apps:
            call_command("migrate", app, interactive=False, verbosity=0)
    except Exception as exc:  # whatever a half-written migration raises
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"WARNING: migrations not applied ({type(exc).__name__}: {first_line}); "
            "going on with the schema as it is.",
            flush=True,
        )


def machine_info(cursor) -> dict[str, str]:
    """What a reader needs to compare two result tables: date, CPUs, RAM, PostgreSQL, load."""
    mem_kb = 0
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    cursor.execute("SHOW server_version")
    pg_version = cursor.fetchone()[0]
    cursor.execute("SHOW shared_buffers")
    shared_buffers = cursor.fetchone()[0]
    load = os.getloadavg()
    return {
        "date": dt.datetime.now().astimezone().strftime("%d.%m.%Y %H:%M %Z"),
        "cpus": str(os.cpu_count()),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "?",
        "postgresql": f"{pg_version} (shared_buffers {shared_buffers})",
        "python": sys.version.split()[0],
        "load": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
    }


def row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in CATALOG_TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def environment_markdown(info: dict[str, str], counts: dict[str, int], load_after: str) -> str:
    lines = [
        f"- Date: {info['date']}",
        f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
        f"- PostgreSQL: {info['postgresql']}",
        f"- Load average (1/5/15 min) before: {info['load']}; after: {load_after}",
        "- Data: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()),
    ]
    return "\n".join(lines)


def load_now() -> str:
    load = os.getloadavg()
    return f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without importing math
    return ordered[int(rank) - 1]


@contextlib.contextmanager
def sql_spent():
    """Within the block, `spent[0]` adds up the seconds spent in the database (around each
    `cursor.execute`, as Django's execute wrappers see it) and `spent[1]` counts the queries."""
    from django.db import connection

    spent = [0.0, 0]

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    with connection.execute_wrapper(wrapper):
        yield spent


def freeze_like_gunicorn() -> None:
    """What gunicorn.conf.py's `post_worker_init` does in every app worker: once the app is
    loaded (here: set up, logged in, the pages listed and warmed once), collect and move what is
    alive out of the garbage collector's sight (`gc.freeze`). Without it a full collection in
    the bench process walks the ~200,000 objects of Django, unfold and the URL and template
    caches (~100 ms) and lands in one page's p95 — a pause a production worker does not have."""
    import gc

    gc.collect()
    gc.freeze()
