"""Every write of billing: packages (back office), purchases, and the quota orders use.

Seed 000 «Монетизация» and «Видеть их покупки (покупки пакетов)». A package sells a number of
requests (заявки, seed 000 «Управление Заявками» calls an order a заявка) valid for a number of
days after payment.

- Packages are created and changed by operators (`package_create`, `package_update`,
  `package_sale_set`); every change goes to the package's history (who, when, what).
- A purchase is made by the client (`package_purchase_create`): paid from the balance at once
  — in ONE transaction with the ledger charge, which billing cannot write because finance is
  its sibling on floor 3, so that flow lives one floor up in `cabinet.services.package_buy` —
  or by invoice: it waits «Ожидает оплаты» until an operator confirms the payment
  (`package_purchases_confirm_payment`); it is valid from the moment it is paid. An unpaid
  purchase may be cancelled by the operator or by the client.
- Checkout takes one request per order (`package_quota_use`) in its own transaction.

A used request is never given back: the order (заявка) was placed and worked on, whatever
became of its lines — a refusal is one of the outcomes of that work, and its money is
returned by finance, not its request. (There is no «cancel an order before anything» in the
system: lines are refused one by one.)
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.billing.models import (
    Package,
    PackageChange,
    PackagePurchase,
    PurchaseChange,
    PurchaseMethod,
    PurchaseStatus,
)
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record, history_record_many
from mprating.core.money import format_rub

PACKAGE_REQUIRED_MESSAGE = (
    "Для оформления заказа нужен действующий пакет заявок: у вас нет пакета с оставшимися "
    "заявками. Купите пакет в разделе «Пакеты»."
)
PURCHASE_NOT_FOUND = "Покупка пакета не найдена."
REASON_MAX = 500


def packages_required() -> bool:
    """`BILLING_PACKAGES_REQUIRED`: whether an order needs a valid package (default: no)."""
    return settings.BILLING_PACKAGES_REQUIRED


# ---- packages (back office) ------------------------------------------------------------------


@dataclass(frozen=True)
class PackageData:
    """The fields of a package as the operator types them."""

    name: str
    price: Decimal
    requests_included: int
    validity_days: int
    description: str = ""
    is_on_sale: bool = True
    sort_order: int = 100


TRACKED = [
    ("name", "название"),
    ("description", "описание"),
    ("price", "цена"),
    ("requests_included", "заявок"),
    ("validity_days", "срок, дней"),
    ("is_on_sale", "в продаже"),
    ("sort_order", "порядок"),
]


def _shown(field: str, value) -> str:
    if field == "price":
        return format_rub(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value) if value != "" else "—"


def _validated(package: Package) -> None:
    """The model's own validation (constraints and field rules) as one Russian message."""
    try:
        package.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        message = messages[0]
        if field == "__all__":
            field = None
        raise ApplicationError("package_invalid", message, field=field) from None


def _apply(package: Package, data: PackageData) -> list[str]:
    """Set the fields; returns «поле: было → стало» for those that changed."""
    changes = []
    for field, label in TRACKED:
        new = getattr(data, field)
        if field in ("name", "description"):
            new = (new or "").strip()
        old = getattr(package, field)
        if package.pk is not None and old != new:
            changes.append(f"{label}: {_shown(field, old)} → {_shown(field, new)}")
        setattr(package, field, new)
    return changes


@transaction.atomic
def package_create(*, data: PackageData, by: User | None) -> Package:
    """A new package on the price list (on sale unless told otherwise)."""
    package = Package()
    _apply(package, data)
    _validated(package)
    package.save()
    history_record(
        PackageChange,
        by=by,
        package=package,
        comment=f"Пакет создан: {package.price_label}, {package.requests_label}, "
        f"{package.validity_label}" + ("" if package.is_on_sale else ", не в продаже"),
    )
    return package


@transaction.atomic
def package_update(*, package_id: int, data: PackageData, by: User | None) -> Package:
    """Change a package. Purchases already made keep what they bought (they hold a copy)."""
    package = Package.objects.select_for_update().filter(pk=package_id).first()
    if package is None:
        raise NotFound("Пакет не найден.")
    changes = _apply(package, data)
    if not changes:
        return package
    _validated(package)
    package.save()
    history_record(PackageChange, by=by, package=package, comment="; ".join(changes))
    return package


@transaction.atomic
def package_sale_set(*, package_ids: list[int], on_sale: bool, by: User | None) -> int:
    """Put packages on sale or take them off («в продаже»). Returns how many changed."""
    packages = list(
        Package.objects.select_for_update()
        .filter(pk__in=package_ids)
        .exclude(is_on_sale=on_sale)
        .order_by("pk")
    )
    if not packages:
        return 0
    Package.objects.filter(pk__in=[p.pk for p in packages]).update(is_on_sale=on_sale)
    comment = "Возвращён в продажу" if on_sale else "Снят с продажи"
    history_record_many(PackageChange, [{"package": p} for p in packages], by=by, comment=comment)
    return len(packages)


