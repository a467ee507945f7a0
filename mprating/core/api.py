"""Shared pieces of the JSON API: the error shape and Russian messages for bad bodies."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError

from mprating.core.errors import ApplicationError

_PYDANTIC_MESSAGES = {
    "missing": "Обязательное поле.",
    "greater_than_equal": "Значение должно быть не меньше {ge}.",
    "less_than_equal": "Значение должно быть не больше {le}.",
    "decimal_parsing": "Введите число.",
    "decimal_max_places": "Не больше {decimal_places} знаков после запятой.",
    "decimal_max_digits": "Слишком длинное число.",
    "int_parsing": "Введите целое число.",
    "int_from_float": "Введите целое число.",
    "json_invalid": "Тело запроса — не корректный JSON.",
    "model_attributes_type": "Ожидается объект JSON.",
}


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut] = []


def _field_message(error: dict) -> str:
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return "Некорректное значение."
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return api.create_response(
            request, {"code": exc.code, "message": exc.message, "errors": errors}, status=400
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload") or "body",
                "message": _field_message(e),
            }
            for e in exc.errors
        ]
        return api.create_response(
            request,
            {"code": "invalid_input", "message": "Проверьте введённые данные.", "errors": errors},
            status=422,
        )
