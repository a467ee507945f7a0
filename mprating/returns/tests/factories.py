"""Returns test data: shipped order lines made through the orders services, photos made with
Pillow, returns made through `services.return_create`."""

import io
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mprating.accounts import roles
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_staff
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders import services as order_services
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.returns import services
from mprating.returns.models import ReturnReason, ReturnRequest


def manager(email: str = "manager@example.ru") -> User:
    user = User.objects.filter(email=email).first()
    return user or make_staff(roles.MANAGER, email=email)


def operator(email: str = "operator@example.ru") -> User:
    user = User.objects.filter(email=email).first()
    return user or make_staff(roles.OPERATOR, email=email)


def ship(line: OrderLine, by: User | None = None) -> OrderLine:
    order_services.line_status_set(
        line_ids=[line.pk],
        status_id=OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED).pk,
        actor=by or manager(),
        comment="Выдано в ПВЗ",
    )
    return OrderLine.objects.select_related("status", "order").get(pk=line.pk)


def placed_line(
    client: Client,
    *,
    quantity: int = 2,
    price: str = "1000.00",
    deduction: str = "0",
    return_days: int = 14,
    returnable: bool = True,
    kind: str = Warehouse.Kind.HOME,
    stock: int = 20,
    brand: str = "BOSCH",
    article: str | None = None,
    name: str = "",
) -> OrderLine:
    """A placed (not shipped) line with this return policy."""
    offer = make_offer(
        make_product(brand, article, name), make_warehouse(kind), price=price, quantity=stock
    )
    Offer.objects.filter(pk=offer.pk).update(
        return_deduction_percent=Decimal(deduction),
        return_days=return_days,
        is_returnable=returnable,
    )
    add_to_cart(client, offer, quantity)
    order = place_order(client)
    return order.lines.select_related("status", "order").get()


def shipped_line(client: Client, **policy) -> OrderLine:
    return ship(placed_line(client, **policy))


def reason(name: str = "Не подошло") -> ReturnReason:
    return ReturnReason.objects.get(name=name)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour="#2563eb") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def photo(name: str = "photo.png", fmt: str = "PNG", **kwargs) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


def bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims a gigantic picture (a «decompression bomb»)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = zlib.compress(b"\x00" * 64)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def make_return(
    client: Client,
    line: OrderLine,
    *,
    quantity: int = 1,
    reason_name: str = "Не подошло",
    description: str = "Не подошло по размеру",
    uploads=None,
) -> ReturnRequest:
    return services.return_create(
        client=client,
        line_id=line.pk,
        quantity=quantity,
        reason_id=reason(reason_name).pk,
        description=description,
        uploads=uploads or [],
    )


def advance(request: ReturnRequest, *targets: str, by: User | None = None, **kwargs) -> None:
    for target in targets:
        services.return_status_set(
            return_ids=[request.pk], status=target, by=by or manager(), **kwargs
        )
