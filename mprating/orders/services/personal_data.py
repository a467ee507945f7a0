"""Erasing a client's personal data from their orders (issue 12, 152-ФЗ), called through
`accounts.hooks` when an operator confirms the client's «Удалить мои данные».

Orders, lines, prices, quantities, statuses and history stay (accounting must keep them);
what identifies the person goes: the delivery address, the recipient's phone and the free-text
comments. Idempotent: a second run finds nothing left to erase.
"""

from django.db import transaction

from mprating.orders.models import Order, OrderLine

# An order without a pickup point must keep some address (a database constraint).
ADDRESS_ERASED = "Адрес удалён по просьбе клиента"


@transaction.atomic
def orders_erase_personal_data(client_id: int) -> None:
    orders = Order.objects.filter(client_id=client_id)
    orders.exclude(recipient_phone="").update(recipient_phone="")
    orders.exclude(comment="").update(comment="")
    orders.exclude(delivery_address="").exclude(delivery_address=ADDRESS_ERASED).update(
        delivery_address=ADDRESS_ERASED
    )
    OrderLine.objects.filter(client_id=client_id).exclude(comment="").update(comment="")
