"""«Клиенты» and «Пользователи» read their page through a statement kept per exact query state
(issue 13, `admin_people.kept_listed_page`): the statement is not compiled again for the same
URL, no model `__init__` runs for the rows, a change shows on the next request, and the page is
the same as the page read as Django reads it."""

import re

import pytest
from django.urls import reverse

from mprating.accounts import admin as accounts_admin
from mprating.accounts import services
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import record_compiled_models

pytestmark = pytest.mark.django_db

CLIENTS = reverse("admin:accounts_client_changelist")
USERS = reverse("admin:accounts_user_changelist")
# The same query states visited in turn: filtered, searched, sorted, a second page.
CLIENT_STATES = [
    {},
    {"active": "yes"},
    {"active": "no"},
    {"q": "Захаров"},
    {"q": "+7 903 555-01-01"},
    {"o": "-2.5"},
    {"o": "6"},
    {"p": "2"},
    {"created_at_from": "01.01.2020", "created_at_to": "31.12.2099", "o": "1"},
]
USER_STATES = [
    {},
    {"is_staff__exact": "1"},
    {"is_active__exact": "0"},
    {"q": "petrov"},
    {"o": "-2"},
    {"p": "2"},
]


@pytest.fixture
def people():
    make_client(last_name="Захаров", email="petrov@example.ru", phone="+79035550101")
    blocked = make_client(last_name="Иванов <b>", email="ivanov@example.ru", company_name="ООО «Ё»")
    actor = make_staff(email="ops@example.ru")
    services.client_set_active(client_id=blocked.pk, active=False, reason="проверка", actor=actor)
    for number in range(4):
        make_client(email=f"c{number}@example.ru", middle_name="", company_name="")


BLOCKED = re.compile(r'data-label="доступ"><span [^>]*>Заблокирован<')


def _page(client, url, params) -> str:
    html = client.get(url, params).content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r'\1""', html)


@pytest.mark.parametrize(("url", "states"), [(CLIENTS, CLIENT_STATES), (USERS, USER_STATES)])
def test_the_page_is_the_page_read_as_before(boss_browser, people, monkeypatch, url, states):
    monkeypatch.setattr(accounts_admin.ClientAdmin, "list_per_page", 2)
    monkeypatch.setattr(accounts_admin.UserAdmin, "list_per_page", 2)
    kept = [_page(boss_browser, url, params) for params in states]
    again = [_page(boss_browser, url, params) for params in states]  # now from the kept statements

    monkeypatch.setattr(accounts_admin.ClientChangeList, "rows_from_url", False)
    monkeypatch.setattr(accounts_admin.UserChangeList, "rows_from_url", False)
    # «доступ» as a `label=` column again (`ClientAdmin.access`), through the planned cells
    monkeypatch.setattr(
        accounts_admin.ClientAdmin, "get_list_display", lambda self, request: self.list_display
    )
    plain = [_page(boss_browser, url, params) for params in states]

    assert kept == plain
    assert again == plain
    assert any("Иванов &lt;b&gt;" in page for page in kept)  # escaped as before
    assert all(page.count('class="data-row') for page in kept[:2])


@pytest.mark.parametrize(
    ("url", "params", "model"),
    [
        (CLIENTS, {}, Client),
        (CLIENTS, {"active": "yes", "q": "example", "o": "-5"}, Client),
        (USERS, {}, User),
        (USERS, {"is_staff__exact": "0", "q": "example", "o": "3.1"}, User),
    ],
)
def test_the_rows_statement_is_compiled_once_per_query_state(
    boss_browser, people, monkeypatch, url, params, model
):
    from mprating.core import kept_queries

    # what an earlier test kept (the same query state) would leave nothing to compile
    monkeypatch.setattr(kept_queries, "_pages", kept_queries.Kept(limit=500))
    first = record_compiled_models(monkeypatch)
    boss_browser.get(url, params)
    compiled_first = first.count(model)
    first.clear()

    boss_browser.get(url, params)

    # The rows' statement is kept; a filtered list's counts are still compiled (Django's).
    assert first.count(model) == compiled_first - 1
    if not params:
        assert first.count(model) == 0


def test_the_rows_are_not_built_through_the_models_init(boss_browser, people, monkeypatch):
    """Nothing listens to `Client`'s or `User`'s init: the rows skip `from_db` and `__init__`
    (`core.compiled`), the signed-in user's fetch too."""
    from django.db.models import Model

    built = []
    original = Model.from_db.__func__

    def from_db(cls, db, field_names, values):
        built.append(cls)
        return original(cls, db, field_names, values)

    monkeypatch.setattr(Model, "from_db", classmethod(from_db))
    boss_browser.get(CLIENTS)
    boss_browser.get(USERS)
    built.clear()

    clients = boss_browser.get(CLIENTS).content.decode()
    users = boss_browser.get(USERS).content.decode()

    assert built.count(Client) == built.count(User) == 0
    assert clients.count('class="data-row') == Client.objects.count() == 6
    assert users.count('class="data-row') == User.objects.count() == 8


