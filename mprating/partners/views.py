"""The partner area `/partner/` (the pickup point owner's pages), «Стать партнёром» and the
invitation page where a new owner sets a password.

Every point and line is looked up through its owner: another owner's id is 404.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mprating.accounts import roles
from mprating.core import ratelimits
from mprating.core.errors import ApplicationError, NotFound
from mprating.partners import selectors, services
from mprating.partners.exports import statistics_xlsx_response
from mprating.partners.forms import ApplicationForm, period_from
from mprating.pickup_points import owners

AUTH_BACKEND = "mprating.accounts.backends.EmailOrPhoneBackend"
WAITING_PER_PAGE = 50


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of the partner area: a logged-in user with the role «Владельцы ПВЗ»."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not roles.has_role(request.user, roles.PICKUP_POINT_OWNER):
            raise PermissionDenied("Раздел партнёров доступен только владельцам пунктов выдачи.")
        return view(request, *args, **kwargs)

    return wrapper


def _own_point(request: HttpRequest, point_id: int):
    point = selectors.point_of_owner(request.user, point_id)
    if point is None:
        raise Http404("Пункт выдачи не найден.")
    return point


@owner_required
def home(request: HttpRequest) -> HttpResponse:
    """The owner's points with what waits there now and what was handed out in 30 days."""
    points = list(selectors.points_of_owner(request.user))
    status = selectors.at_point_status()
    ids = [point.pk for point in points]
    now = selectors.points_now(ids, status=status)
    handed = selectors.handed_out_by_point(ids, since=timezone.localdate() - timedelta(days=29))
    rows = [
        {"point": point, "now": now[point.pk], "handed_out_30": handed.get(point.pk, 0)}
        for point in points
    ]
    context = {
        "rows": rows,
        "configured": status is not None,
        "overdue_days": settings.PARTNER_OVERDUE_DAYS,
        "waiting_total": sum(row["now"].waiting for row in rows),
    }
    return render(request, "partners/home.html", context)


@owner_required
def point_statistics(request: HttpRequest, point_id: int) -> HttpResponse:
    """Seed 000 «Смотреть статистику партнёрского ПВЗ» — the owner's own point."""
    point = _own_point(request, point_id)
    form, period = period_from(request.GET)
    stats = selectors.point_statistics(point=point, period=period)
    context = {
        "point": point,
        "form": form,
        "stats": stats,
        "chart": _chart(stats),
        "overdue_days": settings.PARTNER_OVERDUE_DAYS,
        "query": request.GET.urlencode(),
    }
    return render(request, "partners/point.html", context)


@owner_required
def point_statistics_export(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _own_point(request, point_id)
    form, period = period_from(request.GET)
    if form.is_bound and form.errors:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("partners:point", point_id=point.pk)
    return statistics_xlsx_response(point, selectors.point_statistics(point=point, period=period))


def _chart(stats: selectors.PointStats) -> list[dict]:
    """Bars of the server-drawn chart: widths in percent of the biggest number."""
    top = max([b.arrived for b in stats.buckets] + [b.handed_out for b in stats.buckets] + [1])
    return [
        {
            "bucket": bucket,
            "arrived_pct": format(round(bucket.arrived * 100 / top, 1), "g"),
            "handed_pct": format(round(bucket.handed_out * 100 / top, 1), "g"),
        }
        for bucket in stats.buckets
    ]


@owner_required
def waiting(request: HttpRequest) -> HttpResponse:
    """Orders waiting at the owner's points: «Выдан» or «Возврат» for each line."""
    points = list(selectors.points_of_owner(request.user))
    point_id = request.GET.get("point") or None
    chosen = None
    if point_id is not None:
        chosen = next((p for p in points if str(p.pk) == point_id), None)
        if chosen is None:
            raise Http404("Пункт выдачи не найден.")
    status = selectors.at_point_status()
    lines = selectors.lines_waiting_at(
        [chosen.pk] if chosen else [point.pk for point in points], status=status
    )
    # Count-free paging: one more row than shown says whether a next page exists.
    number = _page_number(request.GET.get("page"))
    start = (number - 1) * WAITING_PER_PAGE
    found = list(lines[start : start + WAITING_PER_PAGE + 1])
    page = {
        "number": number,
        "has_previous": number > 1,
        "has_next": len(found) > WAITING_PER_PAGE,
    }
    cutoff = selectors.overdue_cutoff()
    today = timezone.localdate()
    rows = [
        {
            "line": line,
            "phone": selectors.mask_phone(line.order.recipient_phone),
            "overdue": line.status_changed_at < cutoff,
            "days": (today - timezone.localdate(line.status_changed_at)).days,
        }
        for line in found[:WAITING_PER_PAGE]
    ]
    context = {
        "points": points,
        "chosen": chosen,
        "page": page,
        "rows": rows,
        "configured": status is not None,
        "status_name": status.name if status else "",
        "overdue_days": settings.PARTNER_OVERDUE_DAYS,
        "return_comment": services.RETURN_COMMENT,
    }
    return render(request, "partners/waiting.html", context)


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 10_000)
    except ValueError:
        return 1


def _line_action(request: HttpRequest, line_id: int, action, done: str) -> HttpResponse:
    try:
        line = action(owner=request.user, line_id=line_id)
    except NotFound as error:
        raise Http404(error.message) from None
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(line=line))
    back = request.POST.get("next", "")
    if back.startswith("/partner/") and "//" not in back:
        return redirect(back)
    return redirect("partners:waiting")


@owner_required
@require_POST
def line_hand_out(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_action(
        request,
        line_id,
        services.line_hand_out,
        "Выдано: {line.brand_name} {line.article}, заказ {line.order.number}.",
    )


@owner_required
@require_POST
def line_return(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_action(
        request,
        line_id,
        services.line_return,
        "Оформлен возврат: {line.brand_name} {line.article}, заказ {line.order.number} — "
        "«" + services.RETURN_COMMENT + "».",
    )


# ---- public pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimits.limit("partner-application", "RATELIMIT_REGISTRATION")
def apply(request: HttpRequest) -> HttpResponse:
    """«Стать партнёром»: the public form of a business that wants to run a pickup point."""
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                data=form.application_data(), consent_given=form.cleaned_data["consent"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("partners:apply_done")
    return render(request, "partners/apply.html", {"form": form})


def apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/apply_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the invitation letter: the new owner chooses a password, then is signed in
    and lands in the partner area. An expired, used or replaced link says so."""
    try:
        found = owners.owner_invitation_check(token=token)
    except ApplicationError as error:
        return render(request, "partners/invitation.html", {"error": error.message}, status=410)
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = owners.owner_invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ApplicationError as error:
            form.add_error("new_password1" if error.field else None, error.message)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, "Пароль сохранён. Добро пожаловать в кабинет партнёра!")
            return redirect("partners:home")
    return render(request, "partners/invitation.html", {"form": form, "invited": found.user})
