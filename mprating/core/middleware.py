"""Middleware of the whole site: how `NotFound` and the API's errors reach a person.

`NotFoundMiddleware`: a view (cabinet, back office) that lets `NotFound` escape answers 404
with the site's «Страница не найдена», exactly like `Http404`; its Russian message travels
along as the cause, so the 404 page can show it.

`ApiErrorMiddleware`: under the API prefix (`API_URL_PREFIX`, `/api/`) every error answer is
the API's one JSON shape `{code, message, field}`, also the ones no endpoint produced — an
unknown URL (Django's 404), a method the endpoint does not have (django-ninja's bare 405), a
crash (Django's 500 page). Answers that are JSON already (the endpoints' own errors, shaped
by `mprating.core.api`) pass untouched.

`UrlLengthMiddleware`: an address longer than `MAX_URL_LENGTH` is refused before anything
reads it — under the API with the one JSON shape (414 `url_too_long`), elsewhere with the
site's Russian 400 page. (gunicorn refuses a request line over its `limit_request_line` with
its own bare page; `gunicorn.conf.py` raises that limit above ours, so ours answers.)

`PermissionsPolicyMiddleware`: the `Permissions-Policy` header on every response, from
`settings.PERMISSIONS_POLICY` (feature → allowed origins; an empty list switches the feature
off everywhere, "self" allows our own pages). Django's SecurityMiddleware sends the other
security headers; this one it does not know.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from mprating.core.api import error_body_for_status, url_too_long_body
from mprating.core.errors import NotFound


class NotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            # Django turns Http404 raised here into the 404 handler's page.
            raise Http404(exception.message) from exception


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = getattr(settings, "API_URL_PREFIX", "/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status < 400 or not request.path.startswith(self.prefix):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if status >= 500 and settings.DEBUG:
            return response  # the developer needs Django's traceback page
        shaped = JsonResponse(error_body_for_status(status), status=status)
        if "Allow" in response:
            shaped["Allow"] = response["Allow"]
        return shaped


class UrlLengthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = getattr(settings, "API_URL_PREFIX", "/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path, query = request.path_info, request.META.get("QUERY_STRING", "")
        if len(path) + (len(query) + 1 if query else 0) > settings.MAX_URL_LENGTH:
            if request.path.startswith(self.prefix):
                return JsonResponse(url_too_long_body(), status=414)
            # Django answers it with the site's 400 page (handler400).
            raise SuspiciousOperation("URL longer than MAX_URL_LENGTH")
        return self.get_response(request)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""

    def origin(value: str) -> str:
        return value if value == "self" else f'"{value}"'

    return ", ".join(
        f"{feature}=({' '.join(origin(value) for value in allowed)})"
        for feature, allowed in policy.items()
    )


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
