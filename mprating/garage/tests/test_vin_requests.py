"""VIN requests («VIN-запрос», seed 004): creation, the e-mail to managers and its failure,
the cabinet list, answers and the cart."""

import re
import socket
import threading
from datetime import timedelta
from email import message_from_bytes
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries
from mprating.garage import selectors, services
from mprating.garage.models import VinRequest, VinRequestStatusChange
from mprating.garage.tests.vin_factories import (
    LADA_VESTA_VIN,
    clear_reference,
    make_vehicle,
    make_vin_request,
    reference,
)

pytestmark = pytest.mark.django_db
Status = VinRequest.Status
FAILING_BACKEND = "mprating.garage.tests.test_vin_requests.FailingEmailBackend"


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, email_messages):
        raise SMTPException("Connection refused by smtp.shop.ru")


@pytest.fixture(autouse=True)
def _reference():
    clear_reference()
    reference()


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


@pytest.fixture
def managers_address(manager):
    services.vin_settings_update(manager_emails="vin@shop.ru, boss@shop.ru", by=manager)


@pytest.fixture
def owner(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _form(vehicle, rows, comment=""):
    data = {"vehicle": vehicle.pk, "part_name": [], "quantity": [], "note": [], "comment": comment}
    for name, quantity, note in rows:
        data["part_name"].append(name)
        data["quantity"].append(quantity)
        data["note"].append(note)
    return data


def test_create_from_the_form_numbers_it_and_mails_managers(
    client, owner, managers_address, django_capture_on_commit_callbacks
):
    vehicle = make_vehicle(owner, vin_or_frame=LADA_VESTA_VIN)
    rows = [("масло моторное", "2", "5W-30, 4 л"), ("амортизатор передний", "2", ""), ("", "1", "")]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("garage:request_new"), _form(vehicle, rows, "Нужно к пятнице")
        )

    request = VinRequest.objects.get()
    assert response.status_code == 302
    assert request.status == Status.PENDING
    assert request.vin == LADA_VESTA_VIN and request.vehicle_name == "Lada Vesta I"
    assert [(line.part_name, line.quantity, line.note) for line in request.lines.all()] == [
        ("масло моторное", 2, "5W-30, 4 л"),
        ("амортизатор передний", 2, ""),
    ]
    assert selectors.vin_request_letter(request).sent_at is not None
    [message] = mail.outbox
    assert message.to == ["vin@shop.ru", "boss@shop.ru"]
    assert message.subject == f"VIN-запрос № {request.pk}: Lada Vesta I"
    assert "масло моторное — 2 шт. (5W-30, 4 л)" in message.body
    assert LADA_VESTA_VIN in message.body and "Нужно к пятнице" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "амортизатор передний" in html


def test_row_errors_are_shown_next_to_the_row_and_nothing_is_created(client, owner):
    vehicle = make_vehicle(owner)
    rows = [("масло моторное", "0", ""), ("", "1", "только примечание")]

    response = client.post(reverse("garage:request_new"), _form(vehicle, rows))

    page = response.content.decode()
    assert response.status_code == 422
    assert "Количество — целое число от 1 до 999." in page
    assert "Укажите наименование детали" in page
    assert not VinRequest.objects.exists()


def test_empty_form_asks_for_a_part(client, owner):
    vehicle = make_vehicle(owner)

    response = client.post(reverse("garage:request_new"), _form(vehicle, [("", "1", "")]))

    assert "Добавьте хотя бы одну деталь." in response.content.decode()


def test_add_part_returns_one_more_row(client, owner):
    html = client.get(reverse("garage:request_row")).content.decode()

    assert html.count('data-testid="part-row"') == 1
    assert 'name="part_name"' in html


