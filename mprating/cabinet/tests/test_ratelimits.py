"""Rate limits (issue 12, mprating/core/ratelimits.py): the POST over a limit answers 429 with
the site's Russian page (htmx: a Russian notice swapped out of band) and changes nothing — no
account, no letter, no uploaded file, no chat message. Counted per client address (the
nginx-set X-Real-IP), per person for uploads and chat; the JSON API is not limited here."""

from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.cart.models import CartImport
from mprating.cart.tests.files import xlsx_bytes
from mprating.core.models import OutgoingEmail
from mprating.garage.models import ChatMessage
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "last_name": "Орлова",
    "first_name": "Дарья",
    "middle_name": "Игоревна",
    "company_name": "",
    "inn": "",
    "password1": "Zapchasti-2026",
    "password2": "Zapchasti-2026",
    "consent": "on",
}


def _register(number: int, **headers):
    """A new visitor (no session) registering from the same address unless headers say."""
    data = {
        **REGISTRATION,
        "email": f"darya{number}@example.ru",
        "phone": f"8 (926) 555-12-{number:02d}",
    }
    return HttpClient(**headers).post(reverse("accounts:register"), data)


def _assert_russian_429(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Слишком много попыток" in html
    assert "Ничего не изменилось" in html
    assert "повторите через" in html
    assert int(response["Retry-After"]) > 0


def test_registration_over_the_limit_is_a_russian_429_and_creates_nobody(settings):
    settings.RATELIMIT_REGISTRATION = "2/h"

    first, second = _register(1), _register(2)
    third = _register(3)

    assert (first.status_code, second.status_code) == (302, 302)
    _assert_russian_429(third)
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "darya1@example.ru",
        "darya2@example.ru",
    ]
    # the page is the site's error page, under the strict CSP like every other
    assert 'data-testid="error-page"' in third.content.decode()
    assert "Content-Security-Policy" in third


def test_the_limit_counts_per_client_address_as_nginx_tells_it(settings):
    settings.RATELIMIT_REGISTRATION = "1/h"

    from_one = [_register(n, HTTP_X_REAL_IP="203.0.113.5") for n in (1, 2)]
    from_another = _register(3, HTTP_X_REAL_IP="203.0.113.77")

    assert [r.status_code for r in from_one] == [302, 429]
    assert from_another.status_code == 302


def test_without_a_proxy_a_forged_header_does_not_reset_the_count(settings):
    settings.RATELIMIT_REGISTRATION = "1/h"
    settings.CLIENT_IP_META_KEY = None  # DJANGO_CLIENT_IP_HEADER= : no proxy, no header trusted

    answers = [_register(n, HTTP_X_REAL_IP=f"203.0.113.{n}").status_code for n in (1, 2)]

    assert answers == [302, 429]


def test_opening_the_form_is_not_counted(client, settings):
    settings.RATELIMIT_REGISTRATION = "1/h"

    pages = [client.get(reverse("accounts:register")).status_code for _ in range(3)]

    assert pages == [200, 200, 200]
    assert _register(1).status_code == 302


def test_password_reset_over_the_limit_queues_no_letter(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_PASSWORD_RESET = "2/h"
    make_client(email="client7@example.ru")
    url = reverse("accounts:password_reset")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"email": "client7@example.ru"}) for _ in range(2)]
    letters = len(mail.outbox)
    queued = OutgoingEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refused = client.post(url, {"email": "client7@example.ru"})

    assert [a.status_code for a in answers] == [302, 302]
    assert letters == 2
    _assert_russian_429(refused)
    assert callbacks == []
    assert len(mail.outbox) == letters
    assert OutgoingEmail.objects.count() == queued


@pytest.mark.parametrize("login_path", ["/accounts/login/", "/backoffice/login/"])
def test_sign_in_over_the_limit_refuses_even_the_right_password(client, settings, login_path):
    settings.RATELIMIT_LOGIN = "3/10m"
    settings.AXES_FAILURE_LIMIT = 100  # the address limit, not django-axes, answers here
    account = make_client(email="client7@example.ru")

    wrong = [
        client.post(login_path, {"username": f"nobody{n}@example.ru", "password": "x"})
        for n in range(3)
    ]
    right = client.post(login_path, {"username": account.user.email, "password": PASSWORD})

    assert [w.status_code for w in wrong] == [200, 200, 200]
    _assert_russian_429(right)
    assert "_auth_user_id" not in client.session


