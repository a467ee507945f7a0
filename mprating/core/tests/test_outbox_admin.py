"""Back office «Письма»: every letter, filters by kind and state, search by recipient,
«Отправить снова»; a letter with a login link never shows its text."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:core_outgoingemail_changelist")


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser(email="root@example.ru", password="x-Pass-123")
    client.force_login(user)
    return user


def letter(kind="order_status", to="zakaz@example.ru", subject="Заказ № 1", **state):
    row = outbox.email_enqueue(kind=kind, to=[to], subject=subject, text="текст письма")
    OutgoingEmail.objects.filter(pk=row.pk).update(**state)
    return row


def test_list_filters_by_kind_and_state_and_searches_by_recipient(client, staff):
    letter(subject="Заказ № 1: Отгружен", sent_at=timezone.now())
    letter(
        kind="vin_request",
        to="vin@shop.ru",
        subject="VIN-запрос № 5",
        series_attempts=2,
        attempts=2,
        last_error="SMTPException: отказ",
    )
    letter(kind="vin_request", to="vin@shop.ru", subject="VIN-запрос № 6", gave_up=True)

    page = client.get(CHANGELIST).content.decode()
    assert "Письма" in page and "Заказ № 1: Отгружен" in page
    assert "Статусы позиций заказа" in page and "VIN-запрос менеджерам" in page
    assert "ошибка, будет повтор" in page and "попытки исчерпаны" in page

    by_kind = client.get(CHANGELIST, {"kind": "vin_request"}).content.decode()
    assert "VIN-запрос № 5" in by_kind and "Заказ № 1" not in by_kind
    failed = client.get(CHANGELIST, {"state": "failed"}).content.decode()
    assert "VIN-запрос № 5" in failed and "VIN-запрос № 6" not in failed
    gave_up = client.get(CHANGELIST, {"state": "gave_up"}).content.decode()
    assert "VIN-запрос № 6" in gave_up and "VIN-запрос № 5" not in gave_up
    found = client.get(CHANGELIST, {"q": "zakaz@"}).content.decode()
    assert "Заказ № 1" in found and "VIN-запрос № " not in found


def test_send_again_queues_unsent_letters(client, staff, django_capture_on_commit_callbacks):
    row = letter(gave_up=True, series_attempts=outbox.MAX_ATTEMPTS, attempts=outbox.MAX_ATTEMPTS)
    sent = letter(sent_at=timezone.now(), subject="Уже отправленное")
    picked = {"action": "send_again", "_selected_action": [row.pk, sent.pk]}

    # when staff pick the letters and the action: a confirmation page, nothing sent yet
    page = client.post(CHANGELIST, picked).content.decode()
    assert 'data-testid="confirm-action"' in page
    assert "Заказ № 1" in page and "Уже отправленное" not in page
    assert mail.outbox == []

    # when they confirm (the page posts the letters it listed)
    confirm = {"action": "send_again", "_selected_action": [row.pk], "confirm": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, confirm, follow=True)

    # then only the unsent letter goes out
    assert "Поставлено в очередь писем: 1." in response.content.decode()
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None


def test_get_of_the_action_changes_nothing(client, staff):
    row = letter(gave_up=True)

    client.get(CHANGELIST, {"action": "send_again", "_selected_action": [row.pk]})

    row.refresh_from_db()
    assert row.gave_up and row.sent_at is None


def test_letter_with_a_login_link_hides_its_text(client, staff):
    row = outbox.email_enqueue(
        kind="password_reset",
        to=["client@example.ru"],
        subject="Восстановление пароля",
        text="https://shop.example/reset/SECRET-TOKEN/",
        sensitive=True,
    )
    OutgoingEmail.objects.filter(pk=row.pk).update(sent_at=None)  # as if still waiting

    page = client.get(reverse("admin:core_outgoingemail_change", args=[row.pk])).content.decode()

    assert "SECRET-TOKEN" not in page
    assert "скрыто: письмо со ссылкой для входа" in page


def test_only_people_with_the_permission_see_letters(client):
    user = get_user_model().objects.create_user(
        email="staff@example.ru", password="x-Pass-123", is_staff=True
    )
    client.force_login(user)

    assert client.get(CHANGELIST).status_code == 403


def test_changelist_query_count_does_not_grow(client, staff):
    def letters(n):
        for index in range(n):
            letter(subject=f"Заказ № {index}", series_attempts=1, last_error="ошибка")

    letters(5)
    five = count_queries(lambda: client.get(CHANGELIST))
    letters(45)
    fifty = count_queries(lambda: client.get(CHANGELIST))

    assert five == fifty
