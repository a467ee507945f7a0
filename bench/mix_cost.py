"""What each request of the mixed load costs the app, in-process (issue 13, target 6).

    .venv/bin/python bench/load.py --seconds 5 --database-url postgres://…/mprating_bench_load_x
    .venv/bin/python bench/mix_cost.py --database-url postgres://…/mprating_bench_load_x

The database is one `bench/load.py` seeded (demo data, `seed_demo --clients 60`; it must
contain «bench»). The same users, sessions, search queries, offers and back office addresses
as `bench/load.py` prepares are sent through Django's WSGI handler in this process (the whole
server side: middleware, view, SQL, template — no network, no gunicorn), `--runs` times per
request type after a warm-up. Per type: median wall time, median CPU time of this process
(`time.process_time`: Python, the driver, the parsing of answers — what gunicorn's workers
spend), median database wall time (around `cursor.execute`), queries, and the type's weight in
the mix of `bench/load.lua` (30 clients of 33 picked at random; a checkout is two requests; the
3 staff open the back office «Заявки», the home desk or one of 20 orders). «CPU share» is the
type's weight × its CPU over the mix's Σ weight × CPU: where the app's CPU goes under load.

Nothing is written to bench/results: the table is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common, load

# bench/load.lua: a client's action by its percentage; a checkout is sent twice.
CLIENT_MIX = {
    "search": 35,
    "orders": 17,
    "order page": 10,
    "cart page": 10,
    "cart add (API)": 19,
    "checkout (API)": 9,
    "checkout repeat (API)": 9,
}


def weights(staff_urls: list[str]) -> dict[str, float]:
    """Requests of each type per pick of a user (30 of 33 are clients, 3 staff)."""
    clients, staff = (
        load.CLIENTS / (load.CLIENTS + load.STAFF),
        load.STAFF / (load.CLIENTS + load.STAFF),
    )
    result = {name: clients * pct / 100 for name, pct in CLIENT_MIX.items()}
    n = len(staff_urls)
    changes = n - 2
    result["staff: «Заявки»"] = staff / n
    result["staff: home desk"] = staff / n
    result["staff: order change"] = staff * changes / n
    return result


class Caller:
    """Requests through Django's WSGI handler, as gunicorn would call it."""

    def __init__(self, csrf: str) -> None:
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.csrf = csrf

    def __call__(self, method: str, path: str, session: str, body: bytes = b"") -> tuple:
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8791",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": f"sessionid={session}; csrftoken={self.csrf}",
            "HTTP_X_CSRFTOKEN": self.csrf,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        status = []

        def start_response(line, headers, exc_info=None):
            status.append(int(line.split()[0]))

        response = self.app(environ, start_response)
        content = b"".join(response)
        if hasattr(response, "close"):
            response.close()
        return status[0], content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=load.os.environ.get("BENCH_LOAD_DATABASE_URL", load.DEFAULT_URL)
    )
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="", help="comma-separated request types")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profile", default="", help="a request type to profile (cProfile)")
    parser.add_argument("--callers", default="", help="with --profile: who calls this function")
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[1]:
        sys.exit("The database's name must contain «bench».")

    data = load.prepare(load.environment(args.database_url, None))

    rng = random.Random(args.seed)
    call = Caller(data["csrf"])
    clients = [u for u in data["users"] if not u["staff"]]
    staff = [u for u in data["users"] if u["staff"]]
    with_orders = [u for u in clients if u["orders"]]
    staff_urls = data["staff_urls"]

    def add_body() -> bytes:
        return b'{"offer_id": %d, "quantity": 1}' % rng.choice(data["offers"])

    def checkout_body(user, key) -> bytes:
        body = {
            "idempotency_key": str(key),
            "payment_method": "on_receipt",
            "recipient_phone": user["phone"],
            "pickup_point_id": data["pickup_point"],
        }
        return json.dumps(body).encode()

    # Each request type: (prepare → state, the measured call(state)).
    def simple(method_path):
        def prep():
            return method_path()

        def run(state):
            return call(*state)

        return prep, run

    def checkout_prep():
        user = rng.choice(clients)
        for _ in range(2):  # the mix adds ~2 lines per checkout
            call("POST", "/api/v1/cart/lines", user["session"], add_body())
        return user, uuid.uuid4()

    def checkout_run(state):
        user, key = state
        return call("POST", "/api/v1/orders", user["session"], checkout_body(user, key))

    def repeat_prep():
        user, key = checkout_prep()
        status, _ = checkout_run((user, key))
        assert status == 201, status
        return user, key

    types = {
        "search": simple(
            lambda: (
                "GET",
                "/cabinet/catalog/search/?q=" + rng.choice(data["queries"]),
                rng.choice(clients)["session"],
            )
        ),
        "orders": simple(lambda: ("GET", "/cabinet/orders/", rng.choice(clients)["session"])),
        "order page": simple(
            lambda: (
                lambda u: ("GET", f"/cabinet/orders/{rng.choice(u['orders'])}/", u["session"])
            )(rng.choice(with_orders))
        ),
        "cart page": simple(lambda: ("GET", "/cabinet/cart/", rng.choice(clients)["session"])),
        "cart add (API)": simple(
            lambda: ("POST", "/api/v1/cart/lines", rng.choice(clients)["session"], add_body())
        ),
        "checkout (API)": (checkout_prep, checkout_run),
        "checkout repeat (API)": (repeat_prep, checkout_run),
        "staff: «Заявки»": simple(lambda: ("GET", staff_urls[0], rng.choice(staff)["session"])),
        "staff: home desk": simple(lambda: ("GET", staff_urls[1], rng.choice(staff)["session"])),
        "staff: order change": simple(
            lambda: ("GET", rng.choice(staff_urls[2:]), rng.choice(staff)["session"])
        ),
    }
    only = [t.strip() for t in args.only.split(",") if t.strip()]
    if only:
        types = {k: v for k, v in types.items() if any(o in k for o in only)}

    if args.profile:
        import cProfile
        import pstats

        prep, run = next(v for k, v in types.items() if args.profile in k)
        for _ in range(3):
            run(prep())
        states = [prep() for _ in range(args.runs)]
        profiler = cProfile.Profile()
        profiler.enable()
        for state in states:
            run(state)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        if args.callers:
            pstats.Stats(profiler).sort_stats("cumulative").print_callers(args.callers)
        return

    rows = {}
    load_before = load.load_now()
    for name, (prep, run) in types.items():
        for _ in range(3):  # warm-up
            status, _ = run(prep())
        walls, cpus, dbs = [], [], []
        queries = 0
        statuses = set()
        for _ in range(args.runs):
            state = prep()
            with _common.sql_spent() as spent:
                c0, w0 = time.process_time(), time.perf_counter()
                status, content = run(state)
                w1, c1 = time.perf_counter(), time.process_time()
            statuses.add(status)
            walls.append((w1 - w0) * 1000)
            cpus.append((c1 - c0) * 1000)
            dbs.append(spent[0] * 1000)
            queries = spent[1]
        rows[name] = {
            "wall": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "db": statistics.median(dbs),
            "queries": queries,
            "kb": len(content) / 1024,
            "status": ",".join(map(str, sorted(statuses))),
        }
        print(f"  {name}: {rows[name]}", file=sys.stderr, flush=True)

    w = weights(staff_urls)
    total_w = sum(w[name] for name in rows)
    total_cpu = sum(w[name] * rows[name]["cpu"] for name in rows)
    print(f"\nLoad average before → after: {load_before} → {load.load_now()}; runs {args.runs}\n")
    print(
        "| request | status | queries | wall ms | CPU ms | DB ms | KB | share of requests "
        "| share of app CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['status']} | {r['queries']} | {r['wall']:.1f} | {r['cpu']:.1f} "
            f"| {r['db']:.1f} | {r['kb']:.0f} | {100 * w[name] / total_w:.1f} % "
            f"| {100 * w[name] * r['cpu'] / total_cpu:.1f} % |"
        )
    print(
        f"\nWeighted mean CPU per request: {total_cpu / total_w:.1f} ms "
        f"(→ {1000 / (total_cpu / total_w) * 2:.0f} req/s on 2 cores of app CPU alone)"
    )


if __name__ == "__main__":
    main()
