"""The cabinet's home, buying a package, and the site's error pages (Russian, in the site's
design).

config/urls.py points Django's `handler400/403/404/500` here and settings point
`CSRF_FAILURE_VIEW` and `RATELIMIT_VIEW` here; the templates are `400.html`, `403.html`,
`404.html`, `429.html`, `500.html`, `403_csrf.html` of this app.
"""

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST

from mprating.accounts.decorators import client_required
from mprating.billing.models import PurchaseStatus
from mprating.billing.views import packages_page
from mprating.cabinet import personal_data, services
from mprating.cabinet.forms import PackageBuyForm
from mprating.core.errors import ApplicationError, NotFound, russian_reason
from mprating.core.exports import XLSX_MIME
from mprating.core.text import count_ru


@client_required
def home(request: HttpRequest) -> HttpResponse:
    """The cabinet opens on «Заказы» (which first moves finished orders to the archive)."""
    return redirect("orders:lines")


@client_required
@require_POST
def package_buy(request: HttpRequest) -> HttpResponse:
    """«Купить» on «Пакеты» (billing's page): through `services.package_buy`; an error shows
    the page again with the message next to that package's button, nothing bought."""
    form = PackageBuyForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return packages_page(request, error=error, status=422)
    data = form.cleaned_data
    try:
        purchase = services.package_buy(
            client=request.client,
            package_id=data["package"],
            method=data["method"],
            idempotency_key=data["idempotency_key"],
        )
    except NotFound:
        raise
    except ApplicationError as error:
        return packages_page(
            request,
            error=error.message,
            error_package_id=data["package"],
            chosen_method=data["method"],
            status=422,
        )
    if purchase.status == PurchaseStatus.PAID:
        messages.success(
            request,
            f"Пакет «{purchase.name}» оплачен с баланса: {purchase.requests_total_label} "
            f"до {timezone.localtime(purchase.valid_until):%d.%m.%Y}.",
        )
    else:
        messages.success(
            request,
            f"Счёт {purchase.number} на пакет «{purchase.name}» выставлен: оплатите его по "
            "реквизитам ниже.",
        )
    return redirect("billing:packages")


def _render(request: HttpRequest | None, template: str, context: dict) -> str:
    return loader.get_template(template).render(context, request)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(_render(request, "400.html", {}))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The reason our code gave (e.g. a ПВЗ owner opening `/cabinet/`: «Личный кабинет доступен
    только клиентам магазина.») is shown; Django's own English reasons are not."""
    context = {"reason": russian_reason(exception)}
    return HttpResponseForbidden(_render(request, "403.html", context))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`NotFound("VIN-запрос не найден.")` (core.middleware turns it into Http404 with the
    same message) shows its message; Django's own (`get_object_or_404`, an unknown URL) say
    only «Страница не найдена»: their text is English."""
    reason = russian_reason(exception)
    return HttpResponseNotFound(_render(request, "404.html", {"reason": reason}))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request, like Django's own: whatever broke (the database, a
    context processor) must not break the error page too."""
    return HttpResponseServerError(_render(None, "500.html", {"bare": True}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: an old page, or cookies switched off."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return HttpResponseForbidden(_render(request, "403_csrf.html", context))


def _wait_text(seconds: int) -> str:
    """«через 40 секунд», «через 12 минут», «через 2 часа» — rounded up."""
    if seconds < 60:
        return "через " + count_ru(seconds, "секунду", "секунды", "секунд")
    minutes = -(-seconds // 60)
    if minutes < 60:
        return "через " + count_ru(minutes, "минуту", "минуты", "минут")
    hours = -(-minutes // 60)
    return "через " + count_ru(hours, "час", "часа", "часов")


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Over a rate limit (mprating/core/ratelimits.py; settings.RATELIMIT_VIEW): 429 with when to
    try again — the site's error page, or for htmx a notice swapped out of band into the page's
    `#rate-limit-notice` (base.html) while the form itself stays as it was."""
    retry_after = getattr(exception, "retry_after", 60)
    context = {"wait": _wait_text(retry_after)}
    if getattr(request, "htmx", False):
        response = HttpResponse(_render(request, "cabinet/_rate_limited.html", context), status=429)
        response["HX-Reswap"] = "none"
    else:
        response = HttpResponse(_render(request, "429.html", context), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    """The address of an action opened as a page (see cabinet.middleware)."""
    return HttpResponseNotAllowed([], _render(request, "405.html", {}))


# ---- «Мои персональные данные» (issue 12, 152-ФЗ) ------------------------------------------


def _export_filename(extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"moi-dannye_{stamp}.{extension}"


@client_required
@require_GET
def personal_data_json(request: HttpRequest) -> HttpResponse:
    """The client's own data as JSON (a GET of the person's own data: nothing changes)."""
    data = personal_data.as_json(personal_data.personal_data_export(client_id=request.client.pk))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("json")}"'
    response["Cache-Control"] = "no-store"
    return response


@client_required
@require_GET
def personal_data_xlsx(request: HttpRequest) -> HttpResponse:
    """The same data as an XLSX workbook, one sheet per section."""
    content = personal_data.as_xlsx(personal_data.personal_data_export(client_id=request.client.pk))
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response
