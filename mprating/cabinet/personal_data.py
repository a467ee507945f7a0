"""«Мои персональные данные»: everything the store keeps about a client, for them to download
(issue 12, 152-ФЗ: «In «Личная информация» a client downloads their data (JSON and XLSX)»).

The export reads many apps (accounts, garage, orders, returns, billing, finance), so it lives
on the floor that may read them all: the cabinet. One query per section, whatever the client
has; every section is read through the client, so nobody gets another person's rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from mprating.accounts.models import Client, CrossScheme, DeletionRequest, User
from mprating.billing.models import PackagePurchase, PurchaseMethod, PurchaseStatus
from mprating.core.exports import Sheet, build_xlsx_sheets
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.garage.models import ChatMessage, Vehicle, VinRequest
from mprating.orders.models import Order, OrderLine, PaymentMethod
from mprating.returns.models import ReturnRequest, ReturnStatus


@dataclass(frozen=True)
class Section:
    """One table of the export: a sheet of the XLSX, a list of objects in the JSON."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


def _label(choices) -> Callable[[Any], str]:
    names = dict(choices)
    return lambda value: str(names.get(value, value or ""))


def _profile(client_id: int) -> list[Section]:
    client = Client.objects.select_related("user").get(pk=client_id)
    user: User = client.user
    profile = Section(
        "Профиль",
        [
            "Фамилия",
            "Имя",
            "Отчество",
            "E-mail",
            "Телефон",
            "Компания",
            "ИНН",
            "Индивидуальная наценка, %",
            "Схема кросс-связей",
            "Зарегистрирован",
            "Согласие на обработку персональных данных",
        ],
        [
            [
                user.last_name,
                user.first_name,
                user.middle_name,
                user.email,
                user.phone_display,
                client.company_name,
                client.inn,
                client.markup_percent,
                _label(CrossScheme.choices)(client.cross_scheme),
                client.created_at,
                client.personal_data_consent_at,
            ]
        ],
    )
    status = _label(DeletionRequest.Status.choices)
    deletion = Section(
        "Запросы на удаление",
        ["Номер", "Создан", "Состояние", "Решение"],
        [
            [row["pk"], row["created_at"], status(row["status"]), row["decided_at"]]
            for row in DeletionRequest.objects.filter(client_id=client_id)
            .order_by("created_at", "pk")
            .values("pk", "created_at", "status", "decided_at")
        ],
    )
    return [profile, deletion]


def _garage(client_id: int) -> list[Section]:
    vehicles = Section(
        "Автомобили",
        ["Автомобиль", "VIN или номер кузова", "Год выпуска", "Мощность, л.с.", "Комментарий"],
        [
            [r["name"], r["vin_or_frame"], r["year"], r["power_hp"], r["comment"]]
            for r in Vehicle.objects.filter(client_id=client_id)
            .order_by("pk")
            .values("name", "vin_or_frame", "year", "power_hp", "comment")
        ],
    )
    status = _label(VinRequest.Status.choices)
    requests = Section(
        "VIN-запросы",
        ["Номер", "Создан", "Автомобиль", "VIN или номер кузова", "Комментарий", "Статус"],
        [
            [
                r["pk"],
                r["created_at"],
                r["vehicle_name"],
                r["vin"],
                r["comment"],
                status(r["status"]),
            ]
            for r in VinRequest.objects.filter(client_id=client_id)
            .order_by("pk")
            .values("pk", "created_at", "vehicle_name", "vin", "comment", "status")
        ],
    )
    chat = Section(
        "Сообщения чата",
        ["VIN-запрос", "Отправлено", "От кого", "Сообщение"],
        [
            [r["request_id"], r["created_at"], "вы" if r["from_client"] else "менеджер", r["text"]]
            for r in ChatMessage.objects.filter(request__client_id=client_id)
            .order_by("request_id", "created_at", "pk")
            .values("request_id", "created_at", "from_client", "text")
        ],
    )
    return [vehicles, requests, chat]


