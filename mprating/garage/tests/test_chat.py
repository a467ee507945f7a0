"""«Открыть чат» in the cabinet: plain text, a length limit, unread counters, owner only."""

import pytest
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError
from mprating.garage import selectors, services
from mprating.garage.models import ChatMessage
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    clear_reference()
    reference()


@pytest.fixture
def owner(client):
    account = make_client()
    client.force_login(account.user)
    return account


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


def test_client_writes_and_text_is_escaped(client, owner):
    request = make_vin_request(owner)
    url = reverse("garage:chat", args=[request.pk])

    response = client.post(url, {"text": "<b>Какой</b> объём\nмасла?"}, HTTP_HX_REQUEST="true")

    message = ChatMessage.objects.get()
    assert (message.from_client, message.author) == (True, owner.user)
    html = response.content.decode()
    assert "&lt;b&gt;Какой&lt;/b&gt; объём<br>масла?" in html
    assert "<html" not in html  # the chat box only


def test_message_over_the_limit_is_refused_in_russian(client, owner):
    request = make_vin_request(owner)

    response = client.post(reverse("garage:chat", args=[request.pk]), {"text": "я" * 2001})

    assert response.status_code == 422
    assert "Сообщение длиннее 2000 знаков (2001)" in response.content.decode()
    assert not ChatMessage.objects.exists()


def test_service_refuses_empty_and_long(owner):
    request = make_vin_request(owner)

    for text in ["   ", "x" * 2001]:
        with pytest.raises(ApplicationError):
            services.chat_message_post(
                request=request, author=owner.user, from_client=True, text=text
            )


def test_unread_counters_on_both_sides(client, owner, manager):
    request = make_vin_request(owner)
    services.chat_message_post(request=request, author=manager, from_client=False, text="Да?")
    services.chat_message_post(request=request, author=manager, from_client=False, text="Ждём")

    # the client sees 2 new messages on the request in the list
    page = client.get(reverse("garage:requests")).content.decode()
    assert 'data-testid="unread">2<' in page
    assert selectors.unread_for_client_total(owner) == 2

    # opening the chat changes nothing; the page then posts that it showed them (hx-trigger
    # «load» of the marker it renders while something is unread), which reads them
    chat_page = client.get(reverse("garage:chat", args=[request.pk])).content.decode()
    assert selectors.unread_for_client_total(owner) == 2
    assert reverse("garage:chat_read", args=[request.pk]) in chat_page
    assert client.get(reverse("garage:chat_read", args=[request.pk])).status_code == 405
    client.post(reverse("garage:chat_read", args=[request.pk]))
    assert selectors.unread_for_client_total(owner) == 0
    chat_page = client.get(reverse("garage:chat", args=[request.pk])).content.decode()
    assert 'data-testid="chat-read"' not in chat_page
    assert 'data-testid="unread"' not in client.get(reverse("garage:requests")).content.decode()

    # the client's reply is unread for the managers until they open the chat
    client.post(reverse("garage:chat", args=[request.pk]), {"text": "Спасибо"})
    row = selectors.vin_requests_for_backoffice().get(pk=request.pk)
    assert row.unread_for_managers == 1


def test_new_messages_fragment_for_polling(client, owner, manager):
    request = make_vin_request(owner)
    page = client.get(reverse("garage:chat", args=[request.pk])).content.decode()
    assert 'hx-trigger="every 4s"' in page

    services.chat_message_post(request=request, author=manager, from_client=False, text="Готово")
    fragment = client.get(reverse("garage:chat_messages", args=[request.pk])).content.decode()

    assert "Готово" in fragment and 'id="chat-messages"' in fragment
    assert "<html" not in fragment


def test_client_never_sees_anothers_chat(client, owner, manager):
    foreign = make_vin_request(make_client(email="other@example.ru"))
    services.chat_message_post(request=foreign, author=manager, from_client=False, text="секрет")

    assert client.get(reverse("garage:chat", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("garage:chat", args=[foreign.pk]), {"text": "взлом"})
    assert response.status_code == 404
    assert not ChatMessage.objects.filter(text="взлом").exists()
    assert ChatMessage.objects.get(text="секрет").read_at is None
