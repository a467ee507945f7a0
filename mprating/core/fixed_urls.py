"""Addresses without arguments, reversed once per process (issue 13: the cabinet's frame and
navigation asked `reverse()` some twenty times on every page, ~30 µs each).

The key holds what the answer depends on: the URLconf (a request's own, or the settings' —
tests may swap it) and the script prefix (the app mounted under a sub-path)."""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple[str, str, str], str] = {}


def reverse_fixed(name: str) -> str:
    """`reverse(name)` for a URL name that takes no arguments, remembered."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url
