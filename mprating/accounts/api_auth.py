"""How the JSON API knows who calls: a personal API token or the site's session, and how often
each may call.

`Authorization: Bearer mpr_…` is checked first (no CSRF: a script has no cookie to be tricked
into sending); without that header the site's session with its CSRF token is. A header that
carries a token that does not work — unknown, revoked, expired, or its client's access is
switched off — is refused with 401 `invalid_token`, never tried as a session. With a token,
`request.user` is the token's user, so every endpoint finds «its» client as for a session.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from mprating.accounts import services
from mprating.accounts.models import ApiToken
from mprating.core.errors import ApplicationError

INVALID_TOKEN_MESSAGE = (
    "API-токен не принят: он неизвестен, отозван или срок его действия истёк. Создайте новый "  # nosec B105 — a message, not a secret
    "в личном кабинете: «Личная информация» → «API-токены»."
)


class InvalidApiToken(ApplicationError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("invalid_token", INVALID_TOKEN_MESSAGE)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer mpr_<prefix>_<secret>`: a client's personal API token."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None  # no token: the session is tried next
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = services.api_token_authenticate(plain=token, ip=request.META.get("REMOTE_ADDR"))
        if api_token is None:
            raise InvalidApiToken()
        request.user = api_token.client.user
        return api_token


def _per_thread(name: str) -> property:
    """An attribute kept per thread: django-ninja's throttle keeps the request it is deciding
    on (`key`, `history`, `now`) on the instance, and one instance serves every request."""

    def get(self):
        return getattr(self._local, name, None)

    def set_(self, value) -> None:
        setattr(self._local, name, value)

    return property(get, set_)


class _SettingRateThrottle(SimpleRateThrottle):
    """A django-ninja throttle whose rate is read from a setting at every request (so that a
    changed setting — in a test, too — applies without a restart); an empty rate: no limit."""

    rate_setting = ""
    rate = _per_thread("rate")
    num_requests = _per_thread("num_requests")
    duration = _per_thread("duration")
    key = _per_thread("key")
    history = _per_thread("history")
    now = _per_thread("now")

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.rate_setting, "") or None
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class ApiTokenRateThrottle(_SettingRateThrottle):
    """`API_TOKEN_RATE` requests per token: one busy script does not slow the others."""

    scope = "api_token"
    rate_setting = "API_TOKEN_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if not isinstance(auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": auth.pk}


class SessionRateThrottle(_SettingRateThrottle):
    """`API_SESSION_RATE` requests per signed-in user of the site's session."""

    scope = "api_session"
    rate_setting = "API_SESSION_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if auth is None or isinstance(auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


api_token_auth = ApiTokenAuth()
API_THROTTLES = [ApiTokenRateThrottle(), SessionRateThrottle()]
