"""Addresses reversed once per process (issue 13: the cabinet's frame and navigation asked
`reverse()` some twenty times on every page, ~30 µs each; a table of 50 rows, a few per row):
addresses without arguments (`reverse_fixed`), and addresses around their one argument
(`url_around`, `reverse_object`), reversed with a marker in its place and filled in per row.

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


# An argument no real object has, put where the argument goes and cut out again.
MARKER = 987654321987654321
_around: dict[tuple[str, str, str, str], tuple[str, str] | None] = {}


def url_around(name: str, marker: int | str = MARKER) -> tuple[str, str] | None:
    """The address of `name` before and after its one argument, reversed once with `marker`
    in its place (a marker of the argument's kind: an id, or an order number); None when the
    marker does not stand exactly once in it (then call `reverse` itself)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, str(marker))
    if key not in _around:
        marked = reverse(name, args=[marker])
        before, found, after = marked.partition(str(marker))
        _around[key] = (before, after) if found and str(marker) not in after else None
    return _around[key]


def reverse_object(name: str, pk) -> str:
    """`reverse(name, args=[pk])` for an address with one integer argument."""
    parts = url_around(name) if type(pk) is int else None
    if parts is None:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"