def _orders(client_id: int) -> list[Section]:
    payment = _label(PaymentMethod.choices)
    orders = Section(
        "Заказы",
        [
            "Номер",
            "Создан",
            "Способ оплаты",
            "Номер получателя",
            "Пункт выдачи",
            "Адрес пункта выдачи",
            "Адрес доставки",
            "Комментарий",
            "Списано с баланса, ₽",
            "В архиве с",
        ],
        [
            [
                r["number"],
                r["created_at"],
                payment(r["payment_method"]),
                r["recipient_phone"],
                r["pickup_point__name"] or "",
                r["pickup_point__address"] or "",
                r["delivery_address"],
                r["comment"],
                r["balance_charged"],
                r["archived_at"],
            ]
            for r in Order.objects.filter(client_id=client_id)
            .order_by("pk")
            .values(
                "number",
                "created_at",
                "payment_method",
                "recipient_phone",
                "pickup_point__name",
                "pickup_point__address",
                "delivery_address",
                "comment",
                "balance_charged",
                "archived_at",
            )
        ],
    )
    lines = Section(
        "Позиции заказов",
        [
            "Заказ",
            "Бренд",
            "Артикул",
            "Наименование",
            "Количество",
            "Цена, ₽",
            "Статус",
            "Статус изменён",
            "Комментарий",
        ],
        [
            [
                r["order__number"],
                r["brand_name"],
                r["article"],
                r["product_name"],
                r["quantity"],
                r["price"],
                r["status__name"],
                r["status_changed_at"],
                r["comment"],
            ]
            for r in OrderLine.objects.filter(client_id=client_id)
            .order_by("order_id", "pk")
            .values(
                "order__number",
                "brand_name",
                "article",
                "product_name",
                "quantity",
                "price",
                "status__name",
                "status_changed_at",
                "comment",
            )
        ],
    )
    return [orders, lines]


def _returns(client_id: int) -> list[Section]:
    status = _label(ReturnStatus.choices)
    return [
        Section(
            "Возвраты",
            [
                "Номер",
                "Создан",
                "Заказ",
                "Артикул",
                "Количество",
                "Причина",
                "Описание",
                "Статус",
                "Удержание, %",
                "К возврату, ₽",
                "Деньги возвращены",
            ],
            [
                [
                    f"№ {r['pk']}",
                    r["created_at"],
                    r["line__order__number"],
                    r["line__article"],
                    r["quantity"],
                    r["reason__name"] or "",
                    r["description"],
                    status(r["status"]),
                    r["deduction_percent"],
                    r["refund_amount"],
                    r["refunded_at"],
                ]
                for r in ReturnRequest.objects.filter(client_id=client_id)
                .order_by("pk")
                .values(
                    "pk",
                    "created_at",
                    "line__order__number",
                    "line__article",
                    "quantity",
                    "reason__name",
                    "description",
                    "status",
                    "deduction_percent",
                    "refund_amount",
                    "refunded_at",
                )
            ],
        )
    ]


def _money(client_id: int) -> list[Section]:
    status = _label(PurchaseStatus.choices)
    method = _label(PurchaseMethod.choices)
    purchases = Section(
        "Покупки пакетов",
        ["Номер", "Пакет", "Цена, ₽", "Способ оплаты", "Состояние", "Оформлена", "Действует до"],
        [
            [
                PackagePurchase.number_for(r["pk"]),
                r["name"],
                r["price"],
                method(r["payment_method"]),
                status(r["status"]),
                r["created_at"],
                r["valid_until"],
            ]
            for r in PackagePurchase.objects.filter(client_id=client_id)
            .order_by("pk")
            .values("pk", "name", "price", "payment_method", "status", "created_at", "valid_until")
        ],
    )
    kind = _label(EntryKind.choices)
    ledger = Section(
        "Операции по балансу",
        ["Дата", "Операция", "Документ", "Списано, ₽", "Поступило, ₽", "Комментарий"],
        [
            [
                r["occurred_at"],
                kind(r["kind"]),
                r["document_label"],
                r["debit"],
                r["credit"],
                r["comment"],
            ]
            for r in LedgerEntry.objects.filter(client_id=client_id)
            .order_by("occurred_at", "pk")
            .values("occurred_at", "kind", "document_label", "debit", "credit", "comment")
        ],
    )
    return [purchases, ledger]


def personal_data_export(*, client_id: int) -> list[Section]:
    """Every section of the client's data (about a dozen queries, whatever the client has)."""
    return [
        *_profile(client_id),
        *_garage(client_id),
        *_orders(client_id),
        *_returns(client_id),
        *_money(client_id),
    ]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_json(sections: list[Section]) -> dict:
    """{"Выгружено": …, "Профиль": [{column: value}, …], …}: Russian names, as on the sheets."""
    data: dict[str, Any] = {"Выгружено": timezone.localtime().isoformat()}
    for section in sections:
        data[section.title] = [
            {column: _json_value(value) for column, value in zip(section.columns, row, strict=True)}
            for row in section.rows
        ]
    return data


def as_xlsx(sections: list[Section]) -> bytes:
    """One sheet per section; the client's texts never become formulas (core.exports)."""
    return build_xlsx_sheets(
        [Sheet(section.title, section.columns, section.rows) for section in sections]
    )
