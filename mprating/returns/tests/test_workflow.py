"""The workflow Новый → На рассмотрении → Одобрен / Отклонён → Получен на складе → Деньги
возвращены: every step, who may make it, nothing backwards, the history (who, when, comment),
the restock once, and the client's letters through the outbox."""

from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Offer, Warehouse
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.finance.models import DocumentType, EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.returns import services
from mprating.returns.models import ReturnRequest, ReturnStatus, ReturnStatusChange
from mprating.returns.services import statuses
from mprating.returns.tests.factories import (
    advance,
    make_return,
    manager,
    operator,
    shipped_line,
)
from mprating.returns.transitions import MOVES, move_for

pytestmark = pytest.mark.django_db
S = ReturnStatus


def _new_return(quantity=2, **policy):
    buyer = make_client(first_name="Ольга")
    line = shipped_line(buyer, quantity=quantity, **policy)
    return buyer, line, make_return(buyer, line, quantity=quantity)


def _status(request) -> str:
    return ReturnRequest.objects.get(pk=request.pk).status


def test_the_table_has_exactly_the_five_moves_of_the_workflow():
    assert [(m.source, m.target) for m in MOVES] == [
        (S.NEW, S.REVIEW),
        (S.REVIEW, S.APPROVED),
        (S.REVIEW, S.REJECTED),
        (S.APPROVED, S.RECEIVED),
        (S.RECEIVED, S.REFUNDED),
    ]


@pytest.mark.parametrize(
    ("path", "final"),
    [
        ([S.REVIEW], S.REVIEW),
        ([S.REVIEW, S.APPROVED], S.APPROVED),
        ([S.REVIEW, S.REJECTED], S.REJECTED),
        ([S.REVIEW, S.APPROVED, S.RECEIVED], S.RECEIVED),
    ],
)
def test_a_manager_moves_a_return_along_the_table_with_history(path, final):
    _, _, request = _new_return()
    boss = manager()

    for target in path:
        services.return_status_set(
            return_ids=[request.pk], status=target, by=boss, comment=f"шаг {target}"
        )

    assert _status(request) == final
    rows = list(ReturnStatusChange.objects.filter(request=request).order_by("changed_at", "id"))
    assert [row.status for row in rows] == [S.NEW, *path]
    assert rows[0].changed_by == request.client.user
    assert all(row.changed_by == boss for row in rows[1:])
    assert [row.comment.split(" · ")[0] for row in rows[1:]] == [f"шаг {t}" for t in path]


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        ([], S.APPROVED, "status_skipped"),
        ([], S.RECEIVED, "status_skipped"),
        ([S.REVIEW], S.NEW, "backwards"),
        ([S.REVIEW, S.APPROVED], S.REVIEW, "backwards"),
        ([S.REVIEW, S.APPROVED], S.REJECTED, "status_skipped"),
        ([S.REVIEW, S.REJECTED], S.APPROVED, "return_closed"),
        ([S.REVIEW, S.APPROVED, S.RECEIVED], S.APPROVED, "backwards"),
        ([], S.REFUNDED, "not_received"),
        ([S.REVIEW, S.APPROVED], S.REFUNDED, "not_received"),
    ],
)
def test_moves_outside_the_table_are_refused_and_change_nothing(path, target, code):
    _, _, request = _new_return()
    advance(request, *path, comment="по правилам")
    before = ReturnStatusChange.objects.count(), OutgoingEmail.objects.count()

    with pytest.raises(ApplicationError) as error:
        advance(request, target)

    assert error.value.code == code
    assert _status(request) == (path[-1] if path else S.NEW)
    assert (ReturnStatusChange.objects.count(), OutgoingEmail.objects.count()) == before


def test_a_refund_before_the_goods_are_received_says_why():
    _, _, request = _new_return()
    advance(request, S.REVIEW, S.APPROVED)

    with pytest.raises(ApplicationError) as error:
        advance(request, S.REFUNDED)

    assert error.value.message == (
        f"Возврат № {request.pk}: Деньги возвращаются только после того, как товар получен на "
        "складе. Сейчас возврат в статусе «Одобрен»."
    )


def test_the_client_cannot_move_a_return():
    buyer, _, request = _new_return()

    with pytest.raises(ApplicationError) as error:
        services.return_status_set(return_ids=[request.pk], status=S.REVIEW, by=buyer.user)

    assert error.value.code == "forbidden"
    assert _status(request) == S.NEW


