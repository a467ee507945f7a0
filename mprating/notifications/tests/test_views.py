"""Cabinet «Уведомления»: the switches per status (seed 004: «обычно оставляют только
уведомления “Отказ” и “Отгружен”»)."""

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import count_queries
from mprating.notifications import selectors
from mprating.notifications.models import StatusEmailPreference
from mprating.notifications.tests.helpers import role, status
from mprating.orders.models import OrderStatus

pytestmark = pytest.mark.django_db

URL = "/cabinet/notifications/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def customer():
    return make_client(email="prefs@example.ru")


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer.user)
    return client


def enabled_names(customer) -> list[str]:
    return [s.name for s in selectors.preferences_for_client(client=customer) if s.email_enabled]


def test_url_name():
    assert reverse("notifications:preferences") == URL


def test_page_lists_offered_statuses_all_on_by_default(logged_in, customer):
    # when the client opens «Уведомления» for the first time
    response = logged_in.get(URL)

    # then every status that allows e-mail is listed and on; «Новый» (no e-mail) is not
    assert response.status_code == 200
    html = response.content.decode()
    for s in OrderStatus.objects.filter(notify_client=True):
        assert f'name="enabled" value="{s.pk}" checked' in html
        assert f'data-colour="{s.colour}">{s.name}</span>' in html
    assert f'value="{status("Новый").pk}"' not in html
    assert "Обычно оставляют только уведомления" in html
    assert "Оставить только Отгружен и Отказ" in html


def test_button_follows_the_roles_not_the_names(logged_in):
    # given managers renamed the refusal status
    refused = role("refused")
    refused.name = "Снят с заказа"
    refused.save()

    # then the hint and the button use the new name
    html = logged_in.get(URL).content.decode()
    assert "Оставить только Отгружен и Снят с заказа" in html


def test_htmx_switch_saves_and_returns_the_list(logged_in, customer):
    # when the client switches «Принят» off (the form posts every checked switch)
    keep = [s.pk for s in selectors.offered_statuses() if s.name != "Принят"]
    response = logged_in.post(URL, {"enabled": keep}, **HTMX)

    # then only the list comes back, saved
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="notification-prefs"' in html
    assert "Сохранено в" in html
    assert f'value="{status("Принят").pk}" checked' not in html
    assert "Принят" not in enabled_names(customer)
    assert len(enabled_names(customer)) == len(keep)


def test_keep_only_refused_and_shipped(logged_in, customer):
    response = logged_in.post(URL, {"action": "keep_key"}, **HTMX)

    assert response.status_code == 200
    assert enabled_names(customer) == ["Отгружен", "Отказ"]

    # and «Включить все» brings the default back
    logged_in.post(URL, {"action": "enable_all"})
    assert len(enabled_names(customer)) == OrderStatus.objects.filter(notify_client=True).count()


def test_plain_post_redirects_with_message(logged_in, customer):
    response = logged_in.post(URL, {"enabled": [role("shipped").pk]}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Сохранено в" in response.content.decode()
    assert enabled_names(customer) == ["Отгружен"]


def test_bad_input_gets_a_russian_message_and_changes_nothing(logged_in, customer):
    response = logged_in.post(URL, {"enabled": ["abc"]}, **HTMX)

    assert response.status_code == 422
    assert "Не удалось разобрать список статусов" in response.content.decode()
    assert StatusEmailPreference.objects.count() == 0


def test_statuses_without_email_cannot_be_switched_on(logged_in, customer):
    # a forged id of «Новый» (no e-mail) is ignored
    logged_in.post(URL, {"enabled": [status("Новый").pk, role("refused").pk]}, **HTMX)

    assert not StatusEmailPreference.objects.filter(status=status("Новый")).exists()
    assert enabled_names(customer) == ["Отказ"]


def test_another_client_cannot_change_someones_preferences(client, customer):
    # given the client kept only «Отказ» and «Отгружен»
    client.force_login(customer.user)
    client.post(URL, {"action": "keep_key"})
    before = list(
        StatusEmailPreference.objects.filter(client=customer).values_list(
            "status_id", "email_enabled"
        )
    )

    # when another client saves everything on (there is no way to name somebody else)
    other = make_client(email="other@example.ru")
    client.force_login(other.user)
    client.post(URL, {"action": "enable_all", "client": customer.pk})

    # then only the other client's rows changed
    after = list(
        StatusEmailPreference.objects.filter(client=customer).values_list(
            "status_id", "email_enabled"
        )
    )
    assert after == before
    assert enabled_names(customer) == ["Отгружен", "Отказ"]
    assert len(enabled_names(other)) == OrderStatus.objects.filter(notify_client=True).count()


def test_anonymous_goes_to_login_and_staff_gets_403(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_staff(email="manager@example.ru"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "enable_all"}).status_code == 403


def test_page_and_save_query_counts_do_not_grow_with_statuses(logged_in, customer):
    def add_statuses(n: int) -> None:
        start = OrderStatus.objects.count()
        OrderStatus.objects.bulk_create(
            OrderStatus(name=f"Этап {start + i}", sort_order=50) for i in range(n)
        )

    def page() -> None:
        assert logged_in.get(URL).status_code == 200

    def save() -> None:
        assert logged_in.post(URL, {"action": "enable_all"}, **HTMX).status_code == 200

    add_statuses(5)
    save()
    few_page, few_save = count_queries(page), count_queries(save)
    add_statuses(45)
    save()
    assert count_queries(page) == few_page
    assert count_queries(save) == few_save
    assert few_page <= 12
