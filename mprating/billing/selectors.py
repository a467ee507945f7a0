"""Reads of billing: the price list, a client's purchases and quota, the back office lists and
the revenue per month. Each is a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.billing.models import (
    Package,
    PackagePurchase,
    PurchaseChange,
    PurchaseMethod,
    PurchaseStatus,
    requests_label,
)
from mprating.core.history import history_of
from mprating.core.money import ZERO, to_money


def packages_on_sale() -> QuerySet[Package]:
    """What the cabinet «Пакеты» offers, in the operator's order."""
    return Package.objects.filter(is_on_sale=True).order_by("sort_order", "price", "id")


def purchases_for_client(*, client: Client) -> QuerySet[PackagePurchase]:
    """The client's own purchases, newest first (one query per page)."""
    return PackagePurchase.objects.filter(client=client).order_by("-created_at", "-id")


@dataclass(frozen=True)
class PackageState:
    """What the client's packages mean for the next order.

    `usable`: paid purchases still valid with requests left, in the order checkout takes them
    (oldest payment first); `required`: the store's setting `BILLING_PACKAGES_REQUIRED`.
    """

    usable: list[PackagePurchase] = field(default_factory=list)
    required: bool = False

    @property
    def next(self) -> PackagePurchase | None:
        """The purchase the next order will take its request from."""
        return self.usable[0] if self.usable else None

    @property
    def requests_left(self) -> int:
        return sum(p.requests_left for p in self.usable)

    @property
    def requests_left_label(self) -> str:
        return requests_label(self.requests_left)

    @property
    def can_order(self) -> bool:
        return bool(self.usable) or not self.required


def client_package_state(*, client: Client, at: datetime | None = None) -> PackageState:
    """One query: the same purchases `services.package_quota_use` chooses from, in its order."""
    now = at or timezone.now()
    usable = list(
        PackagePurchase.objects.filter(
            client=client, status=PurchaseStatus.PAID, valid_until__gt=now, requests_left__gt=0
        ).order_by("paid_at", "pk")
    )
    return PackageState(usable=usable, required=settings.BILLING_PACKAGES_REQUIRED)


def package_missing(*, client: Client) -> bool:
    """Whether an order would be refused for want of a package: False without a query when
    packages are not required (`BILLING_PACKAGES_REQUIRED`), else one query."""
    if not settings.BILLING_PACKAGES_REQUIRED:
        return False
    return not client_package_state(client=client).usable


def invoice_requisites() -> list[str]:
    """The store's requisites for paying a package by invoice, as lines; empty when settings
    have none. The legal name, INN/KPP and address are the store's own (set for the акт
    сверки), the bank details are `BILLING_PAYMENT_DETAILS`."""
    lines = []
    name = getattr(settings, "STORE_LEGAL_NAME", "")
    if name:
        lines.append(name)
    inn, kpp = getattr(settings, "STORE_INN", ""), getattr(settings, "STORE_KPP", "")
    if inn:
        lines.append(f"ИНН {inn}" + (f", КПП {kpp}" if kpp else ""))
    address = getattr(settings, "STORE_ADDRESS", "")
    if address:
        lines.append(address)
    details = list(settings.BILLING_PAYMENT_DETAILS)
    if not details:
        # Without bank details a name and an INN do not make a payment possible.
        return []
    return lines + details


# ---- back office ----------------------------------------------------------------------------


def purchases_for_backoffice() -> QuerySet[PackagePurchase]:
    return PackagePurchase.objects.select_related("client__user", "package", "confirmed_by")


def purchases_of_client(*, client_id: int, limit: int) -> tuple[list[PackagePurchase], int]:
    """The client's latest purchases for the client's card and how many there are: 2 queries."""
    purchases = PackagePurchase.objects.filter(client_id=client_id)
    rows = list(purchases.select_related("confirmed_by").order_by("-created_at", "-id")[:limit])
    total = len(rows) if len(rows) < limit else purchases.count()
    return rows, total


def purchase_history(*, purchase_id: int) -> QuerySet[PurchaseChange]:
    return history_of(PurchaseChange.objects.filter(purchase_id=purchase_id))


@dataclass(frozen=True)
class MonthRevenue:
    month: date
    sold: int
    revenue: Decimal
    by_balance: Decimal
    by_invoice: Decimal


@dataclass(frozen=True)
class PackageRevenue:
    package_id: int
    name: str
    sold: int
    revenue: Decimal


@dataclass(frozen=True)
class Revenue:
    months: list[MonthRevenue]
    packages: list[PackageRevenue]

    @property
    def sold(self) -> int:
        return sum(m.sold for m in self.months)

    @property
    def revenue(self) -> Decimal:
        return sum((m.revenue for m in self.months), ZERO)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _as_date(month: datetime | date, tz) -> date:
    """TruncMonth gives an aware datetime at the month's start in `tz`."""
    return timezone.localtime(month, tz).date() if isinstance(month, datetime) else month


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s to `last`'s, both included."""
    months, month = [], _month_start(first)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def package_revenue(*, first_month: date, last_month: date) -> Revenue:
    """Revenue from packages and how many were sold, per month of payment (Moscow time), for
    the months `first_month` … `last_month`, and per package over the whole period.

    Two grouped queries whatever the number of purchases; months without sales are zeros.
    Revenue is what paid purchases cost (a paid purchase is never cancelled).
    """
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(_month_start(first_month), datetime.min.time()))
    end = timezone.make_aware(datetime.combine(_next_month(last_month), datetime.min.time()))
    paid = PackagePurchase.objects.filter(
        status=PurchaseStatus.PAID, paid_at__gte=start, paid_at__lt=end
    )
    by_month = {
        _as_date(row["month"], tz): row
        for row in paid.annotate(month=TruncMonth("paid_at", tzinfo=tz))
        .values("month")
        .annotate(
            sold=Count("id"),
            revenue=Sum("price"),
            by_balance=Sum("price", filter=Q(payment_method=PurchaseMethod.BALANCE)),
            by_invoice=Sum("price", filter=Q(payment_method=PurchaseMethod.INVOICE)),
        )
        .order_by("month")
    }
    months = []
    for month in months_between(first_month, last_month):
        row = by_month.get(month) or {}
        months.append(
            MonthRevenue(
                month=month,
                sold=row.get("sold") or 0,
                revenue=to_money(row.get("revenue") or ZERO),
                by_balance=to_money(row.get("by_balance") or ZERO),
                by_invoice=to_money(row.get("by_invoice") or ZERO),
            )
        )
    packages = [
        PackageRevenue(
            package_id=row["package_id"],
            name=row["package__name"],
            sold=row["sold"],
            revenue=to_money(row["revenue"] or ZERO),
        )
        for row in paid.values("package_id", "package__name")
        .annotate(sold=Count("id"), revenue=Sum("price"))
        .order_by("-revenue", "package__name")
    ]
    return Revenue(months=months, packages=packages)


def purchases_awaiting_payment() -> int:
    """Package purchases by invoice waiting for an operator to confirm the payment
    («Монетизация → Покупки пакетов», «Ожидает оплаты»): one count."""
    return PackagePurchase.objects.filter(status=PurchaseStatus.AWAITING_PAYMENT).count()


SOLD = "sold_count"


def with_sold(queryset: QuerySet[Package]) -> QuerySet[Package]:
    """«Продано» of the back office's packages: each package's paid purchases."""
    return queryset.annotate(
        **{SOLD: Count("purchases", filter=Q(purchases__status=PurchaseStatus.PAID))}
    )
