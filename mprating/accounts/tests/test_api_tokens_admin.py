"""Back office «Пользователи» → «API-токены»: read-only, never the hash, «Отозвать»."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from mprating.accounts import roles, services
from mprating.accounts.models import ApiToken
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_apitoken_changelist")


@pytest.fixture
def operator(client):
    user = make_staff(roles.OPERATOR, email="operator@example.ru")
    client.force_login(user)
    return user


def _issue(account=None, name="Склад"):
    account = account or make_client()
    return services.api_token_create(client=account, name=name, expires_at=None)


def test_the_list_and_a_tokens_page_never_show_the_hash_or_the_token(client, operator):
    issued = _issue(make_client(last_name="Токенова"))
    services.api_token_authenticate(plain=issued.plain, ip="192.0.2.10")

    listing = client.get(CHANGELIST).content.decode()
    page = client.get(reverse("admin:accounts_apitoken_change", args=[issued.token.pk]))

    assert "Склад" in listing and f"mpr_{issued.token.prefix}_…" in listing
    assert "Токенова" in listing and "IP 192.0.2.10" in listing and "Действует" in listing
    assert page.status_code == 200
    for html in (listing, page.content.decode()):
        assert issued.token.digest not in html
        assert issued.plain not in html
        assert "отпечаток" not in html
    assert 'name="name"' not in page.content.decode()  # read-only


def test_an_operator_revokes_selected_tokens_after_confirming(client, operator):
    first, second, kept = _issue(), _issue(), _issue()
    selection = {
        "action": "revoke_selected",
        ACTION_CHECKBOX_NAME: [first.token.pk, second.token.pk],
    }

    confirm = client.post(CHANGELIST, selection)
    assert confirm.status_code == 200
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()

    done = client.post(CHANGELIST, {**selection, "confirm": "yes"}, follow=True)

    assert "Отозвано токенов: 2." in done.content.decode()
    revoked = ApiToken.objects.filter(revoked_at__isnull=False)
    assert set(revoked.values_list("pk", flat=True)) == {first.token.pk, second.token.pk}
    assert {t.revoked_by for t in revoked} == {operator}
    assert services.api_token_authenticate(plain=first.plain, ip=None) is None
    assert services.api_token_authenticate(plain=kept.plain, ip=None) is not None


def test_a_manager_without_the_permission_cannot_open_the_tokens(client):
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))

    assert client.get(CHANGELIST).status_code == 403


def test_the_list_query_count_does_not_grow_with_rows(client, operator, settings):
    settings.API_TOKENS_PER_CLIENT = 100
    account = make_client()
    for n in range(5):
        _issue(account, name=f"Токен {n}")
    five = count_queries(lambda: client.get(CHANGELIST))

    for n in range(45):
        _issue(make_client() if n % 2 else account, name=f"Ещё {n}")
    fifty = count_queries(lambda: client.get(CHANGELIST))

    assert five == fifty