def test_email_failure_marks_not_sent_then_retry_sends(
    client, owner, managers_address, settings, django_capture_on_commit_callbacks
):
    # given the SMTP server refuses
    settings.EMAIL_BACKEND = FAILING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        request = make_vin_request(owner)

    # then the system sets «Запрос не отправлен» itself, and the client sees it
    request.refresh_from_db()
    letter = selectors.vin_request_letter(request)
    assert request.status == Status.NOT_SENT
    assert "Connection refused" in letter.last_error
    change = request.status_changes.get(status_to=Status.NOT_SENT)
    assert change.changed_by is None  # the system
    assert "Connection refused" in change.comment
    page = client.get(reverse("garage:requests")).content.decode()
    assert "Запрос не отправлен" in page and "Отправить повторно" in page

    # when mail works again and the client presses «Отправить повторно»
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("garage:request_resend", args=[request.pk]))

    # then the same letter is sent and the request waits for the managers
    request.refresh_from_db()
    letter.refresh_from_db()
    assert request.status == Status.PENDING
    assert letter.attempts == 2 and letter.last_error == ""
    assert OutgoingEmail.objects.filter(ref=f"garage.vinrequest:{request.pk}").count() == 1
    assert len(mail.outbox) == 1
    assert list(request.status_changes.values_list("status_to", flat=True)) == [
        Status.PENDING,
        Status.NOT_SENT,
        Status.PENDING,
    ]