def test_a_change_shows_on_the_next_request(boss_browser, people):
    petrov = Client.objects.get(user__email="petrov@example.ru")
    before = boss_browser.get(CLIENTS).content.decode()
    assert "Захаров" in before
    assert len(BLOCKED.findall(before)) == 1

    User.objects.filter(pk=petrov.user_id).update(last_name="Тимофеев", email="sid@example.ru")
    Client.objects.filter(pk=petrov.pk).update(company_name="ООО Новое")
    actor = User.objects.get(email="ops@example.ru")
    services.client_set_active(client_id=petrov.pk, active=False, reason="тест", actor=actor)
    make_client(last_name="Новенький", email="new@example.ru")

    after = boss_browser.get(CLIENTS).content.decode()
    users = boss_browser.get(USERS).content.decode()

    assert "Захаров" not in after
    assert len(BLOCKED.findall(after)) == 2
    assert "Тимофеев" in after and "sid@example.ru" in after and "ООО Новое" in after
    assert "Новенький" in after
    assert after.count('class="data-row') == 7
    assert "sid@example.ru" in users and "petrov@example.ru" not in users


def test_the_page_of_a_post_is_not_read(boss_browser, people, rf):
    """An action's POST builds the list without showing it: nothing of the page is read."""
    from django.contrib import admin

    request = rf.get(CLIENTS)
    request.user = User.objects.get(email="boss@example.ru")
    for model in (Client, User):
        changelist = admin.site._registry[model].get_changelist_instance(request)
        assert changelist.result_list._result_cache is None


def test_the_access_badge_is_made_once_not_per_row(boss_browser, people, monkeypatch):
    from unfold import utils as unfold_utils
    from unfold.templatetags import unfold_list

    boss_browser.get(CLIENTS)
    made = []
    original = unfold_list.display_for_label

    def counting(*args):
        made.append(args)
        return original(*args)

    monkeypatch.setattr(unfold_list, "display_for_label", counting)
    monkeypatch.setattr(unfold_utils, "display_for_label", counting)

    page = boss_browser.get(CLIENTS).content.decode()

    assert made == []
    assert len(BLOCKED.findall(page)) == 1
    assert page.count('data-label="доступ"><span class="mp-l mp-green" >Активен</span>') == 5


def test_a_popup_lists_access_as_unfold_does(boss_browser, people, monkeypatch):
    popup = _page(boss_browser, CLIENTS, {"_popup": "1"})
    monkeypatch.setattr(
        accounts_admin.ClientAdmin, "get_list_display", lambda self, request: self.list_display
    )

    assert popup == _page(boss_browser, CLIENTS, {"_popup": "1"})
    assert popup.count("Активен") >= 5


def test_the_groups_filter_reads_the_groups_without_compiling_their_query(
    boss_browser, people, monkeypatch
):
    from django.contrib.auth.models import Group

    boss_browser.get(USERS)
    compiled = record_compiled_models(monkeypatch)

    page = _page(boss_browser, USERS, {})
    Group.objects.create(name="Новая роль <b>")
    with_new = _page(boss_browser, USERS, {})

    assert Group not in compiled
    assert "Новая роль &lt;b&gt;" not in page and "Новая роль &lt;b&gt;" in with_new
    monkeypatch.setattr(
        accounts_admin.UserAdmin, "list_filter", ["is_staff", "is_superuser", "is_active", "groups"]
    )
    assert with_new == _page(boss_browser, USERS, {})  # Django's own filter of the groups


def test_a_date_filter_gets_a_statement_per_time_zone(boss_browser, people, monkeypatch):
    """A typed day starts at midnight of the current time zone: another zone is another
    statement, and each gives the page Django gives."""
    from django.utils import timezone

    from mprating.core import kept_queries

    monkeypatch.setattr(kept_queries, "_pages", kept_queries.Kept(limit=500))
    params = {"created_at_from": timezone.localdate().strftime("%d.%m.%Y")}
    pages = {}
    for zone in ("Europe/Moscow", "Etc/GMT+12"):
        with timezone.override(zone):
            pages[zone] = _page(boss_browser, CLIENTS, params)
    monkeypatch.setattr(accounts_admin.ClientChangeList, "rows_from_url", False)

    assert len(kept_queries._pages) == 2
    for zone, page in pages.items():
        with timezone.override(zone):
            assert page == _page(boss_browser, CLIENTS, params)
