"""Client flows that need two sibling apps at once, so only a floor above both may run them.

`package_buy`: a package paid from the balance is billing's purchase and finance's ledger
charge, and the two must happen together or not at all — a paid package without its charge
gives requests away, a charge without its package takes money for nothing. billing and
finance are siblings on floor 3 and never import each other (DESIGN.md §3), so neither can own
this flow; the cabinet (floor 7) calls each owner's service inside ONE transaction.
"""

import uuid

from django.db import transaction

from mprating.accounts.models import Client
from mprating.billing import services as billing
from mprating.billing.models import PackagePurchase, PurchaseMethod, PurchaseStatus
from mprating.core.errors import ApplicationError
from mprating.finance.models import DocumentType, EntryKind
from mprating.finance.services import Document, balance_charge

INSUFFICIENT_HINT = "Пополните баланс или выберите оплату по счёту."


@transaction.atomic
def package_buy(
    *, client: Client, package_id: object, method: str, idempotency_key: uuid.UUID
) -> PackagePurchase:
    """The client buys a package (cabinet «Пакеты»), from the balance or by invoice.

    By invoice: the purchase waits «Ожидает оплаты» for the operator (billing alone). From the
    balance, in one transaction: billing makes the purchase, finance charges its price
    (`EntryKind.PACKAGE_PURCHASE`, key `package-purchase:<purchase id>`) — refused below the
    credit limit with «Недостаточно средств …», and then nothing at all is written — and
    billing marks it paid, valid from now. The same `idempotency_key` (the buy form's) gives
    the first purchase back: a double submit makes one purchase and one charge.
    """
    purchase = billing.package_purchase_create(
        client=client, package_id=package_id, payment_method=method, idempotency_key=idempotency_key
    )
    if (
        purchase.payment_method != PurchaseMethod.BALANCE
        or purchase.status != PurchaseStatus.AWAITING_PAYMENT
    ):
        return purchase
    try:
        balance_charge(
            client_id=client.pk,
            amount=purchase.price,
            document=Document(
                DocumentType.PACKAGE,
                str(purchase.pk),
                f"Пакет «{purchase.name}», {purchase.number}",
            ),
            idempotency_key=f"package-purchase:{purchase.pk}",
            kind=EntryKind.PACKAGE_PURCHASE,
            by=client.user,
        )
    except ApplicationError as error:
        if error.code != "insufficient_funds":
            raise
        raise ApplicationError(error.code, f"{error.message} {INSUFFICIENT_HINT}") from None
    return billing.package_purchase_paid_from_balance(purchase_id=purchase.pk, by=client.user)