@pytest.mark.parametrize("who", ["operator", "staff without a role", "nobody"])
def test_only_managers_move_returns(who):
    _, _, request = _new_return()
    by = {
        "operator": lambda: operator(),
        "staff without a role": lambda: make_staff(email="plain@example.ru"),
        "nobody": lambda: None,
    }[who]()

    with pytest.raises(ApplicationError) as error:
        services.return_status_set(return_ids=[request.pk], status=S.REVIEW, by=by)

    assert error.value.code == "forbidden"


def test_a_superuser_may_move_returns():
    _, _, request = _new_return()

    advance(request, S.REVIEW, by=make_staff(email="root@example.ru", superuser=True))

    assert _status(request) == S.REVIEW


def test_rejecting_needs_a_reason():
    _, _, request = _new_return()
    advance(request, S.REVIEW)

    with pytest.raises(ApplicationError) as error:
        advance(request, S.REJECTED, comment="   ")

    assert error.value.field == "comment"
    assert error.value.message == "Укажите причину: клиент её увидит."
    assert _status(request) == S.REVIEW


def test_the_same_step_twice_does_nothing_the_second_time():
    _, _, request = _new_return()
    advance(request, S.REVIEW)

    changes = services.return_status_set(return_ids=[request.pk], status=S.REVIEW, by=manager())

    assert changes == []
    assert ReturnStatusChange.objects.filter(request=request, status=S.REVIEW).count() == 1
    assert OutgoingEmail.objects.filter(subject__contains="На рассмотрении").count() == 1


def test_several_returns_move_all_or_none():
    buyer = make_client()
    first = make_return(buyer, shipped_line(buyer))
    second = make_return(buyer, shipped_line(buyer))
    advance(first, S.REVIEW)

    with pytest.raises(ApplicationError) as error:
        services.return_status_set(
            return_ids=[first.pk, second.pk], status=S.APPROVED, by=manager()
        )

    assert error.value.message.startswith(f"Возврат № {second.pk}:")
    assert "(и ещё 1)" in error.value.message
    assert _status(first) == S.REVIEW and _status(second) == S.NEW


def test_an_unknown_return_is_not_found():
    with pytest.raises(ApplicationError) as error:
        services.return_status_set(return_ids=[987654], status=S.REVIEW, by=manager())

    assert error.value.code == "not_found"


# ---- «Получен на складе»: the goods back on sale, once -------------------------------------


def _offer_of(line) -> Offer:
    return Offer.objects.get(pk=line.offer_id)


def test_received_goods_go_back_to_stock_once():
    _, line, request = _new_return(quantity=2, stock=20)
    stock_after_checkout = _offer_of(line).quantity
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    assert _offer_of(line).quantity == stock_after_checkout + 2
    request.refresh_from_db()
    assert request.restocked_at is not None
    row = ReturnStatusChange.objects.get(request=request, status=S.RECEIVED)
    assert row.comment == "Возвращено на склад: 2 шт."

    # the same step again (a second tab) gives nothing back a second time
    advance(request, S.RECEIVED)
    assert _offer_of(line).quantity == stock_after_checkout + 2


def test_goods_returned_as_defective_do_not_go_back_on_sale_by_default():
    buyer = make_client()
    line = shipped_line(buyer, quantity=1)
    request = make_return(buyer, line, reason_name="Брак")
    stock = _offer_of(line).quantity
    assert request.restock is False

    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    assert _offer_of(line).quantity == stock
    assert ReturnStatusChange.objects.get(request=request, status=S.RECEIVED).comment == (
        "На склад не возвращается."
    )


def test_the_manager_decides_about_the_stock_on_receipt():
    buyer = make_client()
    line = shipped_line(buyer, quantity=1)
    defective = make_return(buyer, line, reason_name="Брак")
    stock = _offer_of(line).quantity
    advance(defective, S.REVIEW, S.APPROVED)

    advance(defective, S.RECEIVED, restock=True, comment="Брак не подтвердился")

    assert _offer_of(line).quantity == stock + 1
    defective.refresh_from_db()
    assert defective.restock is True
    assert ReturnStatusChange.objects.get(request=defective, status=S.RECEIVED).comment == (
        "Брак не подтвердился · Возвращено на склад: 1 шт."
    )


