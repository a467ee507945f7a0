"""Test data of the notifications tests: a client with a placed order of several lines."""

from mprating.accounts.models import Client
from mprating.accounts.tests.factories import make_client
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders.models import Order, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

ARTICLES = [
    ("BOSCH", "0 986 452 041", "Фильтр масляный", 2),
    ("FEBI", "27432", "Втулка стабилизатора", 4),
    ("SACHS", "315678", "Амортизатор передний", 1),
]


def status(name: str) -> OrderStatus:
    return OrderStatus.objects.get(name=name)


def role(value: str) -> OrderStatus:
    return OrderStatus.objects.get(role=value)


def order_with_lines(client: Client | None = None, articles=ARTICLES) -> Order:
    client = client or make_client()
    warehouse = make_warehouse(name="Домашний склад, Москва")
    for brand, article, name, quantity in articles:
        product = make_product(brand=brand, article=article, name=name)
        add_to_cart(client, make_offer(product=product, warehouse=warehouse, quantity=50), quantity)
    return place_order(client)


def line_ids(order: Order) -> list[int]:
    return list(order.lines.order_by("pk").values_list("pk", flat=True))
