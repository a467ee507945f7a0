"""A real `manage.py db_worker` killed with SIGKILL in the middle of a cross import (issue 12).

«Killing db_worker with SIGKILL at row 5,000 of a 200,000-row cross import leaves the job
«running» forever with 5,000 rows written, the restarted worker never takes it … Jobs hold a
lease with a heartbeat; an expired lease is taken over by another worker, which resumes after
the last committed batch; every row's effect happens once.»

The workers are separate processes on the test database (SQLite: a file copy of it; PostgreSQL:
the test database itself), with a 3-second lease, a sweep every second and batches of 200 rows.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks.base import TaskResultStatus

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.catalog import services
from mprating.catalog.imports import services as import_services
from mprating.catalog.imports.fields import guess_mapping
from mprating.catalog.imports.importers import IMPORTERS
from mprating.catalog.models import CrossLink, ImportJob
from mprating.catalog.tests.test_import_leases import cross_csv
from mprating.core.testing import database_url_for_other_processes

ROOT = Path(__file__).resolve().parents[3]
ROWS = 4_000
BATCH = 100
DB_BACKEND = "django_tasks_db.DatabaseBackend"
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED)


class Database:
    """Reads what the workers committed: from the SQLite file, or through this connection."""

    def __init__(self, url: str) -> None:
        self.file = url.removeprefix("sqlite:///") if url.startswith("sqlite:") else None

    def one(self, sql: str, params: tuple = ()) -> tuple:
        if self.file:
            with sqlite3.connect(self.file, timeout=20) as db:
                return db.execute(sql, params).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchone()

    def job(self, pk: int) -> dict:
        names = ["status", "processed_rows", "created_count", "unchanged_count", "rejected_count"]
        sql = f"SELECT {', '.join(names)} FROM catalog_importjob WHERE id = ?"  # nosec B608
        return dict(zip(names, self.one(sql, (pk,)), strict=True))

    def task_statuses(self) -> list[str]:
        sql = "SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
        if self.file:
            with sqlite3.connect(self.file, timeout=20) as db:
                return [row[0] for row in db.execute(sql)]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {timeout} s. Worker log:\n{log.read_text()[-4000:]}")


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_import_then_a_new_worker_finishes_it_with_every_row_once(settings, tmp_path):
    # given: a cross import of 20 000 distinct pairs queued on the database task backend
    settings.TASKS = {"default": {"BACKEND": DB_BACKEND}}
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    services.brand_get_or_create(name="AAA")
    services.brand_get_or_create(name="BBB")
    job = import_services.import_job_create(
        kind="crosses",
        upload=SimpleUploadedFile("cross.csv", cross_csv(ROWS)),
        warehouse=None,
        zero_missing=False,
        actor=manager,
    )
    mapping = guess_mapping(job.headers, IMPORTERS["crosses"].fields)
    import_services.import_job_set_mapping(job_id=job.pk, mapping=mapping)
    import_services.import_job_start(job_id=job.pk)
    url = database_url_for_other_processes(tmp_path)
    db = Database(url)
    assert db.task_statuses() == [TaskResultStatus.READY]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TEST_TASKS_BACKEND": DB_BACKEND,
        "DATABASE_URL": url,
        "JOB_LEASE_SECONDS": "3",
        "JOB_LEASE_SWEEP_SECONDS": "1",
        "IMPORT_BATCH_ROWS": str(BATCH),
    }
    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    try:
        # when: the worker is killed once at least five batches are committed
        wait_for(
            lambda: db.job(job.pk)["processed_rows"] >= 5 * BATCH,
            timeout=60,
            what="five batches",
            log=log,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = db.job(job.pk)
        assert killed_at["status"] == ImportJob.Status.RUNNING
        assert 5 * BATCH <= killed_at["processed_rows"] < ROWS
        assert killed_at["processed_rows"] % BATCH == 0  # only whole batches committed

        # and a new worker starts
        second = start_worker(env, log)
        done = wait_for(
            lambda: (state := db.job(job.pk))["status"] in FINISHED and state,
            timeout=90,
            what="the import to finish after the takeover",
            log=log,
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)

    # then: done, every pair written once — none counted twice («без изменений»), none lost
    assert done == {
        "status": ImportJob.Status.DONE,
        "processed_rows": ROWS,
        "created_count": ROWS,
        "unchanged_count": 0,
        "rejected_count": 0,
    }, log.read_text()[-4000:]
    table = CrossLink._meta.db_table
    assert db.one(f"SELECT COUNT(*) FROM {table}") == (ROWS,)  # nosec B608
    # the dead worker's task is closed as failed, the resuming one succeeded
    assert sorted(db.task_statuses()) == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