def test_a_marketplace_buyout_never_goes_to_our_stock():
    buyer = make_client()
    line = shipped_line(buyer, quantity=1, kind=Warehouse.Kind.MARKETPLACE)
    request = make_return(buyer, line)
    assert request.restock is False
    advance(request, S.REVIEW, S.APPROVED)

    with pytest.raises(ApplicationError) as error:
        advance(request, S.RECEIVED, restock=True)

    assert error.value.code == "marketplace_restock"
    assert _status(request) == S.APPROVED

    advance(request, S.RECEIVED)
    assert _status(request) == S.RECEIVED


def test_an_offer_gone_from_the_price_list_is_noted_and_nothing_breaks():
    _, line, request = _new_return(quantity=1)
    Offer.objects.filter(pk=line.offer_id).delete()
    advance(request, S.REVIEW, S.APPROVED)

    advance(request, S.RECEIVED)

    request.refresh_from_db()
    assert request.status == S.RECEIVED and request.restocked_at is None
    assert (
        "остаток не изменён"
        in ReturnStatusChange.objects.get(request=request, status=S.RECEIVED).comment
    )


# ---- amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "quantity", "percent", "refund"),
    [
        ("1000.00", 2, "0", "2000.00"),
        ("1000.00", 2, "10", "1800.00"),
        ("333.33", 3, "15", "849.99"),  # 999.99 − 149.9985 → 849.9915 → 849.99
        ("0.05", 1, "50", "0.03"),  # half a kopeck rounds up
        ("2450.50", 1, "100", "0.00"),
    ],
)
def test_the_refund_is_price_times_quantity_minus_the_deduction(price, quantity, percent, refund):
    amount = services.refund_amount_for(
        unit_price=Decimal(price), quantity=quantity, deduction_percent=Decimal(percent)
    )

    assert amount == Decimal(refund)
    assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def test_the_return_keeps_the_amounts_of_its_line():
    buyer = make_client()
    line = shipped_line(buyer, quantity=3, price="5230.00", deduction="12.5")

    request = make_return(buyer, line, quantity=2)

    assert request.unit_price == Decimal("5230.00")
    assert request.deduction_percent == Decimal("12.50")
    assert request.refund_amount == Decimal("9152.50")  # 10 460 − 1 307.50
    assert request.deduction_amount == Decimal("1307.50")


# ---- letters ------------------------------------------------------------------------------


def test_every_step_writes_the_client_a_letter():
    buyer, line, request = _new_return(quantity=1, deduction="10", price="2000.00")
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    letters = list(OutgoingEmail.objects.filter(kind="return_status").order_by("pk"))

    assert [letter.subject for letter in letters] == [
        f"Возврат № {request.pk}: оформлен — {line.brand_name} {line.article}",
        f"Возврат № {request.pk}: На рассмотрении — {line.brand_name} {line.article}",
        f"Возврат № {request.pk}: Одобрен — {line.brand_name} {line.article}",
        f"Возврат № {request.pk}: Получен на складе — {line.brand_name} {line.article}",
    ]
    assert {letter.to for letter in letters} == {buyer.user.email}
    assert {letter.ref for letter in letters} == {f"returns.returnrequest:{request.pk}"}
    assert "Здравствуйте, Ольга!" in letters[0].body_text
    assert "Деньги вернутся на баланс: 1\u202f800,00\u00a0₽" in letters[3].body_text
    assert f"/cabinet/returns/{request.pk}/" in letters[3].body_text
    assert "1\u202f800,00\u00a0₽" in letters[3].body_html


def test_the_rejection_letter_carries_the_reason():
    _, _, request = _new_return()
    advance(request, S.REVIEW)
    advance(request, S.REJECTED, comment="Следы установки на автомобиль")

    letter = OutgoingEmail.objects.filter(kind="return_status").order_by("-pk").first()

    assert "Отклонён" in letter.subject
    assert "Комментарий менеджера: Следы установки на автомобиль" in letter.body_text


