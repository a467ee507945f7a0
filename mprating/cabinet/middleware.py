"""`MethodNotAllowedPage`: a page opened with a method it does not take — typically the address
of a button («Запустить заново», «Выдан», «Купить») typed or opened from history, which Django
answers with an empty 405 — gets the site's Russian page saying the action is done by its
button. The API's 405 keeps its JSON shape (core.middleware.ApiErrorMiddleware runs first)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mprating.cabinet.views import method_not_allowed


class MethodNotAllowedPage:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.api_prefix = getattr(settings, "API_URL_PREFIX", "/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.path.startswith(self.api_prefix)
            or response.get("Content-Length") not in (None, "0")
            or getattr(response, "content", b"")
        ):
            return response
        page = method_not_allowed(request)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