def test_failure_enqueues_a_delayed_retry(owner, managers_address, settings):
    # given a task backend that can defer (the database one in production)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = FAILING_BACKEND
    request = make_vin_request(owner)
    letter = selectors.vin_request_letter(request)

    # when the first attempt fails
    outbox.outbox_deliver.call(email_ids=[letter.pk])

    # then the outbox queued its retry a minute later, like for any other letter
    [retry] = outbox.outbox_deliver.get_backend().results
    assert retry.kwargs == {"email_ids": [letter.pk]}
    assert retry.task.run_after - timezone.now() > timedelta(seconds=50)
    request.refresh_from_db()
    assert request.status == Status.NOT_SENT

    # and when that attempt runs with mail working, the request moves on
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(retry.task.run_after, tick=False):
        outbox.outbox_deliver.call(**retry.kwargs)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_retries_stop_after_the_last_delay(owner, managers_address, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = FAILING_BACKEND
    request = make_vin_request(owner)
    letter = selectors.vin_request_letter(request)
    OutgoingEmail.objects.filter(pk=letter.pk).update(series_attempts=outbox.MAX_ATTEMPTS - 1)

    assert outbox.outbox_deliver.call(email_ids=[letter.pk])["gave_up"] == 1

    assert outbox.outbox_deliver.get_backend().results == []
    request.refresh_from_db()
    assert request.status == Status.NOT_SENT  # the client's «Отправить повторно» is left


def test_no_manager_address_is_a_failure_too(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_vin_request(owner, managers_address=False)

    request.refresh_from_db()
    assert request.status == Status.NOT_SENT
    change = request.status_changes.get(status_to=Status.NOT_SENT)
    assert "не указан e-mail менеджеров" in change.comment


def test_sending_twice_mails_once(owner, managers_address, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_vin_request(owner)

    letter = selectors.vin_request_letter(request)
    assert outbox.email_deliver(email_id=letter.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_resend_only_when_not_sent(owner, managers_address):
    request = make_vin_request(owner)

    with pytest.raises(ApplicationError):
        services.vin_request_resend(client=owner, request_id=request.pk)


def test_real_email_through_smtp(owner, managers_address, settings):
    # given a real SMTP server on localhost
    from aiosmtpd.controller import Controller

    received = []
    done = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            done.set()
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        request = make_vin_request(owner, parts=("свечи зажигания",))

        # when the outbox sends its letter
        outbox.outbox_deliver.call(email_ids=[selectors.vin_request_letter(request).pk])
        assert done.wait(5)
    finally:
        controller.stop()

    # then the managers got a Russian HTML + text letter
    [envelope] = received
    assert sorted(envelope.rcpt_tos) == ["boss@shop.ru", "vin@shop.ru"]
    parsed = message_from_bytes(envelope.content)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in parsed.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    assert "свечи зажигания — 1 шт." in text
    assert "свечи зажигания" in parts["text/html"].get_payload(decode=True).decode("utf-8")
    request.refresh_from_db()
    assert request.status == Status.PENDING and selectors.vin_request_letter(request).sent_at


def test_answered_rows_are_counted(client, owner, manager):
    request = make_vin_request(owner, parts=("масло", "фильтр масляный", "колодки"))
    first, second, _ = request.lines.all()
    services.vin_answer_add(line_id=first.pk, by=manager, brand_name="MOBIL", article="153693")
    services.vin_answer_add(line_id=first.pk, by=manager, brand_name="SHELL", article="550051529")
    services.vin_answer_add(line_id=second.pk, by=manager, brand_name="MANN", article="W 712/75")

    page = client.get(reverse("garage:requests")).content.decode()

    assert 'data-testid="lines-count">3<' in page
    assert 'data-testid="answered-count">2<' in page
    assert "MOBIL" in page and "550051529" in page


def test_duplicate_pair_is_refused(owner, manager):
    line = make_vin_request(owner).lines.first()
    services.vin_answer_add(line_id=line.pk, by=manager, brand_name="MOBIL", article="153693")

    with pytest.raises(ApplicationError) as error:
        services.vin_answer_add(line_id=line.pk, by=manager, brand_name="mobil", article="153693")

    assert error.value.code == "answer_exists"


def test_typed_pair_of_a_catalog_product_goes_to_the_cart(client, owner, manager):
    # given a catalog product with an offer, typed by the manager in another spelling
    product = make_product("MANN-FILTER", "W 712/75", "Фильтр масляный")
    offer = make_offer(product, make_warehouse(), price="640.00", quantity=10)
    request = make_vin_request(owner, parts=("фильтр масляный",))
    line = request.lines.get()
    answer = services.vin_answer_add(
        line_id=line.pk, by=manager, brand_name="mann-filter", article="W71275"
    )
    assert answer.product == product

    # when the client clicks «В корзину»
    page = client.get(reverse("garage:requests")).content.decode()
    assert "640,00" in page
    response = client.post(
        reverse("garage:answer_to_cart", args=[answer.pk]), HTTP_HX_REQUEST="true"
    )

    # then the best offer is in the cart with the row's quantity
    assert "В корзине: 1 шт." in response.content.decode()
    cart_line = CartLine.objects.get(client=owner)
    assert (cart_line.offer, cart_line.quantity) == (offer, 1)


def test_answer_not_in_catalog_cannot_go_to_the_cart(owner, manager):
    line = make_vin_request(owner).lines.first()
    answer = services.vin_answer_add(
        line_id=line.pk, by=manager, brand_name="НЕТ ТАКОГО", article="12345"
    )

    with pytest.raises(ApplicationError) as error:
        services.vin_answer_to_cart(client=owner, answer_id=answer.pk)

    assert error.value.code == "not_in_catalog"


def test_client_never_sees_anothers_request(client, owner, manager):
    foreign = make_vin_request(make_client(email="other@example.ru"), parts=("чужая деталь",))
    answer = services.vin_answer_add(
        line_id=foreign.lines.first().pk, by=manager, brand_name="MOBIL", article="153693"
    )

    assert "чужая деталь" not in client.get(reverse("garage:requests")).content.decode()
    assert client.post(reverse("garage:request_resend", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("garage:chat", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("garage:chat_messages", args=[foreign.pk])).status_code == 404
    client.post(reverse("garage:answer_to_cart", args=[answer.pk]))
    assert not CartLine.objects.exists()
    url = f"{reverse('garage:request_new')}?vehicle={foreign.vehicle_id}"
    assert client.get(url).status_code == 404


def test_request_from_the_lookup_window_without_a_garage_car(client, owner):
    url = f"{reverse('garage:request_new')}?vin={LADA_VESTA_VIN}&name=Lada Vesta I"
    assert "Lada Vesta I" in client.get(url).content.decode()

    client.post(
        reverse("garage:request_new"),
        {"vin": LADA_VESTA_VIN, "name": "Lada Vesta I", "part_name": "масло", "quantity": "1"},
    )

    request = VinRequest.objects.get()
    assert (request.vehicle, request.vin, request.vehicle_name) == (
        None,
        LADA_VESTA_VIN,
        "Lada Vesta I",
    )


def test_list_query_count_does_not_grow(client, owner, manager):
    vehicle = make_vehicle(owner, vin_or_frame=LADA_VESTA_VIN)
    product = make_product("MOBIL", "153693", "Масло моторное")
    make_offer(product, make_warehouse(), quantity=5)

    def requests(n):
        for _ in range(n):
            request = make_vin_request(owner, vehicle)
            line = request.lines.first()
            services.vin_answer_add(line_id=line.pk, by=manager, product_id=product.pk)
            services.chat_message_post(
                request=request, author=manager, from_client=False, text="Уточните объём"
            )

    url = reverse("garage:requests")
    requests(5)
    five = count_queries(lambda: client.get(url))
    requests(45)
    fifty = count_queries(lambda: client.get(url))

    assert five == fifty
    assert VinRequestStatusChange.objects.count() == 50


def test_list_is_paged_newest_first(client, owner):
    # Issue 13: a client with hundreds of VIN requests got them all on one page (400 KB,
    # 160 ms with 300 requests); now 20 a page, the newest first, like «Возвраты».
    from mprating.garage.views import VIN_REQUESTS_PER_PAGE

    vehicle = make_vehicle(owner, vin_or_frame=LADA_VESTA_VIN)
    made = [make_vin_request(owner, vehicle).pk for _ in range(VIN_REQUESTS_PER_PAGE + 5)]
    url = reverse("garage:requests")

    def shown(query: str) -> list[int]:
        page = client.get(url + query).content.decode()
        return [int(pk) for pk in re.findall(r'id="request-(\d+)"', page)]

    first, second = shown(""), shown("?page=2")
    assert first == sorted(made, reverse=True)[:VIN_REQUESTS_PER_PAGE]
    assert second == sorted(made, reverse=True)[VIN_REQUESTS_PER_PAGE:]
    assert 'href="?page=2"' in client.get(url).content.decode()
    assert shown("?page=abc") == first  # a bad number: the first page
    assert shown("?page=99") == second  # too big: the last page


def test_resend_without_any_manager_address_says_so(owner):
    request = make_vin_request(owner, managers_address=False)

    with pytest.raises(ApplicationError) as error:
        services.vin_request_resend(client=owner, request_id=request.pk)

    assert error.value.message == (
        "Магазин ещё не указал адрес для VIN-запросов — попробуйте отправить позже."
    )
    assert selectors.vin_request_letter(request) is None


def test_resend_after_the_address_is_set_writes_the_first_letter(
    owner, manager, django_capture_on_commit_callbacks
):
    # given a request made while «Настройки» had no address
    request = make_vin_request(owner, managers_address=False)
    services.vin_settings_update(manager_emails="vin@shop.ru", by=manager)

    # when the client presses «Отправить повторно»
    with django_capture_on_commit_callbacks(execute=True):
        services.vin_request_resend(client=owner, request_id=request.pk)

    # then the letter goes out and the request waits for the managers
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert [m.to for m in mail.outbox] == [["vin@shop.ru"]]


def test_a_request_the_manager_took_stays_when_its_letter_fails(
    owner, manager, managers_address, settings
):
    request = make_vin_request(owner)
    services.vin_request_status_set(request_id=request.pk, status=Status.ACCEPTED, by=manager)
    settings.EMAIL_BACKEND = FAILING_BACKEND

    outbox.outbox_deliver.call(email_ids=[selectors.vin_request_letter(request).pk])

    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert selectors.vin_request_letter(request).state == "failed"


def test_vin_letter_waits_for_the_sweep_under_a_backend_without_defer(
    owner, managers_address, settings, django_capture_on_commit_callbacks
):
    # given the mail server is down and the immediate task backend (no run_after)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        request = make_vin_request(owner)
    request.refresh_from_db()
    assert request.status == Status.NOT_SENT

    # when the server is back and cron runs the sweep after the backoff
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.outbox_deliver_due.call()["sent"] == 1

    # then the letter is out and the request back to «Ожидает обработки»
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert len(mail.outbox) == 1


def test_anothers_answer_to_the_cart_is_404(client, owner, manager):
    foreign = make_vin_request(make_client(email="other2@example.ru"))
    answer = services.vin_answer_add(
        line_id=foreign.lines.first().pk, by=manager, brand_name="MOBIL", article="153693"
    )

    response = client.post(reverse("garage:answer_to_cart", args=[answer.pk]))

    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.vin_answer_to_cart(client=owner, answer_id=answer.pk)