@transaction.atomic
def package_delete(*, package_id: int, by: User | None) -> None:
    """Delete a package nobody has bought (a mistake); one that was bought stays — take it
    off sale instead, its purchases keep pointing at it."""
    package = Package.objects.select_for_update().filter(pk=package_id).first()
    if package is None:
        raise NotFound("Пакет не найден.")
    if PackagePurchase.objects.filter(package=package).exists():
        raise ApplicationError(
            "package_bought",
            f"Пакет «{package.name}» уже покупали: удалить его нельзя, снимите его с продажи.",
        )
    package.delete()


# ---- purchases -----------------------------------------------------------------------------


def _existing(client: Client, key: uuid.UUID) -> PackagePurchase | None:
    return PackagePurchase.objects.filter(client=client, idempotency_key=key).first()


@transaction.atomic
def package_purchase_create(
    *, client: Client, package_id: object, payment_method: str, idempotency_key: uuid.UUID
) -> PackagePurchase:
    """The client orders a package: a purchase «Ожидает оплаты» with the package copied.

    The same `idempotency_key` (the buy form's) returns the first purchase, whatever its
    state now. Paid by invoice, it waits for the operator; paid from the balance, the caller
    (`cabinet.services.package_buy`) charges the balance and marks it paid in the same
    transaction.
    """
    existing = _existing(client, idempotency_key)
    if existing is not None:
        return existing
    if payment_method not in PurchaseMethod.values:
        raise ApplicationError("invalid_payment_method", "Выберите способ оплаты.", field="method")
    try:
        pk = int(package_id)
    except (TypeError, ValueError):
        pk = 0
    package = Package.objects.filter(pk=pk, is_on_sale=True).first()
    if package is None:
        raise ApplicationError(
            "package_not_on_sale",
            "Этот пакет больше не продаётся. Обновите страницу и выберите другой.",
            field="package",
        )
    try:
        with transaction.atomic():
            purchase = PackagePurchase.objects.create(
                client=client,
                package=package,
                name=package.name,
                price=package.price,
                requests_total=package.requests_included,
                requests_left=package.requests_included,
                validity_days=package.validity_days,
                payment_method=payment_method,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # A twin submit of the same form committed between our check and our insert.
        existing = _existing(client, idempotency_key)
        if existing is None:
            raise
        return existing
    history_record(
        PurchaseChange,
        by=client.user,
        purchase=purchase,
        status=purchase.status,
        comment=f"Оформлена покупка, оплата: {purchase.get_payment_method_display().lower()}",
    )
    return purchase


def _locked(purchase_ids: list[int]) -> list[PackagePurchase]:
    return list(
        PackagePurchase.objects.select_for_update().filter(pk__in=purchase_ids).order_by("pk")
    )


def _pay(purchase: PackagePurchase, *, by: User | None, at: datetime, comment: str) -> None:
    purchase.status = PurchaseStatus.PAID
    purchase.paid_at = at
    purchase.valid_until = at + timedelta(days=purchase.validity_days)
    if purchase.payment_method == PurchaseMethod.INVOICE:
        purchase.confirmed_by = by
    purchase.save(update_fields=["status", "paid_at", "valid_until", "confirmed_by"])
    history_record(
        PurchaseChange, by=by, purchase=purchase, status=purchase.status, comment=comment, at=at
    )


@transaction.atomic
def package_purchase_paid_from_balance(*, purchase_id: int, by: User | None) -> PackagePurchase:
    """Mark a purchase paid from the balance, valid from now. Called by
    `cabinet.services.package_buy` after the ledger charge, in the same transaction; a purchase
    already paid is returned as it is (a retried call)."""
    [purchase] = _locked([purchase_id]) or [None]
    if purchase is None:
        raise NotFound(PURCHASE_NOT_FOUND)
    if purchase.status == PurchaseStatus.PAID:
        return purchase
    if (
        purchase.status != PurchaseStatus.AWAITING_PAYMENT
        or purchase.payment_method != PurchaseMethod.BALANCE
    ):
        raise ApplicationError(
            "purchase_not_payable", f"Покупку {purchase.number} нельзя оплатить с баланса."
        )
    _pay(purchase, by=by, at=timezone.now(), comment="Оплачен с баланса")
    return purchase


def _refuse_unless_awaiting(purchases: list[PackagePurchase], *, what: str) -> None:
    bad = [p for p in purchases if p.status != PurchaseStatus.AWAITING_PAYMENT]
    if bad:
        first = bad[0]
        more = f" и ещё {len(bad) - 1}" if len(bad) > 1 else ""
        raise ApplicationError(
            "purchase_not_awaiting",
            f"Покупка {first.number}{more} — «{first.get_status_display()}»: {what} можно только "
            "покупку, ожидающую оплаты. Ничего не изменено.",
        )


@transaction.atomic
def package_purchases_confirm_payment(*, purchase_ids: list[int], by: User) -> int:
    """The operator confirms that the invoices were paid: each purchase becomes paid and
    valid from now, with who confirmed it. All or nothing: a purchase not awaiting payment
    stops the whole call. Returns how many were confirmed."""
    purchases = _locked(purchase_ids)
    if len(purchases) != len(set(purchase_ids)):
        raise NotFound(PURCHASE_NOT_FOUND)
    _refuse_unless_awaiting(purchases, what="подтвердить оплату")
    now = timezone.now()
    for purchase in purchases:
        _pay(purchase, by=by, at=now, comment="Оплата по счёту подтверждена")
    return len(purchases)


def _cancel(purchases: list[PackagePurchase], *, by: User | None, comment: str) -> int:
    now = timezone.now()
    PackagePurchase.objects.filter(pk__in=[p.pk for p in purchases]).update(
        status=PurchaseStatus.CANCELLED, cancelled_at=now
    )
    history_record_many(
        PurchaseChange,
        [{"purchase": p, "status": PurchaseStatus.CANCELLED} for p in purchases],
        by=by,
        comment=comment,
        at=now,
    )
    return len(purchases)


@transaction.atomic
def package_purchases_cancel(*, purchase_ids: list[int], by: User, reason: str) -> int:
    """The operator cancels purchases awaiting payment (an invoice that will not be paid),
    with a reason for the history. A paid purchase cannot be cancelled here: its money is in
    the ledger, and a refund is a balance correction in «Финансы». All or nothing."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError("reason_required", "Укажите причину отмены.", field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            "reason_too_long", f"Причина не длиннее {REASON_MAX} символов.", field="reason"
        )
    purchases = _locked(purchase_ids)
    if len(purchases) != len(set(purchase_ids)):
        raise NotFound(PURCHASE_NOT_FOUND)
    _refuse_unless_awaiting(purchases, what="отменить")
    return _cancel(purchases, by=by, comment=f"Отменена: {reason}")


@transaction.atomic
def package_purchase_cancel_own(*, client: Client, purchase_id: object) -> PackagePurchase:
    """The client cancels their own purchase awaiting payment by invoice; another client's id
    reads as «not found». Cancelling it twice changes nothing."""
    try:
        pk = int(purchase_id)
    except (TypeError, ValueError):
        pk = 0
    purchase = PackagePurchase.objects.select_for_update().filter(pk=pk, client=client).first()
    if purchase is None:
        raise NotFound(PURCHASE_NOT_FOUND)
    if purchase.status == PurchaseStatus.CANCELLED:
        return purchase
    _refuse_unless_awaiting([purchase], what="отменить")
    _cancel([purchase], by=client.user, comment="Отменена клиентом")
    purchase.refresh_from_db()
    return purchase


# ---- quota ---------------------------------------------------------------------------------


def package_quota_use(*, client: Client, at: datetime | None = None) -> PackagePurchase | None:
    """Take ONE request for an order being placed; returns the purchase it came from.

    The request comes from the client's OLDEST paid purchase (earliest payment) that is still
    valid at `at` (default now; valid strictly before `valid_until`) and has requests left.
    All such purchases of the client are locked in primary-key order first (a client has a
    handful), then the chosen one goes down by one with `F()`: two checkouts at once take
    two different requests, never the last one twice. Called inside checkout's transaction,
    so an order that fails gives its request back by rolling back (no savepoint of its own,
    issue 13: the refusal below is raised after the atomic block, when nothing was written).

    No such purchase: with `BILLING_PACKAGES_REQUIRED` the order is refused with a Russian
    message pointing to «Пакеты»; without it (the default) the order goes on uncovered and
    None is returned. A client who has a package uses it either way, so the package counts
    every order placed while it is valid.
    """
    now = at or timezone.now()
    with transaction.atomic(savepoint=False):
        candidates = list(
            PackagePurchase.objects.select_for_update()
            .filter(
                client=client, status=PurchaseStatus.PAID, valid_until__gt=now, requests_left__gt=0
            )
            .order_by("pk")
        )
        if candidates:
            purchase = min(candidates, key=lambda p: (p.paid_at, p.pk))
            PackagePurchase.objects.filter(pk=purchase.pk).update(
                requests_left=F("requests_left") - 1
            )
    if not candidates:
        if packages_required():
            raise ApplicationError("package_required", PACKAGE_REQUIRED_MESSAGE)
        return None
    purchase.requests_left -= 1
    return purchase
