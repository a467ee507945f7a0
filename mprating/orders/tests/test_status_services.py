"""`line_status_set` (the gatekeeper of line statuses) and the manager's comment."""

import pytest
import time_machine

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.core.errors import ApplicationError
from mprating.orders import hooks, services
from mprating.orders.models import OrderLine, RefusalState, StatusChange
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def mails(monkeypatch):
    """The change ids handed to the e-mail task (after commit)."""
    sent: list[list[int]] = []
    monkeypatch.setattr(hooks, "line_status_changed", sent.append)
    return sent


@pytest.fixture
def manager():
    return make_staff("Менеджеры магазина", email="manager@example.ru")


@time_machine.travel("2026-05-04 10:00 +0300", tick=False)
def test_status_set_writes_history_per_line_and_updates_lines(manager, mails):
    # given
    client = make_client()
    _, lines = order_with_lines(client, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))

    # when
    changes = services.line_status_set(
        line_ids=[line.pk for line in lines],
        status_id=status("Принят").pk,
        actor=manager,
        comment="  Собираем  ",
    )

    # then
    assert len(changes) == 2
    for line in OrderLine.objects.filter(pk__in=[line.pk for line in lines]):
        assert line.status.name == "Принят"
        assert line.status_changed_at.isoformat() == "2026-05-04T07:00:00+00:00"
        latest = line.history.order_by("-changed_at", "-id").first()
        assert (latest.status.name, latest.changed_by, latest.comment) == (
            "Принят",
            manager,
            "Собираем",
        )
    assert mails == [[change.pk for change in changes]]


def test_status_outside_the_source_chain_changes_nothing(manager, mails):
    # given: a home line and a transit line; «В пути» belongs to the transit chain only
    client = make_client()
    _, lines = order_with_lines(client, kinds=(Warehouse.Kind.TRANSIT, Warehouse.Kind.HOME))
    history_before = StatusChange.objects.count()

    # when
    with pytest.raises(ApplicationError) as error:
        services.line_status_set(
            line_ids=[line.pk for line in lines], status_id=status("В пути").pk, actor=manager
        )

    # then
    assert error.value.code == "status_not_in_chain"
    assert "Домашний склад" in error.value.message
    assert StatusChange.objects.count() == history_before
    assert set(OrderLine.objects.values_list("status__name", flat=True)) == {"Новый"}
    assert mails == []


def test_refused_fits_every_chain_and_stores_the_comment_as_manager_comment(manager, mails):
    # given
    client = make_client()
    _, lines = order_with_lines(client, kinds=(Warehouse.Kind.MARKETPLACE,))

    # when
    services.line_status_set(
        line_ids=[lines[0].pk], status_id=role("refused").pk, actor=manager, comment="Брак"
    )

    # then
    line = OrderLine.objects.get(pk=lines[0].pk)
    assert (line.status.role, line.manager_comment, line.refusal_seen) == ("refused", "Брак", False)


def test_leaving_refused_clears_the_refusal(manager, mails):
    # given: a confirmed client refusal, seen
    client = make_client()
    _, lines = order_with_lines(client)
    services.line_refusal_request(client=client, line_id=lines[0].pk)
    services.line_refusal_confirm(line_ids=[lines[0].pk], actor=manager)
    services.line_refusal_seen_set(client=client, line_id=lines[0].pk, seen=True)

    # when: the manager revives the line
    services.line_status_set(line_ids=[lines[0].pk], status_id=status("Принят").pk, actor=manager)

    # then
    line = OrderLine.objects.get(pk=lines[0].pk)
    assert (line.status.name, line.refusal_state, line.refusal_seen, line.manager_comment) == (
        "Принят",
        RefusalState.NONE,
        False,
        "",
    )


def test_same_status_again_writes_nothing(manager, mails):
    client = make_client()
    _, lines = order_with_lines(client)
    before = StatusChange.objects.count()

    changes = services.line_status_set(
        line_ids=[lines[0].pk], status_id=status("Новый").pk, actor=manager
    )

    assert changes == []
    assert StatusChange.objects.count() == before
    assert mails == []


def test_unknown_line_or_status_is_an_error(manager, mails):
    client = make_client()
    _, lines = order_with_lines(client)

    with pytest.raises(ApplicationError) as missing_line:
        services.line_status_set(
            line_ids=[lines[0].pk, 999_999], status_id=status("Принят").pk, actor=manager
        )
    with pytest.raises(ApplicationError) as missing_status:
        services.line_status_set(line_ids=[lines[0].pk], status_id=999_999, actor=manager)

    assert missing_line.value.code == "not_found"
    assert missing_status.value.code == "status_not_found"
    assert OrderLine.objects.get(pk=lines[0].pk).status.name == "Новый"


def test_manager_comment_is_set_and_audited(manager, mails):
    client = make_client()
    _, lines = order_with_lines(client)

    line = services.line_manager_comment_set(
        line_id=lines[0].pk, actor=manager, comment="Поставщик задерживает на 2 дня"
    )

    assert line.manager_comment == "Поставщик задерживает на 2 дня"
    audit = line.history.order_by("-id").first()
    assert audit.changed_by == manager
    assert audit.comment == "Комментарий менеджера: Поставщик задерживает на 2 дня"
    assert audit.notified_at is not None  # never e-mailed
    assert audit.status.name == "Новый"
    assert mails == []


def test_manager_comment_too_long_changes_nothing(manager, mails):
    client = make_client()
    _, lines = order_with_lines(client)

    with pytest.raises(ApplicationError) as error:
        services.line_manager_comment_set(line_id=lines[0].pk, actor=manager, comment="x" * 501)

    assert error.value.code == "comment_too_long"
    assert OrderLine.objects.get(pk=lines[0].pk).manager_comment == ""


def test_status_change_hands_the_changes_to_the_email_task_after_commit(
    manager, django_capture_on_commit_callbacks
):
    # given: the real notifications task (tasks run at once in tests)
    client = make_client()
    _, lines = order_with_lines(client)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [change] = services.line_status_set(
            line_ids=[lines[0].pk], status_id=status("Принят").pk, actor=manager
        )

    # then
    assert len(callbacks) == 1
    change.refresh_from_db()
    assert change.notified_at is not None
