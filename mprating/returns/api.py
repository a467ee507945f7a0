"""`/api/v1/returns`: the client's «Возвраты» (seed 004) over the same rules as the cabinet.

Seed 004 «Заказы»: «При наступлении статуса отгружен возможен только возврат по условиям,
описанным в следующей колонке “Возможность обратного выкупа”». Which line may be returned and
how many pieces is `eligibility` (the rule the «Заказы» table and «Создать возврат» read);
a return is made by `services.return_create`, with the photos checked by `photos` (size,
count, decoded as an image) exactly as the cabinet form's. The client cannot cancel a return:
the cabinet has no such action, the transition table (`transitions`) moves a return only by a
manager's hand. Another client's return, line or photo is 404 `not_found`.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from mprating.accounts.models import Client
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.api_paging import (
    CURSOR_DESCRIPTION,
    DEFAULT_LIMIT,
    LIMIT_QUERY,
    cursor_page_schema,
    keyset_page,
)
from mprating.core.errors import NotFound
from mprating.orders.models import OrderLine
from mprating.returns import eligibility, selectors, services
from mprating.returns.eligibility import Eligibility
from mprating.returns.models import ReturnPhoto, ReturnRequest
from mprating.returns.photos import FORMATS

router = Router(tags=["Возвраты"])

NOT_A_CLIENT = "Возвраты есть только у клиентов магазина."
_PAGE = LIMIT_QUERY
_CURSOR = CURSOR_DESCRIPTION


class PositionOut(Schema):
    line_id: int
    order_number: str
    order_date: date
    brand: str
    article: str
    product_name: str


class ReturnOut(Schema):
    id: int
    number: str = Field(..., description="Номер возврата, как в кабинете: «№ 12»")
    created_at: datetime
    status: str = Field(..., description="new, review, approved, rejected, received, refunded")
    status_label: str
    status_changed_at: datetime
    position: PositionOut
    quantity: int
    reason: str
    unit_price: Decimal = Field(..., description="Цена за штуку, ₽ (строка с копейками)")
    deduction_percent: Decimal = Field(..., description="Удержание, %")
    refund_amount: Decimal = Field(..., description="К возврату, ₽")
    refunded_at: datetime | None = Field(..., description="Когда деньги зачислены на баланс")


class PhotoOut(Schema):
    id: int
    url: str = Field(..., description="Адрес снимка в API (только для владельца возврата)")
    content_type: str
    width: int
    height: int
    size: int = Field(..., description="Размер, байт")


class HistoryOut(Schema):
    changed_at: datetime
    status: str
    status_label: str
    by: str = Field(..., description="«вы», «менеджер» или «система» — как в кабинете")
    comment: str


class ReturnDetailOut(ReturnOut):
    description: str
    gross_amount: Decimal = Field(..., description="Цена × количество, ₽")
    deduction_amount: Decimal = Field(..., description="Удержание, ₽")
    photos: list[PhotoOut]
    history: list[HistoryOut]


ReturnPage = cursor_page_schema(ReturnOut, "ReturnPage")


class ReasonOut(Schema):
    id: int
    name: str


class VerdictOut(Schema):
    allowed: bool = Field(..., description="Можно ли оформить возврат сейчас")
    reason: str = Field(..., description="Почему нельзя, по-русски (пусто, если можно)")
    available: int = Field(..., description="Сколько штук ещё можно вернуть")
    returned: int = Field(..., description="Сколько штук уже возвращено или в возврате")
    shipped_at: datetime | None
    last_day: date | None = Field(..., description="Последний день возврата, включительно")


class ReturnableLineOut(Schema):
    position: PositionOut
    quantity: int
    price: Decimal = Field(..., description="Цена за штуку, ₽")
    return_days: int = Field(..., description="Срок возврата после отгрузки, дней")
    return_deduction_percent: Decimal = Field(..., description="Удержание при возврате, %")
    verdict: VerdictOut


ReturnableLinePage = cursor_page_schema(ReturnableLineOut, "ReturnableLinePage")


class QuoteOut(Schema):
    quantity: int = Field(..., description="Количество, для которого посчитано (1…available)")
    gross: Decimal = Field(..., description="Цена × количество, ₽")
    deduction: Decimal = Field(..., description="Удержание, ₽")
    refund: Decimal = Field(..., description="К возврату, ₽")


class ReturnableLineDetailOut(ReturnableLineOut):
    quote: QuoteOut


class ReturnIn(Schema):
    line_id: int = Field(..., ge=1, description="Позиция заказа (id из /returns/lines)")
    quantity: int = Field(..., description="Сколько штук вернуть")
    reason_id: int = Field(..., description="Причина (id из /returns/reasons)")
    description: str = Field("", description=f"Что не так, до {services.DESCRIPTION_MAX} символов")


class LettersIn(Schema):
    enabled: bool


class LettersOut(Schema):
    enabled: bool = Field(..., description="Присылать ли письма о возвратах")


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound(NOT_A_CLIENT)
    return client


def _position(line: OrderLine) -> dict:
    return {
        "line_id": line.pk,
        "order_number": line.order.number,
        "order_date": timezone.localdate(line.order.created_at),
        "brand": line.brand_name,
        "article": line.article,
        "product_name": line.product_name,
    }


def _return_out(item: ReturnRequest) -> dict:
    return {
        "id": item.pk,
        "number": item.number,
        "created_at": item.created_at,
        "status": item.status,
        "status_label": item.get_status_display(),
        "status_changed_at": item.status_changed_at,
        "position": _position(item.line),
        "quantity": item.quantity,
        "reason": item.reason.name,
        "unit_price": item.unit_price,
        "deduction_percent": item.deduction_percent,
        "refund_amount": item.refund_amount,
        "refunded_at": item.refunded_at,
    }


def _photo_out(photo: ReturnPhoto) -> dict:
    return {
        "id": photo.pk,
        "url": f"/api/v1/returns/photos/{photo.pk}",
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size": photo.size,
    }


def _detail_out(item: ReturnRequest, user_id: int) -> dict:
    def who(changed_by_id: int | None) -> str:
        if changed_by_id is None:
            return "система"
        return "вы" if changed_by_id == user_id else "менеджер"

    return {
        **_return_out(item),
        "description": item.description,
        "gross_amount": item.gross_amount,
        "deduction_amount": item.deduction_amount,
        "photos": [_photo_out(photo) for photo in item.photos.all()],
        "history": [
            {
                "changed_at": row.changed_at,
                "status": row.status,
                "status_label": row.get_status_display(),
                "by": who(row.changed_by_id),
                "comment": row.comment,
            }
            for row in item.history_rows
        ],
    }


def _line_out(line: OrderLine, verdict: Eligibility) -> dict:
    return {
        "position": _position(line),
        "quantity": line.quantity,
        "price": line.price,
        "return_days": line.return_days,
        "return_deduction_percent": line.return_deduction_percent,
        "verdict": {
            "allowed": verdict.allowed,
            "reason": verdict.reason,
            "available": verdict.available,
            "returned": verdict.returned,
            "shipped_at": verdict.shipped_at,
            "last_day": verdict.last_day,
        },
    }


@router.get(
    "",
    response={200: ReturnPage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Возвраты клиента",
    description="Новые первыми, страницами по курсору. 400 `invalid_cursor` — курсор испорчен "
    "или от другого списка.",
)
def returns_list(
    request: HttpRequest,
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    page = keyset_page(
        selectors.returns_for_client(client=_own_client(request)),
        ordering=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return {
        "items": [_return_out(item) for item in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get(
    "/reasons",
    response={200: list[ReasonOut], 404: ErrorOut},
    summary="Причины возврата",
    description="Причины, которые можно выбрать при оформлении возврата (`reason_id`).",
)
def returns_reasons(request: HttpRequest):
    _own_client(request)
    return [{"id": r.pk, "name": r.name} for r in selectors.reasons_offered()]


@router.get(
    "/lines",
    response={200: ReturnableLinePage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Позиции, которые можно вернуть",
    description="Отгруженные возвратные позиции клиента, недавно отгруженные первыми, и для "
    "каждой — можно ли вернуть её сейчас (`verdict.allowed`), сколько штук и до какого дня; "
    "если нельзя — причина по-русски (срок истёк, всё уже возвращено). Правило то же, что у "
    "кнопки «Создать возврат» в «Заказах».",
)
def returns_lines(
    request: HttpRequest,
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    page = keyset_page(
        selectors.lines_returnable_for_client(client=_own_client(request)),
        ordering=("-status_changed_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    verdicts = eligibility.eligibility_for_lines(page["items"])
    items = [_line_out(line, verdicts[line.pk]) for line in page["items"]]
    return {"items": items, "next_cursor": page["next_cursor"]}


@router.get(
    "/lines/{line_id}",
    response={200: ReturnableLineDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Условия возврата позиции и сумма к возврату",
    description="Любая позиция заказа клиента: можно ли её вернуть и почему нет, и сколько "
    "денег вернётся за `quantity` штук (без `quantity` — за все, что можно вернуть; больше "
    "доступного считается как доступное).",
)
def returns_line_get(
    request: HttpRequest,
    line_id: int,
    quantity: int | None = Query(None, ge=1, description="Сколько штук вернуть"),
):
    line = selectors.line_for_return(client=_own_client(request), line_id=line_id)
    verdict = eligibility.eligibility_for(line)
    quote = services.refund_quote(line, quantity=quantity, available=verdict.available)
    return {
        **_line_out(line, verdict),
        "quote": {
            "quantity": quote.quantity,
            "gross": quote.gross,
            "deduction": quote.deduction,
            "refund": quote.refund,
        },
    }


@router.post(
    "",
    response={201: ReturnDetailOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Создать возврат",
    description="Форма multipart/form-data: `line_id`, `quantity`, `reason_id`, `description` и "
    "до нескольких файлов `photos` (JPEG, PNG или WebP; число и размер — как в кабинете). "
    "400 с кодом и полем: `not_returnable` (позицию вернуть нельзя — причина в сообщении), "
    "`quantity_too_big`, `quantity_invalid`, `reason_required`, `description_too_long`, "
    "`too_many_photos`, `photo_too_big`, `photo_not_image`, `photo_too_large`. При ошибке "
    "ничего не сохраняется. Чужая позиция — 404.",
)
def returns_create(
    request: HttpRequest,
    payload: Form[ReturnIn],
    photos: File[list[UploadedFile]] = None,
):
    client = _own_client(request)
    created = services.return_create(
        client=client,
        line_id=payload.line_id,
        quantity=payload.quantity,
        reason_id=payload.reason_id,
        description=payload.description,
        uploads=list(photos or []),
    )
    item = selectors.return_for_client(client=client, return_id=created.pk)
    return Status(201, _detail_out(item, request.user.pk))


@router.get(
    "/letters",
    response={200: LettersOut, 404: ErrorOut},
    summary="Письма о возвратах: включены ли",
)
def returns_letters_get(request: HttpRequest):
    return {"enabled": services.letters_enabled(_own_client(request).pk)}


@router.put(
    "/letters",
    response={200: LettersOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Письма о возвратах: включить или выключить",
    description="Тот же переключатель, что на странице «Возвраты» кабинета.",
)
def returns_letters_set(request: HttpRequest, payload: LettersIn):
    enabled = services.return_letters_set(client=_own_client(request), enabled=payload.enabled)
    return {"enabled": enabled}


@router.get(
    "/photos/{photo_id}",
    response={200: None, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "Снимок",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for _, content_type in FORMATS.values()
                },
            }
        }
    },
    summary="Фото возврата",
    description="Файл снимка (image/jpeg, image/png или image/webp) — только владельцу "
    "возврата; чужое фото — 404.",
)
def returns_photo(request: HttpRequest, photo_id: int):
    photo = selectors.photo_for_client(client=_own_client(request), photo_id=photo_id)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise NotFound("Фото не найдено.") from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="vozvrat-{photo.request_id}-{photo.pk}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{return_id}",
    response={200: ReturnDetailOut, 404: ErrorOut},
    summary="Возврат: позиция, суммы, фото и история",
)
def returns_get(request: HttpRequest, return_id: int):
    item = selectors.return_for_client(client=_own_client(request), return_id=return_id)
    return _detail_out(item, request.user.pk)
