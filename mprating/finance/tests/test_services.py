"""The ledger services: idempotency, the credit limit, corrections, the limit's history."""

from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError, NotFound
from mprating.finance import selectors, services
from mprating.finance.models import (
    ClientBalance,
    CreditLimitChange,
    DocumentType,
    EntryKind,
    LedgerEntry,
)
from mprating.finance.services import Document
from mprating.finance.tests.factories import charge, pay, post

pytestmark = pytest.mark.django_db

ORDER = Document(DocumentType.ORDER, "7", "Заказ MP-000007")


def test_a_payment_credits_the_balance_and_a_charge_debits_it():
    client = make_client()

    paid = pay(client, "1500.00")
    charged = charge(client, "400.50")

    assert (paid.credit, paid.debit) == (Decimal("1500.00"), Decimal("0.00"))
    assert (charged.debit, charged.credit) == (Decimal("400.50"), Decimal("0.00"))
    assert selectors.client_balance(client.pk) == Decimal("1099.50")
    assert charged.document == "Списание — " + charged.document_label


def test_a_client_without_entries_has_zero_balance_in_one_query(django_assert_num_queries):
    client = make_client()

    with django_assert_num_queries(1):
        assert selectors.client_balance(client.pk) == Decimal("0.00")


def test_the_same_key_twice_returns_the_first_entry_and_moves_the_balance_once():
    client = make_client()

    first = pay(client, "100", key="bank:pp-45")
    second = pay(client, "100", key="bank:pp-45")

    assert first.pk == second.pk
    assert LedgerEntry.objects.filter(client=client).count() == 1
    assert selectors.client_balance(client.pk) == Decimal("100.00")


def test_a_key_reused_for_another_amount_is_refused():
    client = make_client()
    pay(client, "100", key="bank:pp-46")

    with pytest.raises(ApplicationError) as error:
        pay(client, "200", key="bank:pp-46")

    assert error.value.code == "idempotency_conflict"
    assert selectors.client_balance(client.pk) == Decimal("100.00")


def test_a_charge_beyond_balance_and_limit_is_refused_and_writes_nothing():
    client = make_client()
    pay(client, "100")
    services.credit_limit_set(client_id=client.pk, limit=Decimal("50"), by=None)

    with pytest.raises(ApplicationError) as error:
        charge(client, "150.01")

    assert error.value.code == "insufficient_funds"
    assert error.value.message == (
        "Недостаточно средств: на балансе 100,00\u00a0₽, кредитный лимит 50,00\u00a0₽, "
        "к оплате 150,01\u00a0₽."
    )
    assert LedgerEntry.objects.filter(client=client).count() == 1
    assert selectors.client_balance(client.pk) == Decimal("100.00")


def test_a_charge_may_use_the_whole_credit_limit():
    client = make_client()
    services.credit_limit_set(client_id=client.pk, limit=Decimal("300"), by=None)

    charge(client, "300")

    assert selectors.client_balance(client.pk) == Decimal("-300.00")
    with pytest.raises(ApplicationError):
        charge(client, "0.01")


def test_a_retried_charge_is_returned_even_when_the_money_is_gone():
    client = make_client()
    pay(client, "100")
    first = charge(client, "100", key="order:1:charge")

    again = charge(client, "100", key="order:1:charge")

    assert again.pk == first.pk
    assert selectors.client_balance(client.pk) == Decimal("0.00")


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (EntryKind.PAYMENT, "-10"),
        (EntryKind.ORDER_CHARGE, "10"),
        (EntryKind.REFUSAL_CREDIT, "-1"),
        (EntryKind.PACKAGE_PURCHASE, "5"),
    ],
)
def test_the_sign_must_agree_with_the_kind(kind, amount):
    client = make_client()

    with pytest.raises(ApplicationError) as error:
        post(client, kind, amount)

    assert error.value.code == "amount_sign"
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "amount_zero"), ("10.001", "amount_precision"), ("1e13", "amount_too_big")],
)
def test_bad_amounts_are_refused(amount, code):
    client = make_client()

    with pytest.raises(ApplicationError) as error:
        post(client, EntryKind.PAYMENT, amount)

    assert error.value.code == code


def test_a_float_is_never_money():
    client = make_client()

    with pytest.raises(ApplicationError):
        services.balance_credit(
            client_id=client.pk, amount=10.5, document=ORDER, idempotency_key="float"
        )


def test_charges_and_credits_only_take_their_own_kinds():
    client = make_client()

    with pytest.raises(ApplicationError):
        services.balance_charge(
            client_id=client.pk,
            amount=Decimal("1"),
            document=ORDER,
            idempotency_key="k1",
            kind=EntryKind.PAYMENT,
        )
    with pytest.raises(ApplicationError):
        services.balance_credit(
            client_id=client.pk,
            amount=Decimal("1"),
            document=ORDER,
            idempotency_key="k2",
            kind=EntryKind.ORDER_CHARGE,
        )


