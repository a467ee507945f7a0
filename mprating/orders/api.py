"""`/api/v1/orders`: checkout and the client's own orders, over the same service as the cabinet."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.accounts.selectors import client_of_user
from mprating.cart import selectors as cart_selectors
from mprating.cart.api import CartLineOut
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.api_paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_page_schema, keyset_page
from mprating.core.errors import ApplicationError, NotFound
from mprating.orders import cabinet_selectors, hooks, selectors, services
from mprating.orders.models import Order, OrderLine, Source
from mprating.pickup_points.selectors import pickup_points_active

router = Router(tags=["Заказы"])


class PickupPointOut(Schema):
    id: int
    name: str
    address: str


class OrderIn(Schema):
    idempotency_key: uuid.UUID = Field(
        ...,
        description="Новый UUID на каждое оформление; повтор с тем же ключом вернёт тот же заказ",
    )
    payment_method: str = Field(..., description="balance, invoice или on_receipt")
    recipient_phone: str
    comment: str = ""
    pickup_point_id: int | None = Field(None, description="Пункт выдачи — или delivery_address")
    delivery_address: str = ""


class StatusOut(Schema):
    name: str
    colour: str


class OrderLineOut(Schema):
    brand_name: str
    article: str
    product_name: str
    quantity: int
    price: Decimal
    source: str
    expected_delivery_date: date
    is_returnable: bool
    return_days: int
    comment: str
    status: StatusOut


class OrderOut(Schema):
    number: str
    created_at: datetime
    payment_method: str
    recipient_phone: str
    comment: str
    pickup_point: PickupPointOut | None
    delivery_address: str
    total: Decimal
    lines: list[OrderLineOut]

    @staticmethod
    def from_order(order: Order) -> "OrderOut":
        point = order.pickup_point
        return OrderOut(
            number=order.number,
            created_at=order.created_at,
            payment_method=order.payment_method,
            recipient_phone=order.recipient_phone,
            comment=order.comment,
            pickup_point=(
                PickupPointOut(id=point.pk, name=point.name, address=point.address)
                if point
                else None
            ),
            delivery_address=order.delivery_address,
            total=selectors.order_total(order),
            lines=[
                OrderLineOut(
                    brand_name=line.brand_name,
                    article=line.article,
                    product_name=line.product_name,
                    quantity=line.quantity,
                    price=line.price,
                    source=line.source,
                    expected_delivery_date=line.expected_delivery_date,
                    is_returnable=line.is_returnable,
                    return_days=line.return_days,
                    comment=line.comment,
                    status=StatusOut(name=line.status.name, colour=line.status.colour),
                )
                for line in order.lines.all()
            ],
        )


def _own_client(request: HttpRequest) -> Client:
    client = client_of_user(request.user)
    if client is None:
        raise NotFound("Заказы есть только у клиентов магазина.")
    return client


@router.get(
    "/pickup-points",
    response=list[PickupPointOut],
    summary="Пункты выдачи для оформления заказа",
    description="Только действующие пункты.",
)
def pickup_points_list(request: HttpRequest):
    return [PickupPointOut(id=p.pk, name=p.name, address=p.address) for p in pickup_points_active()]


@router.post(
    "",
    response={201: OrderOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Оформить заказ из корзины",
    description="Те же правила и сообщения, что при оформлении в личном кабинете; повтор с "
    "тем же idempotency_key возвращает тот же заказ.",
)
def order_create(request: HttpRequest, payload: OrderIn):
    client = _own_client(request)
    order = services.order_place(
        client=client,
        idempotency_key=payload.idempotency_key,
        payment_method=payload.payment_method,
        recipient_phone=payload.recipient_phone,
        comment=payload.comment,
        pickup_point_id=payload.pickup_point_id,
        delivery_address=payload.delivery_address,
    )
    if not selectors.order_lines_loaded(order):  # a double submit's earlier order
        order = selectors.order_for_client(client=client, number=order.number)
    return Status(201, OrderOut.from_order(order))


# ---- «Заказы» and «Архив» (seed 004): the cabinet table over the same selectors and services --

SORT_KEYS = tuple(key for name in cabinet_selectors.SORTS for key in (name, f"-{name}"))
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]


class LinesQuery(Schema):
    """The filters of «Заказы» / «Архив» (seed 004: «довольно широкий список фильтров»)."""

    archived: bool = Field(False, description="true — «Архив», false — «Заказы» (заказы в работе)")
    number: str = Field("", max_length=20, description="Номер заказа: MP-000123, 123")
    date_from: date | None = Field(None, description="Дата заказа с (ГГГГ-ММ-ДД)")
    date_to: date | None = Field(None, description="Дата заказа по, включительно (ГГГГ-ММ-ДД)")
    brand: str = Field("", max_length=100, description="Бренд, без учёта регистра")
    article: str = Field("", max_length=64, description="Артикул, как в поиске (без разделителей)")
    status: int | None = Field(None, ge=1, description="id статуса (GET /orders/statuses)")
    source: Source | None = Field(None, description="Источник: home, transit или marketplace")
    with_refusals: bool = Field(False, description="Только позиции с отказами")
    unseen_refusals: bool = Field(False, description="Только непросмотренные отказы")
    sort: SortKey = Field(  # type: ignore[valid-type]
        cabinet_selectors.DEFAULT_SORT,
        description="Столбец сортировки; «-» впереди — по убыванию. По умолчанию -date "
        "(новые заказы первыми).",
    )
    cursor: str | None = Field(None, description="next_cursor предыдущей страницы")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Строк на странице")

    def filters(self) -> cabinet_selectors.LineFilters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ApplicationError("invalid_dates", "Дата «по» раньше даты «с».", field="date_to")
        return cabinet_selectors.LineFilters(
            number=self.number.strip(),
            date_from=self.date_from,
            date_to=self.date_to,
            brand=self.brand.strip(),
            article=self.article.strip(),
            status_id=self.status,
            source=self.source.value if self.source else "",
            with_refusals=self.with_refusals,
            unseen_refusals=self.unseen_refusals,
        )


class PageQuery(Schema):
    cursor: str | None = Field(None, description="next_cursor предыдущей страницы")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Строк на странице")


class LineStatusOut(Schema):
    id: int
    name: str
    colour: str
    is_final: bool = Field(..., description="Признак завершения")


class LineActionOut(Schema):
    label: str
    url: str = Field(..., description="Страница действия в личном кабинете")
    name: str
    hint: str


class LineOut(Schema):
    """A row of the «Заказы» table: its 12 columns and what the client may do with it."""

    id: int
    order_id: int
    order_number: str
    order_created_at: datetime
    archived: bool = Field(..., description="Заказ в «Архиве»")
    brand: str
    article: str
    name: str
    quantity: int
    price: Decimal = Field(..., description="Цена за штуку, ₽")
    amount: Decimal = Field(..., description="Сумма позиции, ₽")
    source: str
    source_label: str
    status: LineStatusOut
    status_changed_at: datetime
    is_returnable: bool = Field(..., description="Возможность обратного выкупа")
    return_days: int
    return_deduction_percent: Decimal
    refusal_state: str = Field(..., description="'', requested, confirmed или declined")
    refusal_state_label: str
    is_refused: bool = Field(..., description="Позиция в статусе «Отказ»")
    refusal_seen: bool = Field(..., description="Флажок «отказ просмотрен» (10-я колонка)")
    expected_delivery_date: date
    manager_comment: str = Field(..., description="Комментарий менеджера (последняя колонка)")
    comment: str = Field(..., description="Комментарий клиента")
    can_refuse: bool = Field(..., description="Можно «Отказаться от заказа»")
    can_reorder: bool = Field(..., description="Можно «Перезаказ»")
    order_can_archive: bool = Field(..., description="Заказ можно «Убрать в архив»")
    actions: list[LineActionOut] = Field(..., description="Другие действия («Создать возврат»)")

    @staticmethod
    def from_line(line: OrderLine) -> "LineOut":
        order, status = line.order, line.status
        archived = order.archived_at is not None
        return LineOut(
            id=line.pk,
            order_id=order.pk,
            order_number=order.number,
            order_created_at=order.created_at,
            archived=archived,
            brand=line.brand_name,
            article=line.article,
            name=line.product_name,
            quantity=line.quantity,
            price=line.price,
            amount=line.amount,
            source=line.source,
            source_label=line.get_source_display(),
            status=LineStatusOut(
                id=status.pk, name=status.name, colour=status.colour, is_final=status.is_final
            ),
            status_changed_at=line.status_changed_at,
            is_returnable=line.is_returnable,
            return_days=line.return_days,
            return_deduction_percent=line.return_deduction_percent,
            refusal_state=line.refusal_state,
            refusal_state_label=line.get_refusal_state_display() if line.refusal_state else "",
            is_refused=line.is_refused,
            refusal_seen=line.refusal_seen,
            expected_delivery_date=line.expected_delivery_date,
            manager_comment=line.manager_comment,
            comment=line.comment,
            # The same conditions as the cabinet row (orders/cabinet/_row.html).
            can_refuse=not archived and not status.is_final and not line.refusal_state,
            can_reorder=line.is_refused,
            order_can_archive=not archived and line.order_all_final,
            actions=[
                LineActionOut(label=a.label, url=a.url, name=a.name, hint=a.hint)
                for a in getattr(line, "extra_actions", [])
            ],
        )


LinePage = cursor_page_schema(LineOut, "LinePage")


class HistoryRowOut(Schema):
    changed_at: datetime
    status: LineStatusOut
    by: str = Field(..., description="Кто: client (вы), manager (менеджер) или system (система)")
    comment: str


class LineHistoryOut(Schema):
    line: LineOut
    history: list[HistoryRowOut]


class SeenIn(Schema):
    seen: bool = Field(True, description="true — отказ просмотрен, false — снять флажок")


class OrderSummaryOut(Schema):
    id: int
    number: str
    created_at: datetime
    payment_method: str
    payment_method_label: str
    pickup_point: PickupPointOut | None
    delivery_address: str
    lines_count: int
    total: Decimal
    archived: bool
    can_archive: bool = Field(..., description="Все позиции в завершающих статусах")

    @staticmethod
    def from_order(order: Order) -> "OrderSummaryOut":
        point = order.pickup_point
        archived = order.archived_at is not None
        return OrderSummaryOut(
            id=order.pk,
            number=order.number,
            created_at=order.created_at,
            payment_method=order.payment_method,
            payment_method_label=order.get_payment_method_display(),
            pickup_point=(
                PickupPointOut(id=point.pk, name=point.name, address=point.address)
                if point
                else None
            ),
            delivery_address=order.delivery_address,
            lines_count=order.line_count,
            total=order.total,
            archived=archived,
            can_archive=not archived and order.all_final,
        )


OrderPage = cursor_page_schema(OrderSummaryOut, "OrderPage")

_LIST_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
_ACTION_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _next(page: dict) -> dict:
    return {"next_cursor": page["next_cursor"]}


def _line_out(client: Client, line_id: int) -> LineOut:
    line = cabinet_selectors.line_row(client=client, line_id=line_id)
    hooks.line_actions_attach([line])
    return LineOut.from_line(line)


@router.get(
    "/lines",
    response={200: LinePage, **_LIST_ERRORS},
    summary="Позиции заказов: таблица «Заказы» или «Архив»",
    description=(
        "Те же фильтры и сортировки, что в личном кабинете. Страницы по курсору: "
        "`next_cursor` из ответа передаётся как `cursor`; курсор привязан к сортировке. "
        "Дата «по» раньше даты «с» — 400 `invalid_dates` (поле date_to). Запрос ничего не "
        "меняет: автоматический перенос старых заказов в архив делает кабинет и ночная задача."
    ),
)
def lines_list(request: HttpRequest, query: Query[LinesQuery]):
    client = _own_client(request)
    page = cabinet_selectors.lines_cursor_page(
        client=client,
        archived=query.archived,
        filters=query.filters(),
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
    )
    hooks.line_actions_attach(page["items"])
    return {"items": [LineOut.from_line(line) for line in page["items"]], **_next(page)}


@router.get(
    "/statuses",
    response={200: list[LineStatusOut], 404: ErrorOut},
    summary="Статусы позиций для фильтра",
    description="Статусы из «Настройки → Статусы» в их порядке, с цветами.",
)
def statuses_list(request: HttpRequest):
    _own_client(request)
    return [
        LineStatusOut(id=s.pk, name=s.name, colour=s.colour, is_final=s.is_final)
        for s in cabinet_selectors.statuses_for_filter()
    ]


@router.get(
    "/lines/{line_id}/history",
    response={200: LineHistoryOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Движение заказа: история статусов позиции",
    description="Чужая или несуществующая позиция — 404.",
)
def line_history(request: HttpRequest, line_id: int):
    client = _own_client(request)
    line = cabinet_selectors.line_with_history(client=client, line_id=line_id)
    hooks.line_actions_attach([line])
    user_id = request.user.pk

    def by(change) -> str:
        if not change.changed_by_id:
            return "system"
        return "client" if change.changed_by_id == user_id else "manager"

    return LineHistoryOut(
        line=LineOut.from_line(line),
        history=[
            HistoryRowOut(
                changed_at=change.changed_at,
                status=LineStatusOut(
                    id=change.status.pk,
                    name=change.status.name,
                    colour=change.status.colour,
                    is_final=change.status.is_final,
                ),
                by=by(change),
                comment=change.comment or "",
            )
            for change in line.history_rows
        ],
    )


@router.post(
    "/lines/{line_id}/refuse",
    response={200: LineOut, **_ACTION_ERRORS},
    summary="Отказаться от заказа (запрос менеджеру)",
    description=(
        "Seed 004: «Отказаться от заказа» можно «только до момента присвоения позиции статуса "
        "“Отгружен”»; запрос рассматривает менеджер, в последней колонке — «Отказ от заказа "
        "на рассмотрении». Повторный запрос ничего не меняет. Нельзя — 400 с причиной."
    ),
)
def line_refuse(request: HttpRequest, line_id: int):
    client = _own_client(request)
    services.line_refusal_request(client=client, line_id=line_id)
    return _line_out(client, line_id)


@router.post(
    "/lines/{line_id}/seen",
    response={200: LineOut, **_ACTION_ERRORS},
    summary="Флажок «отказ просмотрен»",
    description="10-я колонка таблицы: есть только у позиций со статусом «Отказ».",
)
def line_seen(request: HttpRequest, line_id: int, payload: SeenIn):
    client = _own_client(request)
    services.line_refusal_seen_set(client=client, line_id=line_id, seen=payload.seen)
    return _line_out(client, line_id)


@router.post(
    "/lines/{line_id}/reorder",
    response={200: CartLineOut, **_ACTION_ERRORS},
    summary="Перезаказ: текущее лучшее предложение того же товара — в корзину",
    description=(
        "Количество — как в позиции, с учётом минимального заказа и остатка (и того, что уже "
        "в корзине). Нет предложений в наличии — 400 `no_offer`. Ответ — строка корзины."
    ),
)
def line_reorder(request: HttpRequest, line_id: int):
    client = _own_client(request)
    cart_line = services.line_reorder(client=client, line_id=line_id)
    line = cart_selectors.cart_line_for_client(client=client, line_id=cart_line.pk)
    return CartLineOut.from_line(line)


@router.get(
    "",
    response={200: OrderPage, **_LIST_ERRORS},
    summary="Заказы клиента: в работе или в архиве",
    description="Новые первыми, страницы по курсору; archived=true — заказы в «Архиве».",
)
def orders_list(
    request: HttpRequest,
    page: Query[PageQuery],
    archived: bool = Query(False, description="true — заказы в «Архиве»"),
):
    client = _own_client(request)
    result = keyset_page(
        selectors.client_orders(client=client, archived=archived),
        ordering=("-id",),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {"items": [OrderSummaryOut.from_order(o) for o in result["items"]], **_next(result)}


@router.post(
    "/{number}/archive",
    response={200: OrderSummaryOut, **_ACTION_ERRORS},
    summary="Убрать заказ в архив",
    description=(
        "Seed 004: вручную — когда все позиции заказа в завершающих статусах («Отгружен», "
        "«Отказ»); иначе 400 `order_not_finished`. Заказ уже в архиве — ничего не меняется."
    ),
)
def order_archive(request: HttpRequest, number: str):
    client = _own_client(request)
    order_id = selectors.client_order_id(client=client, number=number)
    services.order_archive(client=client, order_id=order_id)
    order = selectors.client_orders(client=client, archived=True).get(pk=order_id)
    return OrderSummaryOut.from_order(order)


@router.get(
    "/{number}",
    response={200: OrderOut, 404: ErrorOut},
    summary="Заказ клиента по номеру",
    description="Заказ с позициями и их статусами. Чужой или несуществующий номер — 404.",
)
def order_get(request: HttpRequest, number: str):
    order = selectors.order_for_client(client=_own_client(request), number=number)
    return OrderOut.from_order(order)
