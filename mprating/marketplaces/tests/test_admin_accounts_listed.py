"""Back office «Аккаунты»: the list reads the computed status and «выкупы» on the page's rows
only (`admin.common.PageColumnsMixin`, issue 13) and shows exactly what it showed when its
whole query carried them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mprating.core.testing import page_html, record_compiled_models
from mprating.marketplaces import services
from mprating.marketplaces.admin.accounts import MarketplaceAccountAdmin
from mprating.marketplaces.models import MarketplaceAccount
from mprating.marketplaces.tests.factories import make_account, make_operator

pytestmark = pytest.mark.django_db

LIST = "/backoffice/marketplaces/marketplaceaccount/"


@pytest.fixture
def browser(client):
    client.force_login(make_operator("operator@example.ru"))
    return client


def _accounts() -> None:
    make_account("ozon", name="active", days=100)
    make_account("ozon", name="soon", days=3)
    off = make_account("ozon", name="off")
    services.account_deactivate(account_id=off.pk, actor=None, reason="Бан")
    busy = make_account("wildberries", name="busy", days=10)
    services.account_take(account_id=busy.pk, actor=make_operator())
    ended = make_account("wildberries", name="ended")
    MarketplaceAccount.objects.filter(pk=ended.pk).update(
        service_until=timezone.localdate() - timedelta(days=1)
    )


def _page(browser, query: str) -> str:
    return page_html(browser, f"{LIST}{query}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?o=4",
        "?o=-4.2",
        "?o=7",
        "?buyouts=no",
        "?buyouts=yes",
        "?status=busy&o=5",
        "?_facets=1",
    ],
)
def test_the_list_is_the_same_as_with_the_columns_on_its_whole_query(browser, monkeypatch, query):
    _accounts()
    shown = _page(browser, query)

    # the list's root annotated as the admin's other pages read it
    monkeypatch.setattr(MarketplaceAccountAdmin, "listed_root", lambda self, request: False)
    assert _page(browser, query) == shown


def test_an_empty_list_compiles_nothing_of_the_accounts_on_a_second_visit(browser, monkeypatch):
    browser.get(LIST)
    compiled = record_compiled_models(monkeypatch)

    assert browser.get(LIST).status_code == 200

    # the count's statement kept (core.kept_queries), the rows not read: nothing compiled
    assert MarketplaceAccount not in compiled


def test_the_root_has_no_columns_and_the_page_rows_have_them(browser):
    _accounts()

    cl = browser.get(LIST).context["cl"]

    assert not cl.root_queryset.query.annotations
    assert {a.name: a.effective_status for a in cl.result_list} == {
        "active": "active",
        "soon": "active",
        "off": "inactive",
        "busy": "busy",
        "ended": "inactive",
    }
    assert {a.has_buyouts for a in cl.result_list} == {False}


def test_a_taken_account_shows_busy_on_the_next_visit(browser):
    account = make_account("ozon", name="free", days=100)
    before = [a.effective_status for a in browser.get(LIST).context["cl"].result_list]

    services.account_take(account_id=account.pk, actor=make_operator())

    after = [a.effective_status for a in browser.get(LIST).context["cl"].result_list]
    assert (before, after) == (["active"], ["busy"])
