"""Cabinet «Уведомления»: the client's e-mail switches per line status (seed 004)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mprating.accounts.decorators import client_required
from mprating.core.errors import ApplicationError
from mprating.notifications import selectors, services

ACTIONS = {
    "save": lambda client, post: services.preferences_save(
        client=client, enabled_status_ids=post.getlist("enabled")
    ),
    "keep_key": lambda client, post: services.preferences_keep_only_key(client=client),
    "enable_all": lambda client, post: services.preferences_enable_all(client=client),
}


def _context(request: HttpRequest, **extra) -> dict:
    statuses = selectors.preferences_for_client(client=request.client)
    key = [s for s in statuses if s.role in selectors.KEY_ROLES]
    return {"statuses": statuses, "key_statuses": key, **extra}


@client_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """GET: the list of statuses with switches. POST (htmx on every switch, or the buttons):
    save through the service; htmx gets the list re-rendered, a plain POST a redirect."""
    if request.method == "GET":
        return render(request, "notifications/preferences.html", _context(request))
    action = ACTIONS.get(request.POST.get("action") or "save")
    try:
        if action is None:
            raise ApplicationError("invalid", "Неизвестное действие. Обновите страницу.")
        enabled = action(request.client, request.POST)
    except ApplicationError as error:
        if request.htmx:
            context = _context(request, error=error.message)
            return render(request, "notifications/preferences.html#prefs", context, status=422)
        messages.error(request, error.message)
        return redirect("notifications:preferences")
    notice = f"Сохранено в {timezone.localtime():%H:%M}. Письма включены для статусов: {enabled}."
    if request.htmx:
        context = _context(request, saved=notice)
        return render(request, "notifications/preferences.html#prefs", context)
    messages.success(request, notice)
    return redirect("notifications:preferences")
