"""Rate limits of the forms that cost the store something (issue 12; ASVS V11.1.4 «anti-
automation»): registration, «Забыли пароль?», the sign-in forms, file uploads, chat messages.

A limit is a setting (`RATELIMIT_REGISTRATION = "5/h"`: five POSTs an hour), counted by
django-ratelimit in the cache (Redis when REDIS_URL is set, so that every app server counts
together) per client address (mprating/core/client_ip.py) or per signed-in person. Only POSTs
count: opening a form is free. The request over the limit is refused before the view runs, so
it changes nothing; `Ratelimited` is answered by the site's Russian 429 page, or for htmx by a
small Russian notice (settings.RATELIMIT_VIEW → cabinet.views.too_many_requests).

A cache that does not answer (Redis away) lets the request through, with a warning in the log:
the limits slow automation down; they must not take registration or sign-in down with Redis.
Sign-in guessing is stopped by django-axes anyway, whose counts live in the database.
The JSON API is throttled separately (per token, django-ninja).
"""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)

# Who a limit counts: the client's address, or the signed-in person (the address otherwise).
BY_IP = "mprating.core.ratelimits.key_ip"
BY_USER = "mprating.core.ratelimits.key_user"


def key_ip(group: str, request: HttpRequest) -> str:
    from mprating.core.client_ip import client_ip

    return client_ip(request)


def key_user(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return key_ip(group, request)


class TooManyRequests(Ratelimited):
    """Over a limit; `retry_after`: seconds until the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Слишком много запросов.")
        self.retry_after = max(1, retry_after)


def check(request: HttpRequest, *, group: str, rate_setting: str, key: str = BY_IP) -> None:
    """Count this POST against the limit `settings.<rate_setting>`; over it, raise
    TooManyRequests. An empty setting switches the limit off."""
    if request.method != "POST":
        return
    rate = getattr(settings, rate_setting, "")
    if not rate:
        return
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    except Exception:  # the cache is away: fail open (see the module's docstring)
        logger.warning("Rate limit %s not checked: the cache does not answer", group, exc_info=True)
        return
    if usage is not None and usage["should_limit"]:
        raise TooManyRequests(retry_after=usage["time_left"])


def limit(
    group: str, rate_setting: str, *, key: str = BY_IP
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view decorator of `check`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            check(request, group=group, rate_setting=rate_setting, key=key)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
