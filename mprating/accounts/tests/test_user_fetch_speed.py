"""The signed-in user of every request: fetched by a statement compiled once (issue 13), with
the same user, the same client row and the same rules as the ORM's fetch."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mprating.accounts import backends
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import record_compiled_models

pytestmark = pytest.mark.django_db


def _orm_user(pk):
    return User.objects.select_related("client").filter(pk=pk).first()


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_the_fetched_client_user_is_the_orms_with_its_client_row():
    client = make_client()
    backend = backends.EmailOrPhoneBackend()

    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(client.user_id)
        assert user.client.pk == client.pk  # from the same statement
    assert len(queries) == 1

    expected = _orm_user(client.user_id)
    assert type(user) is User and not user._state.adding and user._state.db == "default"
    assert _fields(user) == _fields(expected)
    assert _fields(user.client) == _fields(expected.client)
    assert user.client.user is user
    orm_sql = str(backends._first_user_by_pk(client.user_id).query)
    assert queries.captured_queries[0]["sql"] == orm_sql


def test_a_staff_user_has_no_client_and_asking_costs_no_query():
    staff = make_staff(email="op@example.ru")
    user = backends.EmailOrPhoneBackend().get_user(staff.pk)
    assert _fields(user) == _fields(staff)
    with CaptureQueriesContext(connection) as queries, pytest.raises(Client.DoesNotExist):
        user.client  # noqa: B018
    assert not queries


def test_the_statement_is_compiled_once(monkeypatch):
    client = make_client()
    backend = backends.EmailOrPhoneBackend()
    backend.get_user(client.user_id)
    compiled = record_compiled_models(monkeypatch)
    assert backend.get_user(client.user_id).pk == client.user_id
    assert compiled == []


def test_an_unknown_or_inactive_user_is_none_and_an_odd_id_takes_the_orms_path():
    client = make_client()
    backend = backends.EmailOrPhoneBackend()
    assert backend.get_user(client.user_id + 1000) is None
    assert backend.get_user(str(client.user_id)).pk == client.user_id
    User.objects.filter(pk=client.user_id).update(is_active=False)
    assert backend.get_user(client.user_id) is None


def _sign_in(browser, user):
    browser.force_login(user, backend="mprating.accounts.backends.EmailOrPhoneBackend")
    session = browser.session
    assert session[SESSION_KEY] == str(user.pk)
    assert session[BACKEND_SESSION_KEY] and session[HASH_SESSION_KEY]


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    person = make_client()
    _sign_in(client, person.user)
    assert client.get(reverse("cabinet:profile")).status_code == 200

    User.objects.filter(pk=person.user_id).update(is_active=False)

    response = client.get(reverse("cabinet:profile"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_changed_user_row_is_seen_on_the_next_request(client):
    person = make_client()
    _sign_in(client, person.user)
    client.get(reverse("cabinet:profile"))

    User.objects.filter(pk=person.user_id).update(first_name="Аркадий")
    Client.objects.filter(pk=person.pk).update(markup_percent=7)

    response = client.get(reverse("cabinet:profile"))
    assert response.wsgi_request.user.first_name == "Аркадий"
    assert response.wsgi_request.user.client.markup_percent == 7
