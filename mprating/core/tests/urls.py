"""A tiny site for the tests of core.api and core.middleware: an API that fails in every way
on purpose and a page that raises NotFound. It uses nothing above core."""

from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.urls import path
from ninja import Field, NinjaAPI, Schema
from ninja.security import django_auth

from mprating.core.api import install_error_handlers
from mprating.core.errors import ApplicationError, NotFound

api = NinjaAPI(title="core test API", urls_namespace="core-test-api", auth=None)
install_error_handlers(api)


class ItemIn(Schema):
    quantity: int = Field(..., ge=1, le=10)
    comment: str = ""


@api.get("/application-error")
def application_error(request):
    raise ApplicationError("stock_short", "Можно заказать не больше 3 шт.", field="quantity")


@api.get("/rule-error")
def rule_error(request):
    raise ApplicationError("status_unchanged", "Статус уже такой.")


@api.get("/not-found")
def not_found(request):
    raise NotFound("Заказ не найден.")


@api.get("/django-404")
def django_not_found(request):
    raise Http404("No Order matches the given query.")


@api.get("/forbidden-russian")
def forbidden_russian(request):
    raise PermissionDenied("Раздел доступен только клиентам магазина.")


@api.get("/forbidden-english")
def forbidden_english(request):
    raise PermissionDenied("You do not have permission to perform this action.")


@api.post("/items")
def items_create(request, payload: ItemIn):
    return {"quantity": payload.quantity}


@api.post("/private", auth=django_auth)
def private(request, payload: ItemIn):
    return {"quantity": payload.quantity}


@api.get("/crash")
def crash(request):
    raise RuntimeError("boom")


def page_raising_not_found(request: HttpRequest) -> HttpResponse:
    raise NotFound("VIN-запрос не найден.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Stands for the site's «Форма устарела» page (which needs the site's URLs).
    return HttpResponseForbidden("csrf")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Stands for the site's 404 page: shows what the 404 handler was given.
    return HttpResponseNotFound(f"404: {exception}")


def server_error(request: HttpRequest) -> HttpResponse:
    # Stands for the site's HTML 500 page.
    return HttpResponseServerError("<h1>Server Error (500)</h1>")


handler404 = page_not_found
handler500 = server_error

urlpatterns = [
    path("api/v1/", api.urls),
    path("page/", page_raising_not_found),
]
