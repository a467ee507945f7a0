"""Reads for checkout and the order page; each is a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from mprating.accounts.models import Client
from mprating.cart.selectors import cart_lines_for_client
from mprating.catalog.models import Offer
from mprating.core.money import ZERO
from mprating.orders.models import Order, OrderLine
from mprating.orders.services import cart_line_problem


@dataclass(frozen=True)
class CheckoutLine:
    cart_line_id: int
    brand_name: str
    article: str
    product_name: str
    warehouse_name: str
    delivery_days: int
    quantity: int
    price: Decimal
    amount: Decimal
    comment: str
    problem: str | None


@dataclass(frozen=True)
class CheckoutSummary:
    """The cart as checkout shows it: real prices (issue 3: «cart, orders and finance use
    the real price»), never the search markup."""

    lines: list[CheckoutLine]
    total: Decimal
    total_quantity: int

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


def checkout_summary(*, client: Client) -> CheckoutSummary:
    """The client's cart lines with their offers: one query."""
    cart_lines = cart_lines_for_client(client=client)
    lines = []
    for cart_line in cart_lines:
        offer: Offer = cart_line.offer
        lines.append(
            CheckoutLine(
                cart_line_id=cart_line.pk,
                brand_name=offer.product.brand.name,
                article=offer.product.article,
                product_name=offer.product.name,
                warehouse_name=offer.warehouse.name,
                delivery_days=offer.delivery_days,
                quantity=cart_line.quantity,
                price=offer.price,
                amount=offer.price * cart_line.quantity,
                comment=cart_line.comment,
                problem=cart_line_problem(quantity=cart_line.quantity, offer=offer),
            )
        )
    return CheckoutSummary(
        lines=lines,
        total=sum((line.amount for line in lines), ZERO),
        total_quantity=sum(line.quantity for line in lines),
    )


def order_lines_with_status() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("status").order_by("id")


def order_for_client(*, client: Client, number: str) -> Order:
    """The client's own order with its lines and their statuses: two queries; 404 otherwise."""
    order = (
        Order.objects.filter(client=client, number=number)
        .select_related("pickup_point")
        .prefetch_related(Prefetch("lines", queryset=order_lines_with_status()))
        .first()
    )
    if order is None:
        raise Http404("Заказ не найден")
    return order


def order_total(order: Order) -> Decimal:
    """Sum of the prefetched lines (no query)."""
    return sum((line.amount for line in order.lines.all()), ZERO)
