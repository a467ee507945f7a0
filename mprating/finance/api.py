"""`/api/v1/finance`: the cabinet's «Финансы» (seed 004) as JSON, read the same way.

Seed 004: «простейшее информационное окно, позволяющее увидеть баланс клиента в
интернет-магазине на данный момент времени, а также раскрыть подробности в виде транзакций за
последние две недели … Также по отдельной кнопке можно запросить акт сверки за определённый
период». Every figure comes through `get_gateway()` and `reports.period_report`, as on the
page, so the API is the same for the embedded ledger and for 1С: when the data is a copy from
1С, `data_as_of` says how fresh it is and `stale` that it may be out of date; when 1С cannot be
reached and there is no copy, the answer is 503 `accounting_unavailable` with the page's
message. The акт сверки is made in the background (`services.statement_request`): the request
answers 202 with the акт's state, the list and the акт show its progress, its files are
downloaded when it is «Готов». Another client's акт is 404.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.core.api import ErrorOut, ValidationErrorOut, error_body
from mprating.core.api_paging import (
    CURSOR_DESCRIPTION,
    DEFAULT_LIMIT,
    LIMIT_QUERY,
    InvalidCursor,
    cursor_page_schema,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.money import ZERO
from mprating.finance import selectors, services
from mprating.finance.gateway import Freshness, GatewayUnavailable, freshness, get_gateway
from mprating.finance.models import Statement
from mprating.finance.reports import PeriodReport, Row, period_problem, period_report, recent_period

router = Router(tags=["Финансы"])

NOT_A_CLIENT = "Финансы есть только у клиентов магазина."
_PAGE = LIMIT_QUERY
_CURSOR = CURSOR_DESCRIPTION
_DATE_FROM = "Начало периода (ГГГГ-ММ-ДД); без дат — последние дни, как в кабинете"
_DATE_TO = "Конец периода включительно (ГГГГ-ММ-ДД)"


class BalanceOut(Schema):
    balance: Decimal = Field(
        ..., description="Баланс, ₽: больше нуля — средства на счёте, меньше — задолженность"
    )
    credit_limit: Decimal = Field(..., description="Кредитный лимит, ₽")
    available: Decimal = Field(
        ..., description="Доступно для оплаты с баланса, ₽: баланс + лимит, не меньше нуля"
    )
    as_of: datetime = Field(..., description="Момент, на который дан баланс")
    data_as_of: datetime | None = Field(
        ..., description="Данные учётной системы (1С) на этот момент; null — данные живые"
    )
    stale: bool = Field(..., description="Данные из 1С могут быть неактуальны")
    notice: str = Field(..., description="То, что кабинет пишет о свежести данных (или пусто)")


class TransactionOut(Schema):
    id: str = Field(..., description="Номер операции в источнике (журнал или документ 1С)")
    occurred_at: datetime
    document: str = Field(..., description="Операция и документ: «Оплата — П/п № 214»")
    debit: Decimal = Field(..., description="Списано, ₽ (заказы, пакеты)")
    credit: Decimal = Field(..., description="Поступило, ₽ (оплаты и возвраты)")
    balance_after: Decimal = Field(..., description="Баланс после операции, ₽")


TransactionPage = cursor_page_schema(TransactionOut, "TransactionPage")


class PeriodOut(Schema):
    date_from: date
    date_to: date
    opening: Decimal = Field(..., description="На начало периода, ₽")
    debit_total: Decimal = Field(..., description="Списано (дебет) за период, ₽")
    credit_total: Decimal = Field(..., description="Поступило (кредит) за период, ₽")
    closing: Decimal = Field(..., description="На конец периода, ₽")
    count: int = Field(..., description="Операций за период")
    data_as_of: datetime | None
    stale: bool


class StatementFilesOut(Schema):
    pdf: str | None = Field(..., description="Адрес PDF; null, пока акт не готов")
    xlsx: str | None = Field(..., description="Адрес XLSX; null, пока акт не готов")


class StatementOut(Schema):
    id: int
    date_from: date
    date_to: date
    title: str = Field(..., description="«Акт сверки с 01.01.2026 по 31.03.2026»")
    status: str = Field(..., description="queued, running, done или failed")
    status_label: str
    progress: int = Field(..., description="Готовность, %")
    error_message: str = Field(..., description="Почему не получилось (для failed)")
    created_at: datetime
    finished_at: datetime | None
    data_as_of: datetime | None
    opening_balance: Decimal | None = Field(..., description="Сальдо начальное, ₽ (когда готов)")
    debit_turnover: Decimal | None
    credit_turnover: Decimal | None
    closing_balance: Decimal | None = Field(..., description="Сальдо конечное, ₽ (когда готов)")
    movements_count: int | None
    files: StatementFilesOut


StatementPage = cursor_page_schema(StatementOut, "StatementPage")


class PeriodIn(Schema):
    date_from: date | None = Field(None, description=_DATE_FROM)
    date_to: date | None = Field(None, description=_DATE_TO)


class StatementIn(Schema):
    date_from: date = Field(..., description="Начало периода акта (ГГГГ-ММ-ДД)")
    date_to: date = Field(..., description="Конец периода акта включительно (ГГГГ-ММ-ДД)")


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound(NOT_A_CLIENT)
    return client


def _unavailable(error: GatewayUnavailable):
    return Status(503, error_body(error.code, error.message))


def _notice(fresh: Freshness) -> str:
    """The page's line about the data of 1С (nothing for the live ledger)."""
    if fresh.as_of is None:
        return ""
    text = f"Данные учётной системы на {timezone.localtime(fresh.as_of):%d.%m.%Y %H:%M}"
    if fresh.stale:
        return f"{text}. Они могут быть неактуальны: обновление из учётной системы задерживается."
    return f"{text}."


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for, under the page's rule; none at all is the page's default."""
    if date_from is None and date_to is None:
        return recent_period()
    problem = period_problem(
        date_from, date_to, max_days=settings.FINANCE_PAGE_MAX_DAYS, what="выписки"
    )
    if problem:
        raise ApplicationError("period_invalid", problem.message, field=problem.field)
    return date_from, date_to


def _report(client: Client, date_from: date | None, date_to: date | None) -> PeriodReport:
    start, end = _period(date_from, date_to)
    return period_report(get_gateway(), client, start=start, end=end)


# The cursor of the operations: the last row's moment and source id, and the period it was
# made for (a cursor of another period is refused, as one of another ordering is).
_ROWS_ORDERING = ("occurred_at", "ref", "period")


def _rows_page(report: PeriodReport, *, cursor: str | None, limit: int) -> dict:
    """A page of the period's operations, oldest first, after `cursor`.

    The gateway gives the whole period at once (1С answers a period, not a page); the cursor
    is the last row's key, so a page starts right after it even if rows were added before.
    """
    rows: list[Row] = report.rows
    period = f"{report.start:%Y-%m-%d}/{report.end:%Y-%m-%d}"
    start = 0
    if cursor:
        occurred_at, ref, cursor_period = decode_cursor(cursor, _ROWS_ORDERING)
        if cursor_period != period:
            raise InvalidCursor
        start = next(
            (
                index + 1
                for index, row in enumerate(rows)
                if row.movement.occurred_at == occurred_at and row.movement.ref == ref
            ),
            None,
        )
        if start is None:  # that row is gone: go on from its moment
            start = next(
                (i for i, row in enumerate(rows) if row.movement.occurred_at > occurred_at),
                len(rows),
            )
    page = rows[start : start + limit]
    next_cursor = None
    if start + limit < len(rows) and page:
        last = page[-1].movement
        next_cursor = encode_cursor(_ROWS_ORDERING, [last.occurred_at, last.ref, period])
    items = [
        {
            "id": row.movement.ref,
            "occurred_at": row.movement.occurred_at,
            "document": row.movement.document,
            "debit": row.movement.debit,
            "credit": row.movement.credit,
            "balance_after": row.balance_after,
        }
        for row in page
    ]
    return {"items": items, "next_cursor": next_cursor}


def _statement_out(statement: Statement) -> dict:
    ready = statement.status == Statement.Status.DONE
    base = f"/api/v1/finance/statements/{statement.pk}/files"
    return {
        "id": statement.pk,
        "date_from": statement.period_start,
        "date_to": statement.period_end,
        "title": f"Акт сверки {statement.period_label}",
        "status": statement.status,
        "status_label": statement.get_status_display(),
        "progress": statement.progress,
        "error_message": statement.error_message,
        "created_at": statement.created_at,
        "finished_at": statement.finished_at,
        "data_as_of": statement.data_as_of,
        "opening_balance": statement.opening_balance,
        "debit_turnover": statement.debit_turnover,
        "credit_turnover": statement.credit_turnover,
        "closing_balance": statement.closing_balance,
        "movements_count": statement.movements_count,
        "files": {
            "pdf": f"{base}/pdf" if ready and statement.pdf else None,
            "xlsx": f"{base}/xlsx" if ready and statement.xlsx else None,
        },
    }


@router.get(
    "/balance",
    response={200: BalanceOut, 404: ErrorOut, 503: ErrorOut},
    summary="Баланс и кредитный лимит",
    description="Баланс на сейчас, кредитный лимит и сколько доступно для оплаты с баланса — "
    "как во вкладке «Финансы». Если данные — копия из учётной системы (1С), `data_as_of` "
    "и `stale` говорят, насколько они свежие. 503 — учётная система недоступна.",
)
def finance_balance(request: HttpRequest):
    client = _own_client(request)
    gateway = get_gateway()
    info = selectors.balance_info(client.pk)
    try:
        balance = gateway.balance(client)
        fresh = freshness(gateway, client)
    except GatewayUnavailable as error:
        return _unavailable(error)
    return {
        "balance": balance,
        "credit_limit": info.credit_limit,
        "available": max(balance + info.credit_limit, ZERO),
        "as_of": timezone.now(),
        "data_as_of": fresh.as_of,
        "stale": fresh.stale,
        "notice": _notice(fresh),
    }


@router.get(
    "/transactions",
    response={
        200: TransactionPage,
        400: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
        503: ErrorOut,
    },
    summary="Операции по балансу за период",
    description="Старые первыми, с балансом после каждой операции, страницами по курсору. "
    "Без дат — последние дни (как вкладка «Финансы»: `FINANCE_RECENT_DAYS`, по умолчанию "
    "14). 400 `period_invalid` с полем `date_from` или `date_to` — период не подходит "
    "(конец раньше начала, позже сегодняшнего дня, длиннее допустимого, одна дата без "
    "другой); 400 `invalid_cursor` — курсор испорчен или от другого периода.",
)
def finance_transactions(
    request: HttpRequest,
    period: Query[PeriodIn],
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    client = _own_client(request)
    try:
        report = _report(client, period.date_from, period.date_to)
    except GatewayUnavailable as error:
        return _unavailable(error)
    return _rows_page(report, cursor=cursor, limit=limit)


@router.get(
    "/period",
    response={200: PeriodOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut},
    summary="Итоги периода: на начало, списано, поступило, на конец",
    description="Те же итоги, что над таблицей операций во вкладке «Финансы»; даты и ошибки "
    "— как у /finance/transactions.",
)
def finance_period(
    request: HttpRequest,
    period: Query[PeriodIn],
):
    client = _own_client(request)
    try:
        report = _report(client, period.date_from, period.date_to)
    except GatewayUnavailable as error:
        return _unavailable(error)
    return {
        "date_from": report.start,
        "date_to": report.end,
        "opening": report.opening,
        "debit_total": report.debit_total,
        "credit_total": report.credit_total,
        "closing": report.closing,
        "count": report.count,
        "data_as_of": report.freshness.as_of,
        "stale": report.freshness.stale,
    }


@router.get(
    "/statements",
    response={200: StatementPage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Акты сверки клиента",
    description="Запрошенные акты, новые первыми, страницами по курсору, с состоянием и "
    "готовностью; у готовых — итоги и адреса файлов.",
)
def finance_statements(
    request: HttpRequest,
    cursor: str | None = Query(None, description=_CURSOR),
    limit: int = Query(DEFAULT_LIMIT, **_PAGE),
):
    page = keyset_page(
        selectors.statements_for_client(_own_client(request).pk),
        ordering=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return {
        "items": [_statement_out(item) for item in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.post(
    "/statements",
    response={202: StatementOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Запросить акт сверки за период",
    description="Акт формируется в фоне: ответ 202 с его id и состоянием (queued → running → "
    "done или failed); следите за ним через GET /finance/statements/{id}. Повторный запрос "
    "того же периода, пока акт не готов, вернёт тот же акт. 400 `statement_period` с полем "
    "`date_from` или `date_to` — период не подходит.",
)
def finance_statement_request(request: HttpRequest, payload: StatementIn):
    client = _own_client(request)
    statement = services.statement_request(
        client_id=client.pk, start=payload.date_from, end=payload.date_to, by=request.user
    )
    statement.refresh_from_db()  # a worker may have made it already
    return Status(202, _statement_out(statement))


@router.get(
    "/statements/{statement_id}",
    response={200: StatementOut, 404: ErrorOut},
    summary="Акт сверки: состояние, итоги, файлы",
)
def finance_statement_get(request: HttpRequest, statement_id: int):
    statement = selectors.statement_for_client(
        client_id=_own_client(request).pk, statement_id=statement_id
    )
    return _statement_out(statement)


@router.get(
    "/statements/{statement_id}/files/{kind}",
    response={200: None, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "Файл акта сверки",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in selectors.FILE_TYPES.values()
                },
            }
        }
    },
    summary="Скачать акт сверки (PDF или XLSX)",
    description="`kind` — `pdf` (для печати и подписи) или `xlsx`. 404 — чужой акт, другой "
    "`kind` или акт ещё не готов.",
)
def finance_statement_file(request: HttpRequest, statement_id: int, kind: str):
    statement, stored = selectors.statement_file_for_client(
        client_id=_own_client(request).pk, statement_id=statement_id, kind=kind
    )
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=statement.file_name(kind),
        content_type=selectors.FILE_TYPES[kind],
    )
