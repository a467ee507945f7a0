"""Mixed load on gunicorn + PostgreSQL, then the integrity of what it wrote (issues 12 and 13).

One command builds a fresh bench database with the demo data, starts gunicorn on loopback,
drives it with `wrk` (Debian's package; `apt-get install wrk`) and the Lua script
`bench/load.lua` — 30 clients searching, opening «Заказы», an order and the cart, adding to the
cart and checking out through the API with every checkout sent twice under one idempotency key,
plus 3 staff members on the back office — and afterwards checks in the database:

- every server answer below 500 (the count of 5xx is printed and must be 0);
- orders placed during the run = distinct order numbers the checkouts answered 201 with (a
  double submit never makes a second order, an order is never lost);
- no two orders share a client's idempotency key;
- stock never negative, and each offer's stock fell by exactly what the run's orders took;
- every client's balance equals Σ credit − Σ debit of their ledger.

    .venv/bin/python bench/load.py                      # 60 s, gunicorn 4 × gthread 4
    .venv/bin/python bench/load.py --workers 5 --worker-class sync --threads 1
    .venv/bin/python bench/load.py --redis redis://127.0.0.1:6379/2 --note "quiet machine"

Results are appended as one table row per run to `bench/results/load.md` with the load
average, the CPU seconds each side used (gunicorn, PostgreSQL, wrk — the generator's share),
and the integrity verdict. The database is `--database-url`, else `BENCH_LOAD_DATABASE_URL`,
else `postgres://postgres@127.0.0.1:5432/mprating_bench_load`; it is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import PROJECT_DIR, RESULTS_DIR, load_now

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mprating_bench_load"
SECRET = "bench-load-only-key-" + "x" * 40
CLIENTS = 30
STAFF = 3


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def cpu_seconds(predicate) -> float:
    """User + system CPU seconds of every live process whose (pid, comm, ppid) matches."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        ppid = int(fields[1])
        if predicate(int(entry), comm, ppid):
            total += int(fields[11]) + int(fields[12])
    return total / _clock_ticks()


