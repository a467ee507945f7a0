"""A worker killed while making an «акт сверки» (issue 12: «Same for statements»).

The statement holds a lease (`core.leases`); once it expires the sweep of any worker queues it
again and the next run makes the акт from the start: the files have fixed names, so what the
dead worker wrote is replaced — one PDF and one XLSX, state «Готов».
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.core.leases import leases_sweep
from mprating.finance import services, statements
from mprating.finance.models import Statement
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """SIGKILL seen from inside: no `except Exception` handles it."""


@pytest.fixture
def client_with_movements(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_LEASE_SECONDS = 60
    client = make_client(company_name="ООО «Автодеталь»", inn="7701234567")
    pay(client, "10000.00")
    charge(client, "2500.00")
    return client


def files_of(client, tmp_path) -> list[str]:
    folder = tmp_path / "finance" / "statements" / str(client.pk)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_statement_whose_worker_died_is_made_again_once(
    client_with_movements, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the worker died after writing the PDF file and before the XLSX one
    today = timezone.localdate()
    statement = services.statement_request(
        client_id=client_with_movements.pk, start=today - timedelta(days=30), end=today
    )

    save = statements._save_file

    def save_then_die(field, name, content):
        if name.endswith(".xlsx"):
            raise WorkerKilled
        save(field, name, content)

    monkeypatch.setattr(statements, "_save_file", save_then_die)
    with pytest.raises(WorkerKilled):
        statements.statement_generate(statement.pk, owner="worker-1")
    monkeypatch.undo()
    statement.refresh_from_db()
    assert (statement.status, statement.progress) == (Statement.Status.RUNNING, 80)
    assert [name.endswith(".pdf") for name in files_of(client_with_movements, tmp_path)] == [True]
    assert leases_sweep() == 0  # its lease has not run out yet

    # when: the lease runs out and a worker sweeps
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert leases_sweep() == 1

    # then: made once more — done, one PDF (the dead worker's replaced) and one XLSX
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DONE
    assert (statement.progress, statement.lease_owner) == (100, "")
    assert statement.closing_balance == Decimal("7500.00")
    names = files_of(client_with_movements, tmp_path)
    assert len(names) == 2, names
    assert {statement.pdf.name.rsplit("/", 1)[1], statement.xlsx.name.rsplit("/", 1)[1]} == set(
        names
    )


def test_a_second_run_of_a_finished_statement_changes_nothing(client_with_movements, tmp_path):
    today = timezone.localdate()
    statement = services.statement_request(
        client_id=client_with_movements.pk, start=date(today.year, 1, 1), end=today
    )
    statements.statement_generate(statement.pk)
    before = Statement.objects.values().get(pk=statement.pk)

    statements.statement_generate(statement.pk)  # the task delivered twice

    assert Statement.objects.values().get(pk=statement.pk) == before
    assert len(files_of(client_with_movements, tmp_path)) == 2
