"""`/api/v1/packages`: the cabinet's «Пакеты» (seed 000 «Монетизация», «покупки пакетов»).

The packages on sale, what the client's packages mean for the next order, the client's
purchases and the cancel of an unpaid invoice — the same selectors and services as the page.
Buying is `POST /api/v1/packages/{package_id}/buy`, in `mprating/cabinet/api.py`: a purchase
paid from the balance is billing and finance in one transaction, which only the cabinet's
service (`cabinet.services.package_buy`, a floor above both) may run. Another client's
purchase is 404.
"""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mprating.accounts.models import Client
from mprating.billing import selectors, services
from mprating.billing.models import Package, PackagePurchase
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.api_paging import (
    CURSOR_DESCRIPTION,
    DEFAULT_LIMIT,
    LIMIT_QUERY,
    cursor_page_schema,
    keyset_page,
)
from mprating.core.errors import NotFound

router = Router(tags=["Пакеты"])

NOT_A_CLIENT = "Пакеты есть только у клиентов магазина."
_PAGE = LIMIT_QUERY
_CURSOR = CURSOR_DESCRIPTION


class PackageOut(Schema):
    id: int
    name: str
    description: str
    price: Decimal = Field(..., description="Цена, ₽ (строка с копейками)")
    requests_included: int = Field(..., description="Заявок (заказов) в пакете")
    requests_label: str = Field(..., description="«5 заявок»")
    validity_days: int = Field(..., description="Срок действия после оплаты, дней")
    validity_label: str = Field(..., description="«30 дней»")


PackagePage = cursor_page_schema(PackageOut, "PackagePage")


class PurchaseOut(Schema):
    id: int
    number: str = Field(..., description="Номер покупки и счёта: «П-000012»")
    package_id: int
    name: str = Field(..., description="Пакет, как он был куплен")
    price: Decimal = Field(..., description="Цена, ₽")
    requests_total: int
    requests_left: int = Field(..., description="Сколько заявок осталось")
    validity_days: int
    payment_method: str = Field(..., description="balance или invoice")
    payment_method_label: str
    status: str = Field(..., description="awaiting_payment, paid или cancelled")
    status_label: str
    active: bool = Field(..., description="Оплачен и действует сейчас")
    created_at: datetime
    paid_at: datetime | None
    valid_until: datetime | None = Field(..., description="Действует до (не включая)")
    cancelled_at: datetime | None


PurchasePage = cursor_page_schema(PurchaseOut, "PurchasePage")


class PackageStateOut(Schema):
    required: bool = Field(..., description="Нужен ли пакет, чтобы оформить заказ")
    can_order: bool = Field(..., description="Можно ли сейчас оформить заказ")
    requests_left: int = Field(..., description="Заявок осталось во всех действующих пакетах")
    requests_left_label: str
    active: list[PurchaseOut] = Field(
        ..., description="Действующие пакеты в том порядке, в каком заказы берут из них заявки"
    )
    invoice_requisites: list[str] = Field(
        ..., description="Реквизиты магазина для оплаты по счёту (пусто, если не заданы)"
    )


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound(NOT_A_CLIENT)
    return client


def package_out(package: Package) -> dict:
    return {
        "id": package.pk,
        "name": package.name,
        "description": package.description,
        "price": package.price,
        "requests_included": package.requests_included,
        "requests_label": package.requests_label,
        "validity_days": package.validity_days,
        "validity_label": package.validity_label,
    }


def purchase_out(purchase: PackagePurchase, *, now: datetime | None = None) -> dict:
    return {
        "id": purchase.pk,
        "number": purchase.number,
        "package_id": purchase.package_id,
        "name": purchase.name,
        "price": purchase.price,
        "requests_total": purchase.requests_total,
        "requests_left": purchase.requests_left,
        "validity_days": purchase.validity_days,
        "payment_method": purchase.payment_method,
        "payment_method_label": purchase.get_payment_method_display(),
        "status": purchase.status,
        "status_label": purchase.get_status_display(),
        "active": purchase.is_valid_at(now or timezone.now()),
        "created_at": purchase.created_at,
        "paid_at": purchase.paid_at,
        "valid_until": purchase.valid_until,
        "cancelled_at": purchase.cancelled_at,
    }


@router.get(
    "",
    response={200: PackagePage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Пакеты в продаже",
    description="Пакеты заявок, которые можно купить, в порядке, заданном магазином.",
)
def packages_list(
    request: HttpRequest,
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    _own_client(request)
    page = keyset_page(
        selectors.packages_on_sale(),
        ordering=("sort_order", "price", "id"),
        cursor=cursor,
        limit=limit,
    )
    return {"items": [package_out(p) for p in page["items"]], "next_cursor": page["next_cursor"]}


@router.get(
    "/state",
    response={200: PackageStateOut, 404: ErrorOut},
    summary="Мои действующие пакеты и остаток заявок",
    description="Что пакеты клиента значат для следующего заказа: сколько заявок осталось, "
    "нужен ли пакет для заказа, можно ли заказывать сейчас.",
)
def packages_state(request: HttpRequest):
    state = selectors.client_package_state(client=_own_client(request))
    now = timezone.now()
    return {
        "required": state.required,
        "can_order": state.can_order,
        "requests_left": state.requests_left,
        "requests_left_label": state.requests_left_label,
        "active": [purchase_out(p, now=now) for p in state.usable],
        "invoice_requisites": selectors.invoice_requisites(),
    }


@router.get(
    "/purchases",
    response={200: PurchasePage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Мои покупки пакетов",
    description="Все покупки клиента, новые первыми, страницами по курсору.",
)
def packages_purchases(
    request: HttpRequest,
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    page = keyset_page(
        selectors.purchases_for_client(client=_own_client(request)),
        ordering=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    now = timezone.now()
    return {
        "items": [purchase_out(p, now=now) for p in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get(
    "/purchases/{purchase_id}",
    response={200: PurchaseOut, 404: ErrorOut},
    summary="Покупка пакета",
)
def packages_purchase_get(request: HttpRequest, purchase_id: int):
    client = _own_client(request)
    purchase = selectors.purchases_for_client(client=client).filter(pk=purchase_id).first()
    if purchase is None:
        raise NotFound(services.PURCHASE_NOT_FOUND)
    return purchase_out(purchase)


@router.post(
    "/purchases/{purchase_id}/cancel",
    response={200: PurchaseOut, 400: ErrorOut, 404: ErrorOut},
    summary="Отменить неоплаченный счёт на пакет",
    description="Как в кабинете: отменить можно только покупку, ожидающую оплаты; повторная "
    "отмена ничего не меняет. 400 `purchase_not_awaiting` — покупка уже оплачена.",
)
def packages_purchase_cancel(request: HttpRequest, purchase_id: int):
    purchase = services.package_purchase_cancel_own(
        client=_own_client(request), purchase_id=purchase_id
    )
    return purchase_out(purchase)