def test_both_sign_in_pages_share_one_count(client, settings):
    settings.RATELIMIT_LOGIN = "2/10m"
    attempt = {"username": "nobody@example.ru", "password": "x"}

    cabinet = client.post("/accounts/login/", attempt)
    back_office = client.post("/backoffice/login/", attempt)
    third = client.post("/accounts/login/", attempt)

    assert (cabinet.status_code, back_office.status_code) == (200, 200)
    assert third.status_code == 429


def test_cart_upload_over_the_limit_stores_nothing_and_counts_per_person(client, settings):
    settings.RATELIMIT_UPLOAD = "1/h"
    anna, boris = make_client(email="anna@example.ru"), make_client(email="boris@example.ru")
    data = xlsx_bytes([["BOSCH", "0 986 452 041", 1, ""]])

    def upload(http):
        file = SimpleUploadedFile("zakaz.xlsx", data)
        return http.post(reverse("cart:import"), {"file": file})

    client.force_login(anna.user)
    first, second = upload(client), upload(client)
    other = HttpClient()
    other.force_login(boris.user)
    boris_first = upload(other)

    assert first.status_code == 302
    _assert_russian_429(second)
    assert boris_first.status_code == 302  # the same address, another person
    assert CartImport.objects.filter(client=anna).count() == 1


def test_chat_message_over_the_limit_is_a_russian_notice_for_htmx(client, settings):
    settings.RATELIMIT_CHAT = "2/m"
    clear_reference()
    reference()
    owner = make_client()
    client.force_login(owner.user)
    url = reverse("garage:chat", args=[make_vin_request(owner).pk])

    sent = [client.post(url, {"text": f"Вопрос {n}"}, HTTP_HX_REQUEST="true") for n in (1, 2)]
    refused = client.post(url, {"text": "Вопрос 3"}, HTTP_HX_REQUEST="true")

    assert [r.status_code for r in sent] == [200, 200]
    assert refused.status_code == 429
    html = refused.content.decode()
    assert html.startswith('<div id="rate-limit-notice" hx-swap-oob="true"')
    assert "Слишком много запросов за короткое время. Ничего не изменилось" in html
    assert "<html" not in html
    assert refused["HX-Reswap"] == "none"
    assert sorted(ChatMessage.objects.values_list("text", flat=True)) == ["Вопрос 1", "Вопрос 2"]


@pytest.mark.parametrize(
    ("setting", "path", "signed_in"),
    [
        ("RATELIMIT_REGISTRATION", "/partner/apply/", False),
        ("RATELIMIT_UPLOAD", "/cabinet/returns/new/1/", True),
        ("RATELIMIT_UPLOAD", "/backoffice/catalog/importjob/add/", "staff"),
    ],
)
def test_every_limited_form_is_wired(client, settings, setting, path, signed_in):
    """A zero limit refuses the first POST: the view is limited, before it reads anything."""
    from mprating.accounts import roles
    from mprating.accounts.tests.factories import make_staff

    setattr(settings, setting, "0/h")
    if signed_in == "staff":
        client.force_login(make_staff(roles.MANAGER, superuser=True))
    elif signed_in:
        client.force_login(make_client().user)

    response = client.post(path, {})

    assert response.status_code == 429, path
    assert "Слишком много попыток" in response.content.decode()


def test_an_empty_setting_switches_a_limit_off(settings):
    settings.RATELIMIT_REGISTRATION = ""

    answers = [_register(n).status_code for n in range(1, 8)]

    assert answers == [302] * 7


def test_a_cache_that_does_not_answer_lets_the_form_through(settings):
    settings.RATELIMIT_REGISTRATION = "1/h"

    with mock.patch(
        "mprating.core.ratelimits.get_usage", side_effect=ConnectionError("Redis is away")
    ):
        answers = [_register(n).status_code for n in (1, 2)]

    assert answers == [302, 302]


def test_the_json_api_is_not_limited_by_these(client, settings):
    settings.RATELIMIT_LOGIN = "0/h"
    settings.RATELIMIT_UPLOAD = "0/h"
    client.force_login(make_client().user)

    response = client.get("/api/v1/cart")

    assert response.status_code == 200
