"""A worker killed in the middle of an import (issue 12, «Faults»).

«Killing db_worker with SIGKILL at row 5,000 of a 200,000-row cross import leaves the job
«running» forever with 5,000 rows written, the restarted worker never takes it, and the back
office's restart does not free it. Jobs hold a lease with a heartbeat; an expired lease is taken
over by another worker, which resumes after the last committed batch; every row's effect happens
once.» DESIGN.md §5: «a big import commits in batches and, after any crash (a killed worker
included), resumes where it stopped with every row's effect exactly once».

In this process a kill is an exception no `except Exception` catches, raised inside a batch's
transaction (so the batch rolls back, as when the process dies before COMMIT). The last test
kills a real `manage.py db_worker` with SIGKILL.
"""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.catalog import services
from mprating.catalog.imports import runner
from mprating.catalog.imports import services as import_services
from mprating.catalog.imports.fields import guess_mapping
from mprating.catalog.imports.importers import IMPORTERS
from mprating.catalog.models import CrossLink, ImportJob
from mprating.core.errors import ApplicationError
from mprating.core.leases import leases_sweep

pytestmark = pytest.mark.django_db

HEADER = ["Бренд 1", "Артикул 1", "Бренд 2", "Артикул 2", "Источник"]


class WorkerKilled(BaseException):
    """What SIGKILL looks like from inside: nothing of the job's code gets to handle it."""


@pytest.fixture(autouse=True)
def small_batches(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BATCH_ROWS = 10
    settings.JOB_LEASE_SECONDS = 60


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


def cross_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(["AAA", f"A{n:06d}", "BBB", f"B{n:06d}", ""])
    return buffer.getvalue().encode()


def queued_cross_import(manager, rows: int) -> ImportJob:
    """A cross list of `rows` distinct pairs, mapped and started (the task not yet run)."""
    services.brand_get_or_create(name="AAA")
    services.brand_get_or_create(name="BBB")
    job = import_services.import_job_create(
        kind="crosses",
        upload=SimpleUploadedFile("cross.csv", cross_csv(rows)),
        warehouse=None,
        zero_missing=False,
        actor=manager,
    )
    mapping = guess_mapping(job.headers, IMPORTERS["crosses"].fields)
    import_services.import_job_set_mapping(job_id=job.pk, mapping=mapping)
    return import_services.import_job_start(job_id=job.pk)  # on_commit: not run in this test


def kill_after(monkeypatch, batches: int) -> None:
    """The worker dies inside batch number `batches` + 1, before it commits."""
    write = runner._write_batch
    calls = {"n": 0}

    def dying_write(job, importer, batch):
        calls["n"] += 1
        write(job, importer, batch)
        if calls["n"] > batches:
            raise WorkerKilled

    monkeypatch.setattr(runner, "_write_batch", dying_write)


def test_a_killed_workers_job_is_taken_over_after_its_lease_and_each_row_counts_once(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a 55-row cross import whose worker dies in its 4th batch of 10
    job = queued_cross_import(manager, 55)
    kill_after(monkeypatch, 3)
    with pytest.raises(WorkerKilled):
        runner.run_import(job.pk, owner="worker-1")
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.lease_owner) == ("running", 30, "worker-1")
    assert CrossLink.objects.count() == 30  # the 4th batch rolled back with the worker

    # when: within the lease nobody takes it; after it, the sweep of any worker does
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert leases_sweep() == 0
    assert not callbacks
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert leases_sweep() == 1  # queued again; the task runs once this commits

    # then: the job went on after row 30 — every pair created once, none «без изменений»
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.total_rows) == (55, 55)
    assert (job.created_count, job.unchanged_count, job.rejected_count) == (55, 0, 0)
    assert CrossLink.objects.count() == 55
    assert job.lease_owner == "" and job.lease_until is None


def test_a_job_whose_worker_answers_is_neither_swept_nor_restarted(manager, monkeypatch):
    job = queued_cross_import(manager, 25)
    kill_after(monkeypatch, 1)
    with pytest.raises(WorkerKilled):
        runner.run_import(job.pk, owner="worker-1")

    assert leases_sweep() == 0
    with pytest.raises(ApplicationError) as error:
        import_services.import_job_restart(job_id=job.pk)
    assert "Импорт сейчас загружается" in error.value.message
    runner.run_import(job.pk, owner="worker-2")  # a duplicate task: the lease is held

    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.processed_rows) == ("running", "worker-1", 10)


