"""`/api/v1/garage`: the client's cars and VIN requests as JSON (same services and selectors)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from mprating.accounts.models import Client
from mprating.core.api import ErrorOut
from mprating.garage import selectors, services
from mprating.garage.models import Vehicle, VinRequest

router = Router(tags=["Гараж"])

NOT_A_CLIENT = {
    "code": "not_a_client",
    "message": "Гараж доступен только клиентам магазина.",
    "errors": [],
}


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


class LineOut(Schema):
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
    lines: list[LineOut]


def _client(request: HttpRequest) -> Client | None:
    return Client.objects.filter(user_id=request.user.pk).first()


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


@router.get(
    "/vehicles",
    response={200: list[VehicleOut], 403: ErrorOut},
    summary="Автомобили клиента",
)
def vehicles_list(request: HttpRequest):
    client = _client(request)
    if client is None:
        return Status(403, NOT_A_CLIENT)
    return Status(200, [_vehicle_out(v) for v in selectors.vehicles_for_client(client)])


@router.post(
    "/vehicles",
    response={201: VehicleCreatedOut, 400: ErrorOut, 403: ErrorOut},
    summary="Добавить автомобиль",
    description=(
        "Марка, модель и поколение обязательны и должны относиться друг к другу; название "
        "составляется из них («Марка Модель Поколение»). VIN проверяется (буквы I, O, Q "
        "запрещены); несошедшийся контрольный знак не ошибка, а предупреждение `warning`."
    ),
)
def vehicles_create(request: HttpRequest, payload: VehicleIn):
    client = _client(request)
    if client is None:
        return Status(403, NOT_A_CLIENT)
    vehicle, warning = services.vehicle_create(
        client=client, data=services.VehicleData(**payload.dict())
    )
    return Status(201, {**_vehicle_out(vehicle), "warning": warning})


@router.get(
    "/vin-requests",
    response={200: list[VinRequestOut], 403: ErrorOut},
    summary="VIN-запросы клиента",
    description="Только запросы текущего клиента, новые первыми, с позициями и ответами.",
)
def vin_requests_list(request: HttpRequest):
    client = _client(request)
    if client is None:
        return Status(403, NOT_A_CLIENT)
    return Status(200, [_request_out(r) for r in selectors.vin_requests_for_client(client)])
