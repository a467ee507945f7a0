"""The site's error pages: Russian, in the site's design, with the reason our code gave."""

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cabinet import views as cabinet_views
from mprating.cart import services as cart_services
from mprating.catalog.tests.factories import make_offer

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed")


def _assert_site_page(page: str) -> None:
    assert '<html lang="ru">' in page
    assert 'class="topbar"' in page  # the site's own layout, not Django's bare page
    assert 'data-testid="error-page"' in page
    for words in ENGLISH:
        assert words not in page


@pytest.fixture
def signed_in(client):
    account = make_client()
    client.force_login(account.user)
    return account


def test_unknown_page_is_a_russian_404(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in page
    assert 'data-testid="error-reason"' not in page  # Django's resolver says nothing to show
    _assert_site_page(page)


def test_not_found_raised_by_a_service_is_404_with_its_message(client, signed_in):
    # given: another client's cart line; the cart service raises NotFound
    stranger = make_client(email="stranger@example.ru")
    line = cart_services.cart_add(client=stranger, offer_id=make_offer().pk, quantity=1)

    # when
    response = client.post(reverse("cart:line_remove", args=[line.pk]))

    # then: core's middleware made it a 404, the page shows the service's Russian message
    page = response.content.decode()
    assert response.status_code == 404
    assert "Такой строки нет в вашей корзине." in page
    _assert_site_page(page)
    assert "Выйти" in page  # signed in: the site's top bar knows the person


def test_djangos_own_404_text_is_not_shown(client, signed_in):
    # an order number that is nobody's: get_object_or_404 style, English message inside
    response = client.get(reverse("orders:placed", args=["MP-999999"]))

    page = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in page
    assert "matches the given query" not in page


def test_staff_without_a_permission_gets_a_russian_403_without_djangos_reason(client):
    client.force_login(make_staff(email="nobody@example.ru"))

    response = client.get("/backoffice/catalog/product/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "Доступ запрещён" in page
    assert "У вашей учётной записи нет доступа к этой странице." in page
    _assert_site_page(page)


def test_staff_are_told_the_cabinet_is_for_clients(client):
    client.force_login(make_staff(email="operator@example.ru"))

    response = client.get(reverse("cabinet:profile"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "Личный кабинет доступен только клиентам магазина." in page
    _assert_site_page(page)


def test_bad_host_is_a_russian_400():
    response = BrowserClient().get("/", HTTP_HOST="evil.example.com")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Некорректный запрос" in page
    _assert_site_page(page)


def test_a_crash_is_a_russian_500_without_account_links(signed_in, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cabinet_views, "redirect", boom)
    browser = BrowserClient(raise_request_exception=False)
    browser.force_login(signed_in.user)

    response = browser.get(reverse("cabinet:home"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Ошибка на сервере" in page
    assert "boom" not in page
    assert "Выйти" not in page and "Регистрация" not in page
    _assert_site_page(page)


def test_a_form_without_csrf_token_gets_the_russian_page():
    browser = BrowserClient(enforce_csrf_checks=True)

    response = browser.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Форма устарела" in page
    assert "cookie" in page
    _assert_site_page(page)