def test_a_worker_that_lost_its_lease_rolls_its_batch_back_and_stops(manager, monkeypatch):
    # given: a worker that hung past its lease while another worker took the job over
    job = queued_cross_import(manager, 40)
    write = runner._write_batch
    calls = {"n": 0}

    def slow_write(job_, importer, batch):
        calls["n"] += 1
        write(job_, importer, batch)
        if calls["n"] == 2:  # committed with batch 2: the other worker's claim
            ImportJob.objects.filter(pk=job_.pk).update(lease_owner="worker-2")

    monkeypatch.setattr(runner, "_write_batch", slow_write)

    # when: the first worker comes to its 3rd batch
    runner.run_import(job.pk, owner="worker-1")

    # then: its heartbeat found the lease gone; nothing more written, nothing marked failed
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.processed_rows) == ("running", "worker-2", 20)
    assert CrossLink.objects.count() == 20
    assert calls["n"] == 2


def test_the_back_office_restart_continues_a_stalled_import(
    client, manager, monkeypatch, django_capture_on_commit_callbacks
):
    # given: an import «Загружается» whose worker died 2 minutes ago
    job = queued_cross_import(manager, 35)
    kill_after(monkeypatch, 2)
    with pytest.raises(WorkerKilled):
        runner.run_import(job.pk, owner="worker-1")
    monkeypatch.undo()
    client.force_login(manager)
    later = time_machine.travel(timezone.now() + timedelta(minutes=2))
    later.start()
    try:
        page = client.get(reverse("admin:catalog_importjob_change", args=[job.pk]))
        assert "Обработчик не отвечает" in page.content.decode()
        assert "Продолжить импорт" in page.content.decode()

        # when: the manager presses «Продолжить импорт»
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:catalog_importjob_restart", args=[job.pk]))
    finally:
        later.stop()

    # then: it went on after row 20 and finished, every row once
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_count, job.unchanged_count) == (35, 35, 0)
    assert CrossLink.objects.count() == 35


def test_a_vehicle_reference_import_taken_over_still_checks_rows_against_those_above(
    manager, monkeypatch, django_capture_on_commit_callbacks, settings
):
    """The vehicle importer remembers accepted rows across batches («модификация уже есть в
    строке N»): after a takeover it sees the committed rows again without writing them."""
    settings.IMPORT_BATCH_ROWS = 2
    header = ["Марка", "Модель", "Поколение", "Год с", "Год по", "Модификация"]
    rows = [
        ["Lada", "Vesta", "I", "2015", "", "1.6 MT"],
        ["Lada", "Vesta", "I", "2015", "", "1.8 AT"],
        ["Lada", "Granta", "I", "2011", "", "1.6 MT"],
        ["Lada", "Vesta", "I", "2015", "", "1.6 MT"],  # repeats row 2 of the file
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([header, *rows])
    manager.is_superuser = True
    manager.save()
    job = import_services.import_job_create(
        kind="vehicles",
        upload=SimpleUploadedFile("cars.csv", buffer.getvalue().encode()),
        warehouse=None,
        zero_missing=False,
        actor=manager,
    )
    mapping = guess_mapping(job.headers, IMPORTERS["vehicles"].fields)
    import_services.import_job_set_mapping(job_id=job.pk, mapping=mapping)
    import_services.import_job_start(job_id=job.pk)
    kill_after(monkeypatch, 1)
    with pytest.raises(WorkerKilled):
        runner.run_import(job.pk, owner="worker-1")
    monkeypatch.undo()

    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        leases_sweep()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.rejected_count == 1
    assert "уже есть в строке 2" in job.rejected_rows.get().reason


def test_jobs_resume_queues_a_stalled_import_from_cron(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    job = queued_cross_import(manager, 15)
    kill_after(monkeypatch, 1)
    with pytest.raises(WorkerKilled):
        runner.run_import(job.pk, owner="worker-1")
    monkeypatch.undo()
    out = io.StringIO()

    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("jobs_resume", stdout=out)

    assert out.getvalue().strip() == "Возвращено в очередь: 1 задача."
    job.refresh_from_db()
    assert (job.status, job.created_count, job.unchanged_count) == ("done", 15, 0)
