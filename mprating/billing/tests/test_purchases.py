"""Packages (back office) and purchases: by invoice → confirmed, cancel, history."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing import services
from mprating.billing.models import (
    Package,
    PackageChange,
    PackagePurchase,
    PurchaseChange,
    PurchaseMethod,
    PurchaseStatus,
)
from mprating.billing.services import PackageData
from mprating.billing.tests.factories import make_package, order_by_invoice
from mprating.core.errors import ApplicationError, NotFound

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


def test_package_create_and_update_are_recorded_with_who_and_what(operator):
    # given
    package = services.package_create(
        data=PackageData(
            name=" Профи ", price=Decimal("4990.00"), requests_included=50, validity_days=90
        ),
        by=operator,
    )

    # when
    services.package_update(
        package_id=package.pk,
        data=PackageData(
            name="Профи",
            price=Decimal("5490.00"),
            requests_included=50,
            validity_days=90,
            is_on_sale=False,
        ),
        by=operator,
    )

    # then
    package.refresh_from_db()
    assert (package.name, package.price, package.is_on_sale) == ("Профи", Decimal("5490.00"), False)
    history = list(PackageChange.objects.filter(package=package).order_by("id"))
    assert history[0].comment == "Пакет создан: 4\u202f990,00\u00a0₽, 50 заявок, 90 дней"
    assert history[1].comment == (
        "цена: 4\u202f990,00\u00a0₽ → 5\u202f490,00\u00a0₽; в продаже: да → нет"
    )
    assert {h.changed_by for h in history} == {operator}


def test_package_with_bad_values_is_refused_in_russian_and_nothing_is_saved(operator):
    with pytest.raises(ApplicationError) as error:
        services.package_create(
            data=PackageData(
                name="Ноль", price=Decimal("0.00"), requests_included=0, validity_days=30
            ),
            by=operator,
        )
    assert error.value.code == "package_invalid"
    assert error.value.message in (
        "Цена пакета должна быть больше нуля.",
        "В пакете должна быть хотя бы одна заявка.",
    )
    assert not Package.objects.exists()


def test_package_sale_set_changes_only_those_that_differ(operator):
    # given
    on, off = make_package(), make_package(on_sale=False)

    # when
    changed = services.package_sale_set(package_ids=[on.pk, off.pk], on_sale=False, by=operator)

    # then
    assert changed == 1
    assert not Package.objects.filter(is_on_sale=True).exists()
    assert PackageChange.objects.filter(package=on, comment="Снят с продажи").count() == 1


def test_purchase_by_invoice_waits_then_operator_confirms_it_valid_from_then(operator):
    # given: ordered on 1 March by invoice
    client = make_client()
    package = make_package(name="Старт", price="990.00", requests=10, days=30)
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=MSK), tick=False):
        purchase = order_by_invoice(client, package)
    assert purchase.status == PurchaseStatus.AWAITING_PAYMENT
    assert (purchase.paid_at, purchase.valid_until) == (None, None)
    # the package changes later: the purchase keeps what was bought
    services.package_update(
        package_id=package.pk,
        data=PackageData(
            name="Старт", price=Decimal("1290.00"), requests_included=5, validity_days=10
        ),
        by=operator,
    )

    # when: the operator confirms the payment on 4 March
    paid_at = datetime(2026, 3, 4, 15, 30, tzinfo=MSK)
    with time_machine.travel(paid_at, tick=False):
        confirmed = services.package_purchases_confirm_payment(
            purchase_ids=[purchase.pk], by=operator
        )

    # then
    purchase.refresh_from_db()
    assert confirmed == 1
    assert purchase.status == PurchaseStatus.PAID
    assert purchase.paid_at == paid_at
    assert purchase.valid_until == paid_at + timedelta(days=30)
    assert (purchase.price, purchase.requests_total, purchase.requests_left) == (
        Decimal("990.00"),
        10,
        10,
    )
    assert purchase.confirmed_by == operator
    history = list(PurchaseChange.objects.filter(purchase=purchase).order_by("id"))
    assert [(h.status, h.changed_by) for h in history] == [
        (PurchaseStatus.AWAITING_PAYMENT, client.user),
        (PurchaseStatus.PAID, operator),
    ]
    assert history[1].comment == "Оплата по счёту подтверждена"


def test_confirm_is_all_or_nothing(operator):
    # given: one awaiting, one cancelled
    client = make_client()
    package = make_package()
    waiting = order_by_invoice(client, package)
    cancelled = order_by_invoice(client, package)
    services.package_purchases_cancel(purchase_ids=[cancelled.pk], by=operator, reason="Не оплачен")

    # when
    with pytest.raises(ApplicationError) as error:
        services.package_purchases_confirm_payment(
            purchase_ids=[waiting.pk, cancelled.pk], by=operator
        )

    # then
    assert "«Отменён»" in error.value.message
    waiting.refresh_from_db()
    assert waiting.status == PurchaseStatus.AWAITING_PAYMENT


def test_cancel_needs_a_reason_and_refuses_a_paid_purchase(operator):
    client = make_client()
    purchase = order_by_invoice(client, make_package())
    with pytest.raises(ApplicationError) as error:
        services.package_purchases_cancel(purchase_ids=[purchase.pk], by=operator, reason="  ")
    assert error.value.field == "reason"

    services.package_purchases_confirm_payment(purchase_ids=[purchase.pk], by=operator)
    with pytest.raises(ApplicationError) as error:
        services.package_purchases_cancel(purchase_ids=[purchase.pk], by=operator, reason="Ошибка")
    assert "«Оплачен»" in error.value.message
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PAID


def test_client_cancels_own_unpaid_purchase_and_not_somebody_elses():
    # given
    client, other = make_client(), make_client()
    purchase = order_by_invoice(client, make_package())

    # when / then: another client's id is «not found»
    with pytest.raises(NotFound):
        services.package_purchase_cancel_own(client=other, purchase_id=purchase.pk)
    cancelled = services.package_purchase_cancel_own(client=client, purchase_id=purchase.pk)
    assert cancelled.status == PurchaseStatus.CANCELLED
    assert cancelled.cancelled_at is not None
    # twice: nothing more
    services.package_purchase_cancel_own(client=client, purchase_id=purchase.pk)
    assert PurchaseChange.objects.filter(purchase=purchase).count() == 2


def test_same_form_key_makes_one_purchase():
    client = make_client()
    package = make_package()
    key = uuid.uuid4()
    first = services.package_purchase_create(
        client=client,
        package_id=package.pk,
        payment_method=PurchaseMethod.INVOICE,
        idempotency_key=key,
    )
    second = services.package_purchase_create(
        client=client,
        package_id=package.pk,
        payment_method=PurchaseMethod.INVOICE,
        idempotency_key=key,
    )
    assert first.pk == second.pk
    assert PackagePurchase.objects.count() == 1


def test_a_package_off_sale_cannot_be_bought():
    client = make_client()
    package = make_package(on_sale=False)
    with pytest.raises(ApplicationError) as error:
        order_by_invoice(client, package)
    assert error.value.code == "package_not_on_sale"
    assert not PackagePurchase.objects.exists()
