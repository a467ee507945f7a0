"""Demo data: four months of the demo client's money, so «Финансы» and the акт look real.

Payments, orders paid from the balance, refusal credits and a manager's correction, posted
through the services in date order (the credit limit is checked as in production). Every
entry has a fixed idempotency key, so running the seed again — on any later day — adds
nothing. A few other clients get a payment and an order each, for the back office lists.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.finance import services
from mprating.finance.models import DocumentType, EntryKind, LedgerEntry
from mprating.finance.services import Document

DEMO_CLIENT = "client@demo.mprating.ru"
DEMO_MANAGER = "manager@demo.mprating.ru"
CREDIT_LIMIT = Decimal("20000.00")
OTHER_CLIENTS = 6

# (days ago, hour, kind, amount, document number)
DEMO_LEDGER = [
    (120, 11, EntryKind.PAYMENT, "30000.00", "214"),
    (112, 15, EntryKind.ORDER_CHARGE, "8450.00", "100101"),
    (98, 10, EntryKind.ORDER_CHARGE, "12380.50", "100102"),
    (90, 17, EntryKind.REFUSAL_CREDIT, "1240.00", "100102"),
    (75, 12, EntryKind.PAYMENT, "15000.00", "287"),
    (61, 14, EntryKind.ORDER_CHARGE, "9870.00", "100103"),
    (45, 16, EntryKind.ORDER_CHARGE, "6120.40", "100104"),
    (40, 13, EntryKind.CORRECTION, "500.00", "100104"),
    (30, 10, EntryKind.PAYMENT, "10000.00", "331"),
    (21, 18, EntryKind.ORDER_CHARGE, "14300.00", "100105"),
    (12, 11, EntryKind.ORDER_CHARGE, "3780.00", "100106"),
    (9, 15, EntryKind.REFUSAL_CREDIT, "950.00", "100106"),
    (5, 9, EntryKind.PAYMENT, "5000.00", "362"),
    (3, 14, EntryKind.ORDER_CHARGE, "7430.90", "100107"),
    (1, 12, EntryKind.ORDER_CHARGE, "2150.00", "100108"),
]


def _moment(days: int, hour: int):
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _post(client: Client, key: str, kind: str, amount: Decimal, number: str, at, manager) -> None:
    if kind == EntryKind.PAYMENT:
        services.balance_credit(
            client_id=client.pk,
            amount=amount,
            document=Document(DocumentType.PAYMENT, number, f"П/п № {number} от {at:%d.%m.%Y}"),
            idempotency_key=key,
            occurred_at=at,
        )
    elif kind == EntryKind.REFUSAL_CREDIT:
        services.balance_credit(
            client_id=client.pk,
            amount=amount,
            kind=kind,
            document=Document(DocumentType.ORDER, number, f"Заказ MP-{number}"),
            idempotency_key=key,
            occurred_at=at,
        )
    elif kind == EntryKind.ORDER_CHARGE:
        services.balance_charge(
            client_id=client.pk,
            amount=amount,
            document=Document(DocumentType.ORDER, number, f"Заказ MP-{number}"),
            idempotency_key=key,
            occurred_at=at,
        )
    elif manager is not None:
        services.manual_correction(
            client_id=client.pk,
            amount=amount,
            reason=f"Компенсация доставки по заказу MP-{number}",
            by=manager,
            idempotency_key=key,
            occurred_at=at,
        )


def seed(*, stdout) -> None:
    client = Client.objects.filter(user__email=DEMO_CLIENT).first()
    if client is None:
        stdout.write(f"Финансы: клиента {DEMO_CLIENT} нет, пропущено.")
        return
    manager = User.objects.filter(email=DEMO_MANAGER).first()
    services.credit_limit_set(
        client_id=client.pk, limit=CREDIT_LIMIT, by=manager, comment="Демо: постоянный клиент"
    )
    before = LedgerEntry.objects.count()
    for index, (days, hour, kind, amount, number) in enumerate(DEMO_LEDGER, start=1):
        key = f"demo:finance:{DEMO_CLIENT}:{index}"
        _post(client, key, kind, Decimal(amount), number, _moment(days, hour), manager)
    others = Client.objects.exclude(pk=client.pk).order_by("user__email")[:OTHER_CLIENTS]
    for index, other in enumerate(others, start=1):
        key = f"demo:finance:{other.user.email}"
        payment, order = Decimal(5000 * index), Decimal(1750 * index + 99)
        _post(other, f"{key}:1", EntryKind.PAYMENT, payment, f"5{index:02d}", _moment(20, 10), None)
        _post(
            other,
            f"{key}:2",
            EntryKind.ORDER_CHARGE,
            order,
            f"2000{index:02d}",
            _moment(6, 15),
            None,
        )
    added = LedgerEntry.objects.count() - before
    stdout.write(f"Финансы: операций по балансу добавлено {added}, всего {before + added}.")
