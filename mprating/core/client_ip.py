"""The address a request came from, as every per-address limit sees it: django-ratelimit's
limits (mprating/core/ratelimits.py) and django-axes's lockouts.

Behind nginx every request reaches the app from the proxy's own address; nginx tells the app
the client's address in a header it sets itself (`proxy_set_header X-Real-IP $remote_addr;`,
which also overwrites whatever the client sent). `settings.CLIENT_IP_META_KEY` names that
header (`DJANGO_CLIENT_IP_HEADER`, `X-Real-IP` by default, as the README's nginx set-up); empty
means no proxy: the connection's own address (REMOTE_ADDR) is used, and no header is trusted.
A header that is missing or is no IP address falls back to REMOTE_ADDR as well.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    meta_key = getattr(settings, "CLIENT_IP_META_KEY", None)
    if meta_key:
        value = request.META.get(meta_key, "").strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # nosec B104: a key, not a bind
