"""Every page of the partner area, rendered: the strict Content-Security-Policy header
(mprating/core/csp.py) and nothing it would refuse — no <script> without src, no on…= handler,
no style="" (the bars of the statistics are data-percent, static/js/styles.js)."""

import re

import pytest
from django.urls import URLPattern, get_resolver

from mprating.accounts.tests.factories import make_client
from mprating.partners.tests.factories import arrive, line_to, msk

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)
NOT_PAGES = {"point_export", "line_hand_out", "line_return"}


def _partner_url_names() -> set[str]:
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) == "partners":
            return {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    raise AssertionError("no partners URLs")


def test_every_partner_page_has_the_strict_policy_and_no_inline_code(
    client, owner, point, at_point
):
    buyer = make_client(last_name="Морозова", first_name="Ольга")
    arrive(line_to(point, client=buyer), msk(2026, 11, 9, 10))
    pages = {
        "apply": ("/partner/apply/", 200),
        "apply_done": ("/partner/apply/sent/", 200),
        "invitation": ("/partner/invitation/no-such-token/", 410),
    }
    public = {name: client.get(path) for name, (path, _) in pages.items()}
    client.force_login(owner)
    pages |= {
        "home": ("/partner/", 200),
        "point": (f"/partner/points/{point.pk}/", 200),
        "waiting": ("/partner/waiting/", 200),
    }
    answers = public | {name: client.get(pages[name][0]) for name in ("home", "point", "waiting")}

    assert set(pages) | NOT_PAGES == _partner_url_names()
    for name, response in answers.items():
        assert response.status_code == pages[name][1], name
        policy = response["Content-Security-Policy"]
        # Directives in whatever order the header lists them (the last has no «;»).
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == directives["style-src"] == "'self'", name
        assert "unsafe" not in policy
        html = response.content.decode()
        for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE):
            assert not pattern.search(html), (name, pattern.search(html).group(0))
    assert 'data-percent="' in answers["point"].content.decode()
