"""Business errors with a stable code and a Russian message.

Services raise `ApplicationError`; the cabinet, the API and the back office show its
`message` as is, so the same rule reads the same everywhere. `NotFound` is the one way to say
"no such object for this person": the cabinet and the back office answer it with 404 (a
middleware turns it into `Http404`), the API with 404 in the one error shape
`{code, message, field?}`. Its code is always `not_found`.
"""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(ApplicationError):
    """Another person's object, or none at all: always 404, never a hint which."""

    status_code = 404

    def __init__(self, message: str = "Не найдено.", *, field: str | None = None) -> None:
        super().__init__("not_found", message, field=field)


def russian_reason(error: BaseException) -> str | None:
    """The reason an error carries when our code gave one (Russian), else None.

    `PermissionDenied("Личный кабинет доступен только клиентам магазина.")` keeps its reason
    for the 403 page and the API; Django's and packages' reasons are English or empty and
    must not reach a person («everything a person sees is Russian»)."""
    text = str(error.args[0]) if error.args and isinstance(error.args[0], str) else ""
    if any("а" <= char <= "я" or char == "ё" for char in text.lower()):
        return text
    return None
