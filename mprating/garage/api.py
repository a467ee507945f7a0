"""`/api/v1/garage`: the client's cars, the VIN lookup, VIN requests and their chat as JSON —
the same services and selectors as the cabinet «Автомобили» (seed 004).

Another client's car, request, answer or chat is 404 `not_found`; a signed-in person who is not
a client of the shop gets 403 `not_a_client`. Lists are keyset pages (`core.api_paging`).
Reading the chat changes nothing: the client marks the managers' messages read with
`POST …/chat/read`, as the cabinet page does.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.cart import selectors as cart_selectors
from mprating.cart.api import CartLineOut
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.api_paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_page_schema, keyset_page
from mprating.core.errors import ApplicationError, NotFound
from mprating.garage import selectors, services
from mprating.garage.models import ChatMessage, Vehicle, VinRequest
from mprating.vehicles import selectors as reference_selectors

router = Router(tags=["Гараж"])


class NotAClient(ApplicationError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__("not_a_client", "Гараж доступен только клиентам магазина.")


VEHICLE_NOT_FOUND = "Автомобиль не найден."
REQUEST_NOT_FOUND = "VIN-запрос не найден."


class VehicleOut(Schema):
    id: int
    name: str
    make_id: int
    model_id: int
    generation_id: int
    modification_id: int | None
    year: int | None
    power_hp: int | None
    vin_or_frame: str
    comment: str


class VehicleIn(Schema):
    make_id: int
    model_id: int
    generation_id: int
    modification_id: int | None = None
    year: int | None = None
    power_hp: int | None = None
    vin_or_frame: str = ""
    comment: str = ""


class VehicleCreatedOut(VehicleOut):
    warning: str


class AnswerOut(Schema):
    brand: str
    article: str
    product_id: int | None


class VinRequestLineOut(Schema):
    position: int
    part_name: str
    quantity: int
    note: str
    answers: list[AnswerOut]


class VinRequestOut(Schema):
    id: int
    created_at: datetime
    vehicle_id: int | None
    vehicle_name: str
    vin: str
    status: str
    status_label: str
    comment: str
    lines_count: int
    answered_count: int
    unread_messages: int
    lines: list[VinRequestLineOut]


class VinDecodedOut(Schema):
    manufacturer: str
    brand: str
    country: str
    years: list[int]
    models: list[str]
    body: str
    engine: str
    transmission: str
    plant: str


class ReferenceOut(Schema):
    id: int
    name: str


class GenerationOut(Schema):
    id: int
    name: str
    years: str = Field(..., description="Годы выпуска, например «2015–2022»")


class ReferenceListsOut(Schema):
    """The four dependent selects of the car form (seed 004: «все поля … являются
    селективными»): each list narrows to the choice before it."""

    makes: list[ReferenceOut]
    models: list[ReferenceOut] = Field(..., description="Модели марки make")
    generations: list[GenerationOut] = Field(..., description="Поколения модели model")
    modifications: list[ReferenceOut] = Field(..., description="Модификации поколения generation")
    years: list[int] = Field(..., description="Годы выпуска поколения generation, новые первыми")


class CatalogLinkOut(Schema):
    make_name: str
    title: str
    url: str


class VinLookupOut(Schema):
    """«Оригинальный каталог»: what vininfo decoded and what it matched in the reference."""

    number: str = Field(..., description="VIN или номер кузова, как проверен")
    kind: str = Field(..., description="vin или frame (номер кузова не расшифровывается)")
    warning: str = Field(..., description="Например, не сошёлся контрольный знак VIN")
    found: bool = Field(..., description="Марка, модель и поколение определены")
    make_found: bool
    from_vehicle: bool = Field(..., description="Выбор взят из автомобиля гаража")
    vehicle_name: str
    make: ReferenceOut | None
    model: ReferenceOut | None
    generation: ReferenceOut | None
    modification: ReferenceOut | None
    year: int | None
    decoded: VinDecodedOut | None
    selection_url: str = Field(..., description="«Подбор по параметрам» с выбранным автомобилем")
    catalog_links: list[CatalogLinkOut] = Field(..., description="Оригинальные каталоги марки")


class VinRequestLineIn(Schema):
    part_name: str = Field(..., max_length=200, description="Наименование детали")
    quantity: int = Field(1, ge=1, le=services.MAX_LINE_QUANTITY)
    note: str = Field("", max_length=255)


class VinRequestIn(Schema):
    vehicle_id: int | None = Field(None, description="Автомобиль из гаража — или vin")
    vin: str = Field("", max_length=32, description="VIN или номер кузова без автомобиля")
    vehicle_name: str = Field("", max_length=200, description="Название автомобиля к vin")
    comment: str = Field("", max_length=2000)
    lines: list[VinRequestLineIn] = Field(..., description="Детали, от 1 до 50")


class ChatMessageOut(Schema):
    id: int
    text: str
    from_client: bool = Field(..., description="true — сообщение клиента, false — менеджера")
    created_at: datetime
    read_at: datetime | None = Field(..., description="Когда прочитано другой стороной")


class ChatMessageIn(Schema):
    text: str = Field(..., description=f"Текст, до {ChatMessage.MAX_LENGTH} знаков")


class ChatReadOut(Schema):
    marked_read: int = Field(..., description="Сколько сообщений менеджеров стали прочитанными")


class PageQuery(Schema):
    cursor: str | None = Field(None, description="next_cursor предыдущей страницы")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Строк на странице")


VehiclePage = cursor_page_schema(VehicleOut, "VehiclePage")
VinRequestPage = cursor_page_schema(VinRequestOut, "VinRequestPage")
ChatMessagePage = cursor_page_schema(ChatMessageOut, "ChatMessagePage")
NOT_OWN = {403: ErrorOut, 404: ErrorOut}
INPUT = {400: ErrorOut, 422: ValidationErrorOut}


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotAClient
    return client


def _own_vehicle(client: Client, vehicle_id: int) -> Vehicle:
    vehicle = selectors.vehicle_for_client(client, vehicle_id)
    if vehicle is None:
        raise NotFound(VEHICLE_NOT_FOUND)
    return vehicle


def _own_request(client: Client, request_id: int) -> VinRequest:
    item = selectors.vin_request_for_client(client, request_id)
    if item is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return item


def _vehicle_out(vehicle: Vehicle) -> dict:
    return {
        "id": vehicle.pk,
        "name": vehicle.name,
        "make_id": vehicle.make_id,
        "model_id": vehicle.model_id,
        "generation_id": vehicle.generation_id,
        "modification_id": vehicle.modification_id,
        "year": vehicle.year,
        "power_hp": vehicle.power_hp,
        "vin_or_frame": vehicle.vin_or_frame,
        "comment": vehicle.comment,
    }


def _request_out(item: VinRequest) -> dict:
    return {
        "id": item.pk,
        "created_at": item.created_at,
        "vehicle_id": item.vehicle_id,
        "vehicle_name": item.vehicle_name,
        "vin": item.vin,
        "status": item.status,
        "status_label": item.get_status_display(),
        "comment": item.comment,
        "lines_count": item.lines_count,
        "answered_count": item.answered_count,
        "unread_messages": item.unread_for_client,
        "lines": [
            {
                "position": line.position,
                "part_name": line.part_name,
                "quantity": line.quantity,
                "note": line.note,
                "answers": [
                    {"brand": a.brand_name, "article": a.article, "product_id": a.product_id}
                    for a in line.answers.all()
                ],
            }
            for line in item.lines.all()
        ],
    }


def _ref(item) -> dict | None:
    return {"id": item.pk, "name": item.name} if item is not None else None


def _lookup_out(lookup: selectors.VinLookup) -> dict:
    decoded = lookup.decoded
    return {
        "number": lookup.number,
        "kind": lookup.kind,
        "warning": lookup.warning,
        "found": lookup.found,
        "make_found": lookup.make_found,
        "from_vehicle": lookup.from_vehicle,
        "vehicle_name": lookup.vehicle_name,
        "make": _ref(lookup.make),
        "model": _ref(lookup.model),
        "generation": _ref(lookup.generation),
        "modification": _ref(lookup.modification),
        "year": lookup.year,
        "decoded": (
            {
                "manufacturer": decoded.manufacturer,
                "brand": decoded.brand,
                "country": decoded.country,
                "years": decoded.years,
                "models": decoded.models,
                "body": decoded.body,
                "engine": decoded.engine,
                "transmission": decoded.transmission,
                "plant": decoded.plant,
            }
            if decoded is not None
            else None
        ),
        "selection_url": lookup.selection_url,
        "catalog_links": [
            {"make_name": link.make_name, "title": link.title, "url": link.url}
            for link in lookup.catalog_links
        ],
    }


def _message_out(message: ChatMessage) -> dict:
    return {
        "id": message.pk,
        "text": message.text,
        "from_client": message.from_client,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


# ---- cars ----------------------------------------------------------------------------------


@router.get(
    "/vehicles",
    response={200: VehiclePage, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Автомобили клиента",
    description="Гараж по названию автомобиля; страницы по курсору.",
)
def vehicles_list(request: HttpRequest, page: Query[PageQuery]):
    client = _own_client(request)
    result = keyset_page(
        selectors.vehicles_for_client(client),
        ordering=("name", "id"),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {
        "items": [_vehicle_out(v) for v in result["items"]],
        "next_cursor": result["next_cursor"],
    }


@router.post(
    "/vehicles",
    response={201: VehicleCreatedOut, **INPUT, 403: ErrorOut},
    summary="Добавить автомобиль",
    description=(
        "Марка, модель и поколение обязательны и должны относиться друг к другу; название "
        "составляется из них («Марка Модель Поколение»). VIN проверяется (буквы I, O, Q "
        "запрещены); несошедшийся контрольный знак не ошибка, а предупреждение `warning`."
    ),
)
def vehicles_create(request: HttpRequest, payload: VehicleIn):
    client = _own_client(request)
    vehicle, warning = services.vehicle_create(
        client=client, data=services.VehicleData(**payload.dict())
    )
    return Status(201, {**_vehicle_out(vehicle), "warning": warning})


@router.get(
    "/vehicles/{vehicle_id}",
    response={200: VehicleOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="Автомобиль клиента",
)
def vehicle_get(request: HttpRequest, vehicle_id: int):
    return _vehicle_out(_own_vehicle(_own_client(request), vehicle_id))


@router.put(
    "/vehicles/{vehicle_id}",
    response={200: VehicleCreatedOut, **INPUT, **NOT_OWN},
    summary="Изменить автомобиль",
    description="Те же правила, что при добавлении; название составляется заново.",
)
def vehicle_update(request: HttpRequest, vehicle_id: int, payload: VehicleIn):
    client = _own_client(request)
    vehicle, warning = services.vehicle_update(
        client=client, vehicle_id=vehicle_id, data=services.VehicleData(**payload.dict())
    )
    return {**_vehicle_out(vehicle), "warning": warning}


@router.delete(
    "/vehicles/{vehicle_id}",
    response={204: None, **NOT_OWN, 422: ValidationErrorOut},
    summary="Удалить автомобиль",
    description="Seed 004: «Удаление происходит безвозвратно». VIN-запросы сохраняют название.",
)
def vehicle_delete(request: HttpRequest, vehicle_id: int):
    services.vehicle_delete(client=_own_client(request), vehicle_id=vehicle_id)
    return Status(204, None)


@router.get(
    "/reference",
    response={200: ReferenceListsOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Справочник для автомобиля: марки, модели, поколения, модификации",
    description="Те же зависимые списки, что в форме автомобиля: модели — марки `make`, "
    "поколения — модели `model`, модификации и годы — поколения `generation`.",
)
def reference_lists(
    request: HttpRequest,
    make: int | None = Query(None, ge=1, description="id марки"),
    model: int | None = Query(None, ge=1, description="id модели"),
    generation: int | None = Query(None, ge=1, description="id поколения"),
):
    _own_client(request)
    return {
        "makes": [_ref(m) for m in reference_selectors.makes_list()],
        "models": [_ref(m) for m in reference_selectors.models_for_make(make)],
        "generations": [
            {"id": g.pk, "name": g.name, "years": g.years}
            for g in reference_selectors.generations_for_model(model)
        ],
        "modifications": [
            _ref(m) for m in reference_selectors.modifications_for_generation(generation)
        ],
        "years": reference_selectors.generation_years(generation),
    }


# ---- «Оригинальный каталог» ----------------------------------------------------------------


@router.get(
    "/vin-lookup",
    response={200: VinLookupOut, **INPUT, 403: ErrorOut},
    summary="Поиск автомобиля по VIN или номеру кузова",
    description=(
        "VIN расшифровывается (vininfo) и сопоставляется со справочником: найдены марка, "
        "модель и поколение — `found`, дальше «Подбор по параметрам» (`selection_url`). "
        "Не VIN и не номер кузова — 400 `vin_required` (поле vin)."
    ),
)
def vin_lookup(request: HttpRequest, vin: str = Query(..., max_length=32)):
    _own_client(request)
    try:
        lookup = selectors.vin_lookup(vin.strip())
    except ApplicationError as error:
        # The check names the car's field (vin_or_frame); here the number is the query's `vin`.
        raise ApplicationError(error.code, error.message, field="vin") from None
    return _lookup_out(lookup)


@router.get(
    "/vehicles/{vehicle_id}/vin-lookup",
    response={200: VinLookupOut, **INPUT, **NOT_OWN},
    summary="Оригинальный каталог автомобиля из гаража",
    description="Поиск по VIN или номеру кузова автомобиля; не расшифровался — выбор "
    "берётся из самого автомобиля (`from_vehicle`). Нет VIN — 400 `vin_required`.",
)
def vehicle_vin_lookup(request: HttpRequest, vehicle_id: int):
    vehicle = _own_vehicle(_own_client(request), vehicle_id)
    return _lookup_out(selectors.vin_lookup(vehicle.vin_or_frame, vehicle=vehicle))


# ---- VIN requests --------------------------------------------------------------------------


@router.get(
    "/vin-requests",
    response={200: VinRequestPage, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="VIN-запросы клиента",
    description="Только запросы текущего клиента, новые первыми, с позициями и ответами; "
    "страницы по курсору.",
)
def vin_requests_list(request: HttpRequest, page: Query[PageQuery]):
    client = _own_client(request)
    result = keyset_page(
        selectors.vin_requests_for_client(client),
        ordering=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {
        "items": [_request_out(r) for r in result["items"]],
        "next_cursor": result["next_cursor"],
    }


@router.get(
    "/vin-requests/{request_id}",
    response={200: VinRequestOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="VIN-запрос",
)
def vin_request_get(request: HttpRequest, request_id: int):
    return _request_out(_own_request(_own_client(request), request_id))


@router.post(
    "/vin-requests",
    response={201: VinRequestOut, **INPUT, **NOT_OWN},
    summary="Создать VIN-запрос",
    description=(
        "Seed 004: детали (наименование, количество, примечание) и комментарий — менеджерам "
        "уходит письмо. Автомобиль из гаража (`vehicle_id`) или VIN из поиска (`vin`, "
        "`vehicle_name`). Адрес менеджеров не указан — запрос создаётся со статусом «Запрос не "
        "отправлен»."
    ),
)
def vin_request_create(request: HttpRequest, payload: VinRequestIn):
    client = _own_client(request)
    created = services.vin_request_create(
        client=client,
        lines=[
            services.LineData(line.part_name, line.quantity, line.note) for line in payload.lines
        ],
        comment=payload.comment,
        vehicle_id=payload.vehicle_id,
        vin=payload.vin,
        vehicle_name=payload.vehicle_name,
    )
    return Status(201, _request_out(_own_request(client, created.pk)))


@router.post(
    "/vin-requests/{request_id}/resend",
    response={200: VinRequestOut, 400: ErrorOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="Отправить VIN-запрос повторно",
    description="Только запрос «Запрос не отправлен»; иначе 400 `already_sent`.",
)
def vin_request_resend(request: HttpRequest, request_id: int):
    client = _own_client(request)
    services.vin_request_resend(client=client, request_id=request_id)
    return _request_out(_own_request(client, request_id))


@router.post(
    "/answers/{answer_id}/cart",
    response={200: CartLineOut, 400: ErrorOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="Ответ менеджера — в корзину",
    description="Лучшее предложение товара из ответа «Бренд, Артикул», количество строки "
    "запроса (не меньше минимального заказа). Товара нет в каталоге или в наличии — 400.",
)
def answer_to_cart(request: HttpRequest, answer_id: int):
    client = _own_client(request)
    cart_line = services.vin_answer_to_cart(client=client, answer_id=answer_id)
    return CartLineOut.from_line(
        cart_selectors.cart_line_for_client(client=client, line_id=cart_line.pk)
    )


# ---- chat ----------------------------------------------------------------------------------


@router.get(
    "/vin-requests/{request_id}/chat",
    response={200: ChatMessagePage, 400: ErrorOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="Чат по VIN-запросу: сообщения",
    description="Старые первыми; страницы по курсору (последняя страница без next_cursor — "
    "новые сообщения ищите, повторив запрос). Чтение ничего не меняет: отметка о прочтении — "
    "POST …/chat/read.",
)
def chat_list(request: HttpRequest, request_id: int, page: Query[PageQuery]):
    item = _own_request(_own_client(request), request_id)
    result = keyset_page(
        selectors.chat_messages(item.pk),
        ordering=("created_at", "id"),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {
        "items": [_message_out(m) for m in result["items"]],
        "next_cursor": result["next_cursor"],
    }


@router.post(
    "/vin-requests/{request_id}/chat",
    response={201: ChatMessageOut, **INPUT, **NOT_OWN},
    summary="Написать менеджеру в чат",
    description=f"Простой текст до {ChatMessage.MAX_LENGTH} знаков; пустое — 400 `empty_message`.",
)
def chat_post(request: HttpRequest, request_id: int, payload: ChatMessageIn):
    item = _own_request(_own_client(request), request_id)
    message = services.chat_message_post(
        request=item, author=request.user, from_client=True, text=payload.text
    )
    return Status(201, _message_out(message))


@router.post(
    "/vin-requests/{request_id}/chat/read",
    response={200: ChatReadOut, **NOT_OWN, 422: ValidationErrorOut},
    summary="Отметить сообщения менеджеров прочитанными",
)
def chat_read(request: HttpRequest, request_id: int):
    item = _own_request(_own_client(request), request_id)
    return {"marked_read": services.chat_mark_read(request_id=item.pk, reader_is_client=True)}