def test_refusal_and_return_credits_and_a_package_purchase():
    client = make_client()
    pay(client, "1000")

    services.balance_credit(
        client_id=client.pk,
        amount=Decimal("120"),
        kind=EntryKind.REFUSAL_CREDIT,
        document=ORDER,
        idempotency_key="order:7:line:3:refusal",
    )
    services.balance_credit(
        client_id=client.pk,
        amount=Decimal("80"),
        kind=EntryKind.RETURN_REFUND,
        document=Document(DocumentType.RETURN, "4", "Возврат № 4"),
        idempotency_key="return:4:refund",
    )
    services.balance_charge(
        client_id=client.pk,
        amount=Decimal("500"),
        kind=EntryKind.PACKAGE_PURCHASE,
        document=Document(DocumentType.PACKAGE, "9", "Пакет «100 запросов»"),
        idempotency_key="package-purchase:9",
    )

    assert selectors.client_balance(client.pk) == Decimal("700.00")
    assert selectors.ledger_sum(client.pk) == Decimal("700.00")


def test_an_unknown_client_is_not_found():
    with pytest.raises(NotFound):
        services.balance_credit(
            client_id=987654, amount=Decimal("1"), document=ORDER, idempotency_key="nobody"
        )


def test_a_manual_correction_needs_a_reason():
    client = make_client()
    manager = make_staff(email="manager@example.ru")

    with pytest.raises(ApplicationError) as error:
        services.manual_correction(
            client_id=client.pk, amount=Decimal("10"), reason="  ", by=manager
        )

    assert error.value.code == "reason_required"
    assert error.value.field == "reason"
    assert not LedgerEntry.objects.exists()


def test_a_manual_correction_needs_a_person():
    client = make_client()

    with pytest.raises(ApplicationError) as error:
        services.manual_correction(
            client_id=client.pk, amount=Decimal("10"), reason="Компенсация доставки", by=None
        )

    assert error.value.code == "actor_required"


def test_a_manual_correction_records_who_and_why_and_may_go_below_the_limit():
    client = make_client()
    manager = make_staff(email="manager@example.ru")

    entry = services.manual_correction(
        client_id=client.pk,
        amount=Decimal("-250.00"),
        reason="Ошибочно зачисленная оплата",
        by=manager,
        idempotency_key="form:abc",
    )
    again = services.manual_correction(
        client_id=client.pk,
        amount=Decimal("-250.00"),
        reason="Ошибочно зачисленная оплата",
        by=manager,
        idempotency_key="form:abc",
    )

    assert again.pk == entry.pk
    assert entry.kind == EntryKind.CORRECTION
    assert entry.debit == Decimal("250.00")
    assert entry.created_by == manager
    assert entry.comment == "Ошибочно зачисленная оплата"
    assert entry.document == "Корректировка — Ошибочно зачисленная оплата"
    assert selectors.client_balance(client.pk) == Decimal("-250.00")


def test_the_credit_limit_change_is_recorded_with_who_and_why():
    client = make_client()
    manager = make_staff(email="manager@example.ru")

    services.credit_limit_set(
        client_id=client.pk, limit=Decimal("5000"), by=manager, comment="Постоянный клиент"
    )
    services.credit_limit_set(client_id=client.pk, limit=Decimal("5000"), by=manager)
    services.credit_limit_set(client_id=client.pk, limit=Decimal("1000"), by=manager)

    history = list(selectors.credit_limit_history(client_id=client.pk))
    assert [(h.old_limit, h.new_limit) for h in history] == [
        (Decimal("5000.00"), Decimal("1000.00")),
        (Decimal("0.00"), Decimal("5000.00")),
    ]
    assert history[1].changed_by == manager
    assert history[1].comment == "Постоянный клиент"
    assert ClientBalance.objects.get(client=client).credit_limit == Decimal("1000.00")
    assert selectors.balance_info(client.pk).available == Decimal("1000.00")


def test_a_negative_credit_limit_is_refused():
    client = make_client()

    with pytest.raises(ApplicationError) as error:
        services.credit_limit_set(client_id=client.pk, limit=Decimal("-1"), by=None)

    assert error.value.field == "limit"
    assert not CreditLimitChange.objects.exists()


def test_entries_have_no_update_path_in_the_services():
    """Immutable: the module offers posting, never editing or deleting an entry."""
    public = {name for name in dir(services) if not name.startswith("_")}

    assert not {n for n in public if n.startswith("ledger_") and n != "ledger_post"}
    assert not {n for n in public if "delete" in n or "update" in n}
