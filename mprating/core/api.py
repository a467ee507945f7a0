"""The one error shape of the JSON API and Russian messages for everything that can go wrong.

Every error under `/api/v1/` answers `{"code": …, "message": …, "field": …}`: `code` is stable
(clients branch on it), `message` is Russian and shown as is, `field` names the input field the
error is about or is `null`. A validation error (422) also carries `errors`, one
`{"field", "message"}` per bad field; its top-level `field` is the first bad field and its
`message` «Проверьте введённые данные.».

| status | code | from |
|---|---|---|
| 400 | the service's code | `ApplicationError` raised by a service |
| 400 | `malformed_body` | a body that is not JSON (not UTF-8, another content type) |
| 400 | `too_many_fields` | more form or query fields than `DATA_UPLOAD_MAX_NUMBER_FIELDS` |
| 400 | `too_many_files` | more files than `DATA_UPLOAD_MAX_NUMBER_FILES` |
| 400 | `bad_request` | any other request Django refuses as suspicious |
| 401 | `not_authenticated` | neither an API token nor a session |
| 401 | `invalid_token` | an API token that is unknown, revoked or expired (`accounts.api_auth`) |
| 403 | `csrf_failed`, `forbidden` | the CSRF check of session auth; `PermissionDenied` |
| 404 | `not_found` | `NotFound`, Django's `Http404`, an unknown URL |
| 405 | `method_not_allowed` | a method the endpoint does not have |
| 413 | `request_too_large` | a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (files do not count) |
| 414 | `url_too_long` | an address longer than `MAX_URL_LENGTH` (`core.middleware`) |
| 422 | `invalid_input` | a body or query that does not fit the schema |
| 429 | `too_many_requests` | throttling |
| 500 | `server_error` | a crash (with `DEBUG` on, the traceback is kept for the developer) |

The endpoint's own errors go through `install_error_handlers`; what Django or django-ninja
answer before an endpoint runs (unknown URL, wrong method, a crash) is reshaped by
`mprating.core.middleware.ApiErrorMiddleware` with `error_body_for_status`.
"""

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mprating.core.errors import ApplicationError, NotFound, russian_reason

_PYDANTIC_MESSAGES = {
    "missing": "Обязательное поле.",
    "greater_than_equal": "Значение должно быть не меньше {ge}.",
    "less_than_equal": "Значение должно быть не больше {le}.",
    "greater_than": "Значение должно быть больше {gt}.",
    "less_than": "Значение должно быть меньше {lt}.",
    "decimal_parsing": "Введите число.",
    "decimal_max_places": "Не больше {decimal_places} знаков после запятой.",
    "decimal_max_digits": "Слишком длинное число.",
    "int_parsing": "Введите целое число.",
    "int_from_float": "Введите целое число.",
    "int_type": "Введите целое число.",
    "bool_parsing": "Введите true или false.",
    "string_type": "Ожидается строка.",
    "string_too_long": "Не длиннее {max_length} символов.",
    "string_too_short": "Не короче {min_length} символов.",
    "uuid_parsing": "Ожидается UUID.",
    "date_parsing": "Введите дату в формате ГГГГ-ММ-ДД.",
    "date_from_datetime_parsing": "Введите дату в формате ГГГГ-ММ-ДД.",
    "date_type": "Введите дату в формате ГГГГ-ММ-ДД.",
    "enum": "Допустимые значения: {expected}.",
    "literal_error": "Допустимые значения: {expected}.",
    "json_invalid": "Тело запроса — не корректный JSON.",
    "model_attributes_type": "Ожидается объект JSON.",
    "dict_type": "Ожидается объект JSON.",
}

INVALID_INPUT_MESSAGE = "Проверьте введённые данные."

# Russian code and message for each status Django or django-ninja answers by themselves.
_STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Некорректный запрос."),
    401: (
        "not_authenticated",
        "Войдите в личный кабинет или передайте API-токен (Authorization: Bearer …): "
        "запрос без входа в систему.",
    ),
    403: ("forbidden", "Доступ запрещён."),
    404: ("not_found", NotFound().message),
    405: ("method_not_allowed", "Этот метод здесь не поддерживается."),
    413: ("request_too_large", "Запрос слишком большой."),
    414: ("url_too_long", "Адрес запроса слишком длинный."),
    422: ("invalid_input", INVALID_INPUT_MESSAGE),
    429: ("too_many_requests", "Слишком много запросов: повторите чуть позже."),
    500: ("server_error", "Внутренняя ошибка сервера. Попробуйте позже."),
}
_CSRF_FAILED = ("csrf_failed", "Запрос отклонён: нет CSRF-токена. Обновите страницу и повторите.")
_MALFORMED_BODY = (
    "malformed_body",
    "Тело запроса не разобрано: ожидается объект JSON в UTF-8 (Content-Type: application/json).",
)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def error_for_suspicious(exc: SuspiciousOperation) -> tuple[int, dict]:
    """The status and body for a request Django refuses while reading it (its own answer is a
    bare English 400): a body too big, too many fields or files, anything else suspicious."""
    if isinstance(exc, RequestDataTooBig):
        limit = _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = f"Запрос слишком большой: тело запроса — не больше {limit} МБ (без файлов)."
        return 413, error_body("request_too_large", message)
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = f"Слишком много полей в запросе: можно не больше {limit}."
        return 400, error_body("too_many_fields", message)
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        message = f"Слишком много файлов в запросе: можно не больше {limit}."
        return 400, error_body("too_many_files", message)
    return 400, error_body_for_status(400)


