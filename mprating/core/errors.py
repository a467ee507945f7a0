"""Business errors with a stable code and a Russian message.

Services raise `ApplicationError`; the cabinet, the API and the back office show its
`message` as is, so the same rule reads the same everywhere.
"""


class ApplicationError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
