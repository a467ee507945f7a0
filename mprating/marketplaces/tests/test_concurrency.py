"""«Войти вручную» under real concurrency (PostgreSQL row locks; SQLite serializes writers)."""

import pytest
from django.db import connection

from mprating.core.errors import ApplicationError
from mprating.core.testing import run_together
from mprating.marketplaces import services
from mprating.marketplaces.models import AccountHistory, AccountStatus
from mprating.marketplaces.tests.factories import make_account, make_operator

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_operators_pressing_at_the_same_instant_exactly_one_gets_it():
    anna, boris = make_operator("anna@example.ru"), make_operator("boris@example.ru")
    for user, last in ((anna, "Аннина"), (boris, "Борисов")):
        user.last_name = last
        user.save()
    account = make_account("ozon")

    results = run_together(
        lambda: services.account_take(account_id=account.pk, actor=anna),
        lambda: services.account_take(account_id=account.pk, actor=boris),
    )

    taken = [r for r in results if isinstance(r, services.TakenAccount)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(taken) == 1 and len(refused) == 1, results
    winner = anna if results[0] is taken[0] else boris
    assert refused[0].code == "account_busy"
    assert winner.last_name in refused[0].message
    account.refresh_from_db()
    assert account.status == AccountStatus.BUSY and account.taken_by_id == winner.pk
    assert AccountHistory.objects.filter(account=account, event="taken").count() == 1


def test_a_release_and_a_take_at_the_same_instant_leave_a_consistent_account():
    holder, other = make_operator(), make_operator()
    account = make_account("wildberries")
    services.account_take(account_id=account.pk, actor=holder)

    results = run_together(
        lambda: services.account_release(account_id=account.pk, actor=holder),
        lambda: services.account_take(account_id=account.pk, actor=other),
    )

    account.refresh_from_db()
    if isinstance(results[1], services.TakenAccount):
        # the release went first: the other operator holds it now
        assert account.taken_by_id == other.pk and account.status == AccountStatus.BUSY
    else:
        assert results[1].code == "account_busy"
        assert account.taken_by_id is None and account.status == AccountStatus.ACTIVE
