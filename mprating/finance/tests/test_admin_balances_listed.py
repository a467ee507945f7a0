"""Back office «Балансы клиентов»: the list counts the plain clients and reads the balance
columns on the page's rows only (`admin_accounts.ClientAccountChangeList`, issue 13), showing
exactly what it showed when its whole query carried them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from unfold.admin import ModelAdmin

from mprating.accounts import roles
from mprating.accounts.models import Client
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import page_html
from mprating.finance import services
from mprating.finance.admin_accounts import ClientAccountAdmin
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db
ACCOUNTS = "/backoffice/finance/clientaccount/"


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


def _clients() -> None:
    debtor = make_client(email="dolg@example.ru", last_name="Должников")
    services.credit_limit_set(client_id=debtor.pk, limit=Decimal("100"), by=None)
    charge(debtor, "60")
    rich = make_client(email="rich@example.ru", last_name="Богатов", company_name="ООО «Клад»")
    pay(rich, "1500")
    make_client(email="nol@example.ru", last_name="Нулев")


def _page(client, query: str) -> str:
    return page_html(client, f"{ACCOUNTS}{query}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?o=3",
        "?o=-4.1",
        "?o=-5",
        "?balance=debt",
        "?balance=positive&o=3",
        "?q=ООО",
        "?_facets=1",  # the filter's counts read the balances of every client
        "?_facets=1&balance=debt",
    ],
)
def test_the_list_is_the_same_as_with_the_balances_on_its_whole_query(
    client, manager, monkeypatch, query
):
    _clients()
    shown = _page(client, query)

    # the list's root annotated as the admin's other pages read it
    monkeypatch.setattr(
        ClientAccountAdmin, "get_changelist_instance", ModelAdmin.get_changelist_instance
    )
    assert _page(client, query) == shown


def test_the_count_does_not_join_the_balances_and_the_rows_have_them(client, manager):
    _clients()

    with CaptureQueriesContext(connection) as ctx:
        cl = client.get(ACCOUNTS).context["cl"]

    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"] and "accounts_client" in q["sql"]
    ]
    assert counts and all("finance_clientbalance" not in sql for sql in counts)
    assert not cl.root_queryset.query.annotations
    assert {c.listed_client_email: c.balance_value for c in cl.result_list} == {
        "dolg@example.ru": Decimal("-60.00"),
        "rich@example.ru": Decimal("1500.00"),
        "nol@example.ru": Decimal("0"),
    }


def test_a_new_payment_shows_on_the_next_visit(client, manager):
    _clients()
    before = {
        c.listed_client_email: c.balance_value
        for c in client.get(ACCOUNTS).context["cl"].result_list
    }

    pay(Client.objects.get(user__email="nol@example.ru"), "25")

    after = {
        c.listed_client_email: c.balance_value
        for c in client.get(ACCOUNTS).context["cl"].result_list
    }
    assert (before["nol@example.ru"], after["nol@example.ru"]) == (Decimal("0"), Decimal("25.00"))