def environment(database_url: str, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        # A fixed bench-only Fernet key (the demo seeds marketplace accounts' passwords).
        MARKETPLACE_SECRET_KEYS="YmVuY2gtbG9hZC1vbmx5LWtleS0wMDAwMDAwMDAwMDA=",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "bench-load-" + secrets.token_hex(4)
    return env


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"Refusing database {name!r}: its name must contain «bench».")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(env: dict[str, str]) -> dict:
    """Sessions for 30 clients and 3 staff, and what their requests need (in-process Django)."""
    os.environ.update(env)
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.urls import reverse

    from mprating.accounts.models import Client, User
    from mprating.catalog.models import Offer, Product
    from mprating.orders.models import Order
    from mprating.pickup_points.models import PickupPoint

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[-1]

    def session_for(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    clients = list(
        Client.objects.filter(user__is_active=True).select_related("user").order_by("pk")[:CLIENTS]
    )
    if len(clients) < CLIENTS:
        sys.exit(f"Only {len(clients)} active clients in the demo data; need {CLIENTS}.")
    users = []
    for client in clients:
        orders = list(
            Order.objects.filter(client=client)
            .exclude(number=None)
            .values_list("number", flat=True)[:20]
        )
        users.append(
            {
                "session": session_for(client.user),
                "staff": False,
                "orders": orders,
                "phone": client.user.phone or "+79000000000",
            }
        )
    staff = list(
        User.objects.filter(is_staff=True, is_active=True).order_by("-is_superuser", "pk")[:STAFF]
    )
    for user in staff:
        users.append({"session": session_for(user), "staff": True, "orders": [], "phone": ""})
    order_ids = list(Order.objects.order_by("-pk").values_list("pk", flat=True)[:20])
    staff_urls = [reverse("admin:orders_order_changelist"), reverse("admin:index")] + [
        reverse("admin:orders_order_change", args=[pk]) for pk in order_ids
    ]
    offers = list(
        Offer.objects.filter(quantity__gt=0, min_order_quantity=1).values_list("pk", flat=True)[
            :400
        ]
    )
    queries = list(Product.objects.values_list("article_normalized", flat=True)[:300])
    point = PickupPoint.objects.filter(is_active=True).values_list("pk", flat=True).first()
    return {
        "csrf": secrets.token_hex(16),
        "users": users,
        "staff_urls": staff_urls,
        "offers": offers,
        "queries": queries,
        "pickup_point": point,
    }


def lua_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "nil"
    raise TypeError(value)


def snapshot() -> dict:
    from django.db.models import Count

    from mprating.catalog.models import Offer
    from mprating.orders.models import Order

    return {
        "order_ids": set(Order.objects.values_list("pk", flat=True)),
        "stock": dict(Offer.objects.values_list("pk", "quantity")),
        "duplicate_keys": Order.objects.values("client_id", "idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }


def integrity(before: dict, placed: set[str], *, cutoff: float, in_flight: int) -> list[str]:
    """What is wrong after the run; an empty list when everything holds.

    An order whose 201 wrk did not read — its checkout was still running when wrk stopped at
    `cutoff`, with at most one request in flight per connection — is not a lost answer; any
    other difference between the orders and the answered checkouts is."""
    import datetime as dt

    from django.db.models import Count, Sum

    from mprating.catalog.models import Offer
    from mprating.finance.models import ClientBalance, LedgerEntry
    from mprating.orders.models import Order, OrderLine

    problems = []
    new_orders = Order.objects.exclude(pk__in=before["order_ids"])
    numbers = set(new_orders.values_list("number", flat=True))
    unanswered = numbers - placed
    late = new_orders.filter(
        number__in=unanswered,
        created_at__gte=dt.datetime.fromtimestamp(cutoff - 10, tz=dt.UTC),
    ).count()
    if placed - numbers or len(unanswered) > late or late > in_flight:
        problems.append(
            f"orders placed {len(numbers)} ≠ successful checkouts {len(placed)} "
            f"(only in the database: {sorted(numbers - placed)[:5]}, "
            f"only answered: {sorted(placed - numbers)[:5]})"
        )
    duplicates = (
        Order.objects.values("client_id", "idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if duplicates:
        problems.append(f"{duplicates} idempotency keys with more than one order")
    negative = Offer.objects.filter(quantity__lt=0).count()
    if negative:
        problems.append(f"{negative} offers with negative stock")
    taken = dict(
        OrderLine.objects.filter(order__in=new_orders)
        .exclude(offer_id=None)
        .values("offer_id")
        .annotate(q=Sum("quantity"))
        .values_list("offer_id", "q")
    )
    now = dict(Offer.objects.values_list("pk", "quantity"))
    drift = [
        pk
        for pk, quantity in before["stock"].items()
        if now.get(pk, 0) != quantity - taken.get(pk, 0)
    ]
    if drift:
        problems.append(f"{len(drift)} offers whose stock moved by other than what orders took")
    sums = dict(
        LedgerEntry.objects.values("client_id")
        .annotate(s=Sum("credit") - Sum("debit"))
        .values_list("client_id", "s")
    )
    wrong = [
        row.client_id
        for row in ClientBalance.objects.all()
        if row.balance != sums.get(row.client_id, Decimal("0.00"))
    ]
    if wrong:
        problems.append(f"{len(wrong)} balances ≠ Σ ledger")
    return problems


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def run_wrk(port: int, seconds: int, connections: int, data_file: str) -> tuple[dict, float]:
    before = os.times()
    output = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(PROJECT_DIR / "bench" / "load.lua"),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "LOAD_DATA": data_file, "LOAD_RUN": str(time.time_ns() % 1_000_000_007)},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    after = os.times()
    wrk_cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT ")), wrk_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--redis", help="REDIS_URL for the app (cache and sessions)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--connections", type=int, default=CLIENTS + STAFF)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--note", default="")
    parser.add_argument("--keep-database", action="store_true", help="reuse the seeded database")
    args = parser.parse_args()

    env = environment(args.database_url, args.redis)
    if not args.keep_database:
        print("Building the bench database (migrate, seed_demo) …", flush=True)
        recreate_database(args.database_url)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "seed_demo", "--clients", "60")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # DEBUG off: the manifest
    data = prepare(env)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("return " + lua_value(data) + "\n")
        data_file = handle.name

    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-c",
            "gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            args.worker_class,
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(args.port)
        master = gunicorn.pid

        def is_app(pid, comm, ppid):
            return pid == master or ppid == master

        def is_postgres(pid, comm, ppid):
            return comm.startswith("postgres")

        run_wrk(args.port, 5, args.connections, data_file)  # warm-up: every worker, every page
        time.sleep(2)  # the warm-up's last requests finish before the snapshot
        before = snapshot()
        load_before = load_now()
        app_cpu, db_cpu = cpu_seconds(is_app), cpu_seconds(is_postgres)
        result, wrk_cpu = run_wrk(args.port, args.seconds, args.connections, data_file)
        cutoff = time.time()
        app_cpu, db_cpu = cpu_seconds(is_app) - app_cpu, cpu_seconds(is_postgres) - db_cpu
        load_after = load_now()
    finally:
        # A graceful stop: requests still running when wrk stopped finish first.
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=60)
        os.unlink(data_file)

    placed = {n for n in result.pop("placed").split(",") if n}
    problems = integrity(before, placed, cutoff=cutoff, in_flight=args.connections)
    seconds = result["duration_us"] / 1e6
    rps = result["requests"] / seconds
    verdict = "held" if not problems and result["s5xx"] == 0 else "; ".join(problems) or "5xx"
    ms = {key: f"{result[key + '_us'] / 1000:.0f}" for key in ("p50", "p95", "p99")}
    # gunicorn runs «sync» with more than one thread as «gthread»: the row names what ran.
    ran = "gthread" if args.worker_class == "sync" and args.threads > 1 else args.worker_class
    cells = [
        time.strftime("%d.%m.%Y %H:%M"),
        f"{ran} {args.workers}×{args.threads}" + (" + Redis" if args.redis else ""),
        f"{seconds:.0f} s",
        f"{result['requests']:,}",
        f"{rps:.1f}",
        ms["p50"],
        ms["p95"],
        ms["p99"],
        str(result["s5xx"]),
        f"{result['s4xx']} / {result['s429']}",
        str(len(placed)),
        f"{app_cpu:.0f} / {db_cpu:.0f} / {wrk_cpu:.1f}",
        f"{load_before} → {load_after}",
        verdict,
        args.note,
    ]
    row = "| " + " | ".join(cells) + " |"
    print(json.dumps(result, indent=1))
    print(row)
    results = RESULTS_DIR / "load.md"
    if not results.exists():
        results.write_text(HEADER)
    with results.open("a") as handle:
        handle.write(row + "\n")
    if problems or result["s5xx"]:
        sys.exit("Integrity or 5xx problems: " + verdict)


HEADER = """# Mixed load (bench/load.py)

30 simulated clients (search 35 %, «Заказы» 17 %, an order 10 %, cart 10 %, add to cart 19 %,
checkout 9 % sent twice with one idempotency key) and 3 staff (back office «Заявки», an order,
the home desk) against gunicorn + PostgreSQL on loopback, driven by `wrk` with
`bench/load.lua`; demo data (`seed_demo --clients 60`). Latency in ms as wrk measures it (all
requests). CPU: seconds used during the measured run by gunicorn / PostgreSQL / wrk. Integrity
(checked afterwards in the database): orders = successful checkouts, no idempotency key with two
orders, no negative stock, each offer's stock fell by exactly what the orders took, every balance
= Σ ledger.

| date | gunicorn | run | requests | req/s | p50 | p95 | p99 | 5xx | 4xx / 429 | checkouts \
| CPU s app / db / wrk | load avg before → after | integrity | note |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


if __name__ == "__main__":
    main()