def url_too_long_body() -> dict:
    return error_body(
        "url_too_long",
        f"Адрес запроса слишком длинный: не больше {settings.MAX_URL_LENGTH} символов. "
        "Передайте данные в теле запроса.",
    )


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every API error: a stable code, a Russian message, the field it is about (or null)."""

    code: str
    message: str
    field: str | None = None


class ValidationErrorOut(ErrorOut):
    """422: the one shape plus one entry per bad field."""

    errors: list[FieldErrorOut] = []


# The errors any operation may answer whatever its endpoint declares (the table above), added
# to the OpenAPI schema by `document_common_errors`: (status, description, schema, applies to).
_COMMON_ERRORS = [
    (400, "Тело запроса не разобрано (malformed_body) или отклонено", "ErrorOut", "body"),
    (401, "Запрос без входа в систему (not_authenticated)", "ErrorOut", "auth"),
    (403, "Нет CSRF-токена (csrf_failed) или доступ запрещён (forbidden)", "ErrorOut", "unsafe"),
    (404, "Объект не найден или принадлежит другому клиенту (not_found)", "ErrorOut", "path"),
    (
        422,
        "Параметры или тело не подходят под схему (invalid_input)",
        "ValidationErrorOut",
        "input",
    ),
]
_UNSAFE = {"post", "put", "patch", "delete"}


def document_common_errors(schema: dict) -> dict:
    """Declare in the OpenAPI `schema` the errors every operation of its kind can answer, in
    the one error shape, where the endpoint did not: 400 to one with a body, 401 to one
    behind the session, 403 (CSRF) to one that changes something, 404 to one with an object
    id in its path, 422 to one with parameters or a body. Clients (and schemathesis) learn
    every status they can get from the schema."""
    from pydantic.json_schema import models_json_schema

    _, definitions = models_json_schema(
        [(ErrorOut, "serialization"), (ValidationErrorOut, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions["$defs"].items():
        components.setdefault(name, definition)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            applies = {
                "body": "requestBody" in operation,
                "auth": bool(operation.get("security")),
                "unsafe": method in _UNSAFE,
                "path": "{" in path,
                "input": bool(operation.get("parameters")) or "requestBody" in operation,
            }
            responses = operation.setdefault("responses", {})
            for status, description, model, when in _COMMON_ERRORS:
                if applies[when] and status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{model}"}
                            }
                        },
                    }
    return schema


def error_body(code: str, message: str, *, field: str | None = None) -> dict:
    return {"code": code, "message": message, "field": field}


def error_body_for_status(status: int) -> dict:
    """The body for an error Django or django-ninja produced without an endpoint's say."""
    fallback = _STATUS_ERRORS[500] if status >= 500 else _STATUS_ERRORS[400]
    code, message = _STATUS_ERRORS.get(status, fallback)
    return error_body(code, message)


def _field_message(error: dict) -> str:
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return "Некорректное значение."
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def _field_name(error: dict) -> str:
    # loc is ("body", "payload", "quantity") or ("query", "q"): drop the source and the
    # parameter name so that the field reads as the client sent it.
    return ".".join(str(p) for p in error.get("loc", ())[1:] if p != "payload") or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        # NotFound is an ApplicationError with status 404.
        body = error_body(exc.code, exc.message, field=exc.field)
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field_name(e), "message": _field_message(e)} for e in exc.errors]
        first = errors[0] if errors else {"field": None}
        body = {
            **error_body("invalid_input", INVALID_INPUT_MESSAGE, field=first["field"]),
            "errors": errors,
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(Http404)
    def django_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body_for_status(404), status=404)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        code, message = _STATUS_ERRORS[403]
        body = error_body(code, russian_reason(exc) or message)
        return api.create_response(request, body, status=403)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        status, body = error_for_suspicious(exc)
        return api.create_response(request, body, status=status)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja's own: 401 (no session), 403 (CSRF check of the session auth), 400 (a
        # body it cannot parse), 429 (throttling). Its messages are English.
        status = exc.status_code
        if status == 403 and "csrf" in exc.message.lower():
            body = error_body(*_CSRF_FAILED)
        elif status == 400:
            body = error_body(*_MALFORMED_BODY)
        else:
            body = error_body_for_status(status)
        return api.create_response(request, body, status=status)
