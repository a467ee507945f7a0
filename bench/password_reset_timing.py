"""Password reset: the answer takes the same time for a known and an unknown address.

Issue 12: «Password reset takes the same time for known and unknown addresses (today 13.4 ms vs
5.0 ms tells them apart)». The script posts the reset form (the Django test client, in process,
production settings with `DJANGO_DEBUG=0`, the database task backend as in production) for a
client's address and for an address nobody has, alternating, `--runs` times each after a
warm-up, and writes the median, p95, the difference of the medians and the SQL queries of each
path to `results/password_reset_timing.md`.

    .venv/bin/python bench/password_reset_timing.py [--database-url …] [--runs 200] [--note …]

The PostgreSQL bench database as for every script here (`_common.database_url`); only the
tables of `accounts`, `core` and the task queue are used. The rows the run adds (the bench
user's letters, the queued tasks of the run) are deleted at the end.
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

APPS = ("accounts", "core", "django_tasks_database")
KNOWN = "bench-reset@mprating.local"
UNKNOWN = "bench-nobody@mprating.local"
WARM_UP = 20
# What a reset request queues: the letter's delivery (before issue 12) or the reset task.
TASKS_OF_THE_RUN = [
    "mprating.core.outbox.outbox_deliver",
    "mprating.accounts.tasks.password_reset_send",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--note", default="")
    parser.add_argument("--output", default=str(_common.RESULTS_DIR / "password_reset_timing.md"))
    args = parser.parse_args()
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    # Hundreds of requests from one address: the rate limit (RATELIMIT_PASSWORD_RESET) would
    # refuse all but the first few; this measures the view behind it.
    os.environ["RATELIMIT_PASSWORD_RESET"] = ""
    url = _common.database_url(args.database_url)
    _common.ensure_database(url)
    _common.setup_django(url, debug=False)
    _common.migrate(APPS)

    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mprating.accounts.models import User
    from mprating.core.models import OutgoingEmail

    User.objects.filter(email=UNKNOWN).delete()
    if not User.objects.filter(email=KNOWN).exists():
        User.objects.create_user(email=KNOWN, password="Bench-reset-2026", phone="+79980007777")
    started_at = timezone.now()
    browser = Browser()
    reset_url = reverse("accounts:password_reset")

    def post(address: str) -> float:
        started = time.perf_counter()
        response = browser.post(reset_url, {"email": address})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 302, response.status_code
        return elapsed

    def queries(address: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            post(address)
        return len(captured)

    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
    for _ in range(WARM_UP):
        post(KNOWN)
        post(UNKNOWN)
    timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    for index in range(args.runs):
        # Alternate which goes first, so neither path always follows the other.
        order = (KNOWN, UNKNOWN) if index % 2 == 0 else (UNKNOWN, KNOWN)
        for address in order:
            timings[address].append(post(address))
    counted = {address: queries(address) for address in (KNOWN, UNKNOWN)}
    load_after = _common.load_now()

    letters = OutgoingEmail.objects.filter(to__contains=KNOWN, created_at__gte=started_at)
    tasks = DBTaskResult.objects.filter(enqueued_at__gte=started_at, task_path__in=TASKS_OF_THE_RUN)
    queued_letters, queued_tasks = letters.count(), tasks.count()
    letters.delete()
    tasks.delete()

    medians = {address: statistics.median(values) for address, values in timings.items()}
    rows = [
        ("адрес клиента", KNOWN),
        ("неизвестный адрес", UNKNOWN),
    ]
    table = [
        "| адрес | медиана, мс | p95, мс | max, мс | SQL-запросов |",
        "|---|---:|---:|---:|---:|",
    ]
    for title, address in rows:
        values = timings[address]
        table.append(
            f"| {title} | {medians[address]:.2f} | {_common.percentile(values, 0.95):.2f} "
            f"| {max(values):.2f} | {counted[address]} |"
        )
    difference = medians[KNOWN] - medians[UNKNOWN]
    lines = [
        "# Восстановление пароля: время ответа для известного и неизвестного адреса",
        "",
        f"`bench/password_reset_timing.py --runs {args.runs}`: POST формы «Восстановление "
        "пароля» тестовым клиентом Django в процессе, настройки продакшена (`DJANGO_DEBUG=0`), "
        "очередь задач — база данных, как в продакшене; запросы по двум адресам чередуются, "
        f"{WARM_UP} прогревочных запросов не считаются.",
        "",
        *table,
        "",
        f"Разница медиан (клиент − неизвестный): {difference:+.2f} мс. "
        f"Запросов за прогон: {2 * (args.runs + WARM_UP + 1)}; записано писем: "
        f"{queued_letters}, поставлено задач: {queued_tasks} (воркер в замере не запущен).",
        "",
        _environment(info, load_after),
    ]
    if args.note:
        lines += [f"- Note: {args.note}"]
    text = "\n".join(lines) + "\n"
    Path(args.output).write_text(text)
    print(text)


def _environment(info: dict[str, str], load_after: str) -> str:
    return "\n".join(
        [
            f"- Date: {info['date']}",
            f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; Python {info['python']}",
            f"- PostgreSQL: {info['postgresql']}",
            f"- Load average (1/5/15 min) before: {info['load']}; after: {load_after}",
        ]
    )


if __name__ == "__main__":
    main()
