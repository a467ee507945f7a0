"""«Личная информация» in the cabinet (seed 004) and who may open the cabinet at all."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_client, make_staff

pytestmark = pytest.mark.django_db

PERSONAL = {
    "personal-last_name": "Смирнов",
    "personal-first_name": "Олег",
    "personal-middle_name": "",
    "personal-email": "oleg@example.ru",
    "personal-phone": "+7 903 111-22-33",
    "personal-company_name": "ООО «Колесо»",
    "personal-inn": "7707083893",
}


@pytest.fixture
def signed_in(client):
    account = make_client()
    client.force_login(account.user)
    return account


def test_profile_page_shows_the_frame_with_zero_balance_and_no_positions(client, signed_in):
    response = client.get(reverse("cabinet:profile"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Личная информация" in page
    assert "0,00\u00a0₽" in page
    assert 'data-testid="no-positions"' in page
    assert signed_in.user.email in page


def test_personal_data_is_saved(client, signed_in):
    response = client.post(reverse("cabinet:profile_personal"), PERSONAL)

    assert response.status_code == 302
    user = User.objects.get(pk=signed_in.user_id)
    assert (user.last_name, user.email, user.phone) == (
        "Смирнов",
        "oleg@example.ru",
        "+79031112233",
    )
    signed_in.refresh_from_db()
    assert (signed_in.company_name, signed_in.inn) == ("ООО «Колесо»", "7707083893")


def test_personal_data_cannot_take_another_clients_email(client, signed_in):
    make_client(email="oleg@example.ru")

    response = client.post(reverse("cabinet:profile_personal"), PERSONAL)

    assert response.status_code == 422
    assert "уже зарегистрирован" in response.content.decode()
    assert User.objects.get(pk=signed_in.user_id).last_name != "Смирнов"


def test_htmx_save_returns_only_the_form_fragment(client, signed_in):
    response = client.post(
        reverse("cabinet:profile_search_settings"),
        {"search-markup_percent": "7,5", "search-cross_scheme": "2"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-card"' in page
    assert "<html" not in page
    assert 'data-testid="search-saved"' in page
    signed_in.refresh_from_db()
    assert signed_in.markup_percent == Decimal("7.50")
    assert signed_in.cross_scheme == 2


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("-1", "не может быть меньше 0"),
        ("100.01", "не может быть больше 100"),
        ("5.555", "Не больше двух знаков"),
        ("пять", "Введите число"),
        ("", "Укажите наценку"),
    ],
)
def test_markup_out_of_bounds_is_refused_and_nothing_changes(client, signed_in, markup, message):
    response = client.post(
        reverse("cabinet:profile_search_settings"),
        {"search-markup_percent": markup, "search-cross_scheme": "3"},
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    signed_in.refresh_from_db()
    assert signed_in.markup_percent == Decimal("0.00")
    assert signed_in.cross_scheme == 1


@pytest.mark.parametrize("markup", ["0", "100", "12,25", "12.25"])
def test_markup_bounds_are_inclusive_and_accept_comma(client, signed_in, markup):
    response = client.post(
        reverse("cabinet:profile_search_settings"),
        {"search-markup_percent": markup, "search-cross_scheme": "1"},
    )

    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.markup_percent == Decimal(markup.replace(",", "."))


def test_unknown_cross_scheme_is_refused(client, signed_in):
    response = client.post(
        reverse("cabinet:profile_search_settings"),
        {"search-markup_percent": "0", "search-cross_scheme": "4"},
    )

    assert response.status_code == 422
    assert Client.objects.get(pk=signed_in.pk).cross_scheme == 1


def test_password_change_keeps_the_session(client, signed_in):
    response = client.post(
        reverse("cabinet:password_change"),
        {
            "old_password": "Tovar-2026-pass",
            "new_password1": "Drugoi-parol-55",
            "new_password2": "Drugoi-parol-55",
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("cabinet:profile")).status_code == 200
    assert User.objects.get(pk=signed_in.user_id).check_password("Drugoi-parol-55")


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("cabinet:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_have_no_cabinet(client):
    client.force_login(make_staff(roles.OPERATOR))

    assert client.get(reverse("cabinet:profile")).status_code == 403


def test_cabinet_shows_only_the_signed_in_clients_data(client, signed_in):
    other = make_client(email="other@example.ru", last_name="Чужой")

    page = client.get(reverse("cabinet:profile")).content.decode()

    assert signed_in.user.email in page
    assert other.user.email not in page
    assert "Чужой" not in page


def test_profile_page_query_count_is_fixed(client, signed_in, django_assert_max_num_queries):
    # The user, the client, the waiting deletion request (152-ФЗ), the frame's three rows
    # (counters, balance, unread chat) and the API tokens: seven, whatever their number.
    with django_assert_max_num_queries(7):
        client.get(reverse("cabinet:profile"))
