"""Cabinet «Возвраты» (seed 004): the list with the letters switch, «Создать возврат» on a
shipped line, a return's page with its history, and the photos (owner and staff only).

Thin views: the form parses, `services` decide, `selectors` read through `request.client`.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mprating.accounts.decorators import client_required
from mprating.core import ratelimits
from mprating.core.errors import ApplicationError
from mprating.returns import eligibility, selectors, services
from mprating.returns.forms import ReturnForm
from mprating.returns.models import ReturnStatus

PER_PAGE = 20


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


def _letters_context(request: HttpRequest, **extra) -> dict:
    return {"letters_on": services.letters_enabled(request.client.pk), **extra}


@client_required
@require_GET
def returns_list(request: HttpRequest) -> HttpResponse:
    """«Возвраты»: the client's returns, newest first, and the switch of the letters."""
    paginator = Paginator(selectors.returns_for_client(client=request.client), PER_PAGE)
    page = paginator.get_page(_page_number(request.GET.get("page")))
    context = _letters_context(request, page=page, statuses=ReturnStatus)
    return render(request, "returns/list.html", context)


@client_required
@require_POST
def letters(request: HttpRequest) -> HttpResponse:
    """The switch «Письма о возвратах» (htmx on change, or a plain POST)."""
    enabled = services.return_letters_set(
        client=request.client, enabled=request.POST.get("enabled") in {"on", "1", "true"}
    )
    notice = "Письма о возвратах включены." if enabled else "Письма о возвратах выключены."
    if request.htmx:
        return render(request, "returns/list.html#letters", _letters_context(request, saved=notice))
    messages.success(request, notice)
    return redirect("returns:list")


def _quote(line, raw: str | None, available: int) -> services.RefundQuote:
    """The refund for the quantity typed in the form (all that is left when it is not a
    number)."""
    try:
        quantity = int(raw) if raw else None
    except ValueError:
        quantity = None
    return services.refund_quote(line, quantity=quantity, available=available)


@client_required
@require_http_methods(["GET", "POST"])
@ratelimits.limit("upload", "RATELIMIT_UPLOAD", key=ratelimits.BY_USER)
def create(request: HttpRequest, line_id: int) -> HttpResponse:
    """«Создать возврат»: the policy, the refund for the chosen quantity, the form."""
    line = selectors.line_for_return(client=request.client, line_id=line_id)
    verdict = eligibility.eligibility_for(line)
    form = None
    if verdict.allowed:
        form = ReturnForm(
            request.POST or None,
            request.FILES or None,
            available=verdict.available,
            initial={"quantity": verdict.available},
        )
    if request.method == "POST" and form is None:
        messages.error(request, verdict.reason)
        return redirect("orders:lines")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            return_request = services.return_create(
                client=request.client,
                line_id=line.pk,
                quantity=data["quantity"],
                reason_id=data["reason"].pk,
                description=data["description"],
                uploads=data["photos"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Возврат {return_request.number} оформлен. Менеджер рассмотрит его; "
                "статус видно здесь и в письмах.",
            )
            return redirect("returns:detail", return_request.pk)
    raw_quantity = form["quantity"].value() if form is not None else None
    quote = _quote(line, raw_quantity, verdict.available)
    limits = {"photos": settings.RETURNS_MAX_PHOTOS, "mb": settings.RETURNS_MAX_PHOTO_MB}
    context = {"line": line, "verdict": verdict, "form": form, "quote": quote, "limits": limits}
    status = 422 if request.method == "POST" else 200
    return render(request, "returns/create.html", context, status=status)


@client_required
@require_GET
def quote(request: HttpRequest, line_id: int) -> HttpResponse:
    """The refund for the quantity typed in the form (htmx, on every change)."""
    line = selectors.line_for_return(client=request.client, line_id=line_id)
    verdict = eligibility.eligibility_for(line)
    context = {
        "line": line,
        "quote": _quote(line, request.GET.get("quantity"), verdict.available),
    }
    return render(request, "returns/create.html#quote", context)


@client_required
@require_GET
def detail(request: HttpRequest, return_id: int) -> HttpResponse:
    """A return's page: the position, the amounts, the photos and the history."""
    return_request = selectors.return_for_client(client=request.client, return_id=return_id)
    return render(
        request,
        "returns/detail.html",
        {"ret": return_request, "statuses": ReturnStatus, "zero": Decimal("0")},
    )


@login_required
@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A photo of a return, to the client who owns it and to staff who may see returns; to
    anyone else 404, as if it did not exist."""
    item = selectors.photo_for_viewer(user=request.user, photo_id=photo_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("Фото не найдено.") from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="vozvrat-{item.request_id}-{item.pk}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
