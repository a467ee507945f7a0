"""Registration, sign-in and password reset through the real pages."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import PASSWORD, make_client

pytestmark = pytest.mark.django_db

VALID = {
    "last_name": "Орлова",
    "first_name": "Дарья",
    "middle_name": "Игоревна",
    "email": "Darya.Orlova@Example.ru",
    "phone": "8 (926) 555-12-34",
    "company_name": "",
    "inn": "",
    "password1": "Zapchasti-2026",
    "password2": "Zapchasti-2026",
    "consent": "on",
}


def _register(client, **changes):
    return client.post(reverse("accounts:register"), {**VALID, **changes})


def test_registration_creates_a_client_with_consent_time_and_logs_in(client):
    response = _register(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("cabinet:home")
    user = User.objects.get()
    assert user.email == "darya.orlova@example.ru"
    assert user.phone == "+79265551234"
    assert user.get_full_name() == "Орлова Дарья Игоревна"
    assert user.groups.filter(name=roles.CLIENT).exists()
    assert user.client.personal_data_consent_at is not None
    assert client.get(reverse("cabinet:profile")).status_code == 200


def test_registration_stores_a_valid_inn_and_company(client):
    _register(client, company_name="ООО «Ромашка»", inn="7707083893")

    assert Client.objects.get().inn == "7707083893"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "ivanov@"}, "email", "Введите e-mail полностью"),
        ({"phone": "12345"}, "phone", "Введите номер телефона полностью"),
        ({"phone": "+7 000 000-00-00"}, "phone", "Введите номер телефона полностью"),
        ({"inn": "7707083894"}, "inn", "не прошёл проверку контрольных цифр"),
        ({"inn": "12345"}, "inn", "10 цифр"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "состоит только из цифр"),
        ({"password1": "short1", "password2": "short1"}, "password1", "слишком короткий"),
        ({"password1": "password123", "password2": "password123"}, "password1", "распространён"),
        ({"password2": "Zapchasti-2027"}, "password2", "Пароли не совпадают"),
        ({"consent": ""}, "consent", "Без согласия на обработку персональных данных"),
        ({"last_name": ""}, "last_name", "Обязательное поле"),
    ],
)
def test_bad_registration_input_gets_a_russian_message_and_saves_nothing(
    client, changes, field, message
):
    response = _register(client, **changes)

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors
    assert not User.objects.exists()
    assert not Client.objects.exists()


def test_duplicate_email_in_other_case_is_refused(client):
    make_client(email="darya.orlova@example.ru")

    response = _register(client)

    assert "уже зарегистрирован" in str(response.context["form"].errors["email"])
    assert User.objects.count() == 1


def test_duplicate_phone_in_other_spelling_is_refused(client):
    make_client(phone="+79265551234")

    response = _register(client)

    assert "уже указан у другого пользователя" in str(response.context["form"].errors["phone"])
    assert User.objects.count() == 1


@pytest.mark.parametrize("login", ["client7@example.ru", "CLIENT7@example.ru", "8 916 000-00-07"])
def test_login_by_email_or_phone(client, login):
    make_client(email="client7@example.ru", phone="+79160000007")

    response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("cabinet:profile")).status_code == 200


def test_wrong_password_is_refused_with_a_russian_message(client):
    make_client(email="client7@example.ru")

    response = client.post(
        reverse("accounts:login"), {"username": "client7@example.ru", "password": "nope-nope"}
    )

    assert response.status_code == 200
    assert "Неверный e-mail, телефон или пароль" in response.content.decode()


def test_blocked_client_is_told_their_access_is_suspended(client):
    account = make_client(email="client7@example.ru")
    User.objects.filter(pk=account.user_id).update(is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": "client7@example.ru", "password": PASSWORD}
    )

    assert "Доступ к сервису приостановлен" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client):
    account = make_client()
    client.force_login(account.user)

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("cabinet:profile")).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    make_client(email="client7@example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "Client7@example.ru"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["client7@example.ru"]
    assert letter.subject == "Восстановление пароля в MP Rating"
    assert letter.alternatives and "text/html" in letter.alternatives[0][1]
    link = re.search(r"http://[^\s]+/password-reset/[^\s]+/", letter.body).group(0)
    path = link.split("8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Novyi-parol-77", "new_password2": "Novyi-parol-77"},
    )
    login = client.post(
        reverse("accounts:login"),
        {"username": "client7@example.ru", "password": "Novyi-parol-77"},
    )
    assert login.status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.ru"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_repeated_failed_logins_lock_the_login_whatever_its_spelling(client, settings):
    make_client(email="client7@example.ru", phone="+79160000007")
    spellings = ["client7@example.ru", "CLIENT7@example.ru", "8 916 000-00-07", "+79160000007"]

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": spellings[attempt % len(spellings)], "password": "bad-pass"},
        )
    response = client.post(
        reverse("accounts:login"), {"username": "client7@example.ru", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Слишком много попыток входа" in response.content.decode()


def test_roles_are_groups_created_by_migration():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL) <= names
    operator = Group.objects.get(name=roles.OPERATOR)
    codenames = set(operator.permissions.values_list("codename", flat=True))
    assert {"view_client", "change_client_status"} <= codenames
    assert not Group.objects.get(name=roles.CLIENT).permissions.exists()