def test_no_letters_when_the_client_switched_them_off():
    buyer = make_client()
    services.return_letters_set(client=buyer, enabled=False)
    request = make_return(buyer, shipped_line(buyer))

    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    assert not OutgoingEmail.objects.filter(kind="return_status").exists()
    assert ReturnStatusChange.objects.filter(request=request).count() == 4

    services.return_letters_set(client=buyer, enabled=True)
    advance(request, S.RECEIVED)  # nothing to do
    assert not OutgoingEmail.objects.filter(kind="return_status").exists()


def test_letters_switched_off_by_one_client_still_go_to_another():
    quiet, loud = make_client(), make_client()
    services.return_letters_set(client=quiet, enabled=False)
    first = make_return(quiet, shipped_line(quiet))
    second = make_return(loud, shipped_line(loud))

    services.return_status_set(return_ids=[first.pk, second.pk], status=S.REVIEW, by=manager())

    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [
        loud.user.email,
        loud.user.email,
    ]


def test_move_for_is_pure_and_treats_the_current_status_as_no_move():
    assert move_for(S.REVIEW, S.REVIEW) is None
    assert move_for(S.RECEIVED, S.REFUNDED).effect == "refund"


# ---- «Деньги возвращены»: the refund to the balance, exactly once --------------------------


def _balance(client) -> Decimal:
    return client_balance(client.pk)


def test_the_refund_credits_the_balance_with_the_deduction_taken_off():
    buyer = make_client()
    line = shipped_line(buyer, quantity=3, price="333.33", deduction="15")
    request = make_return(buyer, line, quantity=3)
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)
    assert _balance(buyer) == Decimal("0.00")

    advance(request, S.REFUNDED)

    assert _balance(buyer) == Decimal("849.99")
    [entry] = LedgerEntry.objects.filter(client=buyer)
    assert entry.kind == EntryKind.RETURN_REFUND
    assert entry.credit == Decimal("849.99") and entry.debit == Decimal("0.00")
    assert entry.idempotency_key == f"return:{request.pk}:refund"
    assert (entry.document_type, entry.document_id) == (DocumentType.RETURN, str(request.pk))
    assert entry.document_label == f"Возврат № {request.pk}"
    assert entry.created_by == manager()
    request.refresh_from_db()
    assert request.status == S.REFUNDED and request.refunded_at is not None
    assert ReturnStatusChange.objects.get(request=request, status=S.REFUNDED).comment == (
        "Зачислено на баланс: 849,99\u00a0₽."
    )


def test_the_refund_happens_once_however_often_it_is_submitted():
    buyer = make_client()
    request = make_return(buyer, shipped_line(buyer, quantity=1, price="1200.00"))
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    for _ in range(3):
        advance(request, S.REFUNDED)

    assert _balance(buyer) == Decimal("1200.00")
    assert LedgerEntry.objects.filter(client=buyer).count() == 1
    assert ReturnStatusChange.objects.filter(request=request, status=S.REFUNDED).count() == 1


def test_a_refund_that_failed_changes_nothing(monkeypatch):
    buyer = make_client()
    request = make_return(buyer, shipped_line(buyer, quantity=1))
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)

    def down(**kwargs):
        raise ApplicationError("ledger_down", "Учёт недоступен, попробуйте позже.")

    monkeypatch.setattr(statuses, "balance_credit", down)
    with pytest.raises(ApplicationError):
        advance(request, S.REFUNDED)

    request.refresh_from_db()
    assert request.status == S.RECEIVED and request.refunded_at is None
    assert not ReturnStatusChange.objects.filter(request=request, status=S.REFUNDED).exists()


def test_a_full_deduction_refunds_nothing_and_still_closes_the_return():
    buyer = make_client()
    request = make_return(buyer, shipped_line(buyer, quantity=1, deduction="100"))
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED, S.REFUNDED)

    assert _status(request) == S.REFUNDED
    assert not LedgerEntry.objects.exists()
    assert (
        "зачислять на баланс нечего"
        in ReturnStatusChange.objects.get(request=request, status=S.REFUNDED).comment
    )


def test_the_refund_letter_names_the_sum():
    buyer = make_client()
    request = make_return(buyer, shipped_line(buyer, quantity=1, price="2450.50"))
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED, S.REFUNDED)

    letter = OutgoingEmail.objects.filter(kind="return_status").order_by("-pk").first()

    assert "Деньги возвращены" in letter.subject
    assert "На ваш баланс зачислено 2\u202f450,50\u00a0₽." in letter.body_text
