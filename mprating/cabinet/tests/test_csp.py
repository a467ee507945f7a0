"""The Content-Security-Policy header (issue 12, ASVS V14.4.3): on every answer — a cabinet
page, a back office page, an API answer, the 404 page — strict everywhere, with the back
office's two additions only under /backoffice/; and no template of the cabinet, the partner
area or the sign-in pages carries the inline code or style the strict policy refuses."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff

STRICT = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    pairs = (part.strip().split(" ", 1) for part in header.split(";"))
    return dict(pairs)


def _assert_strict(response) -> None:
    directives = _directives(response)
    for expected in STRICT:
        name, value = expected.split(" ", 1)
        assert directives[name] == value, (name, directives[name])
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_cabinet_page_has_the_strict_policy(client):
    client.force_login(make_client().user)

    response = client.get("/cabinet/orders/")

    assert response.status_code == 200
    _assert_strict(response)


@pytest.mark.django_db
def test_sign_in_pages_and_the_404_page_have_the_strict_policy(client):
    for path in ("/accounts/login/", "/accounts/register/", "/accounts/password-reset/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(response)

    response = client.get("/cabinet/no-such-section/")

    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
    _assert_strict(response)


@pytest.mark.django_db
def test_an_api_answer_and_the_api_docs_have_the_strict_policy(client):
    refused = client.get("/api/v1/cart")  # no session: the API's JSON 401
    client.force_login(make_client().user)
    answered = client.get("/api/v1/cart")
    docs = client.get("/api/v1/docs")

    assert refused.status_code == 401
    assert answered.status_code == 200
    assert answered["Content-Type"].startswith("application/json")
    assert docs.status_code == 200
    for response in (refused, answered, docs):
        _assert_strict(response)


@pytest.mark.django_db
def test_the_back_office_adds_eval_for_alpine_and_inline_styles_only(client):
    client.force_login(make_staff(roles.MANAGER))

    response = client.get("/backoffice/")
    login_page = client.__class__().get("/backoffice/login/")

    assert response.status_code == 200
    assert login_page.status_code == 200
    for page in (response, login_page):
        directives = _directives(page)
        assert directives["script-src"] == "'self' 'unsafe-eval'"
        assert directives["style-src"] == "'self' 'unsafe-inline'"
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"


# --- The templates: what the strict policy refuses is not written at all. ---------------------

ROOT = Path(settings.BASE_DIR) / "mprating"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
# Data for a script, not code: the browser never runs it, the policy allows it.
JSON_DATA = re.compile(r'<script\b[^>]*type="application/json"', re.IGNORECASE)


def _site_templates() -> list[Path]:
    """Templates of the pages under the strict policy: everything but the back office's own
    (…/templates/admin/…, …/<app>/admin/…, backoffice/, the project's copies of unfold's
    templates under templates/unfold/), letters and the PDF of an акт сверки (neither is a web
    page)."""
    found = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        parts = path.relative_to(ROOT).parts
        inside = parts[parts.index("templates") + 1 :]
        if {"admin", "backoffice", "unfold", "emails", "email"} & set(inside[:-1]):
            continue
        if path.name == "statement_pdf.html":
            continue
        found.append(path)
    return found


def test_site_templates_have_no_inline_script_handler_or_style():
    templates = _site_templates()
    assert len(templates) > 60  # the cabinet, the partner area, the sign-in and error pages
    names = {str(path.relative_to(ROOT)) for path in templates}
    assert "templates/base.html" in names
    assert "cabinet/templates/cabinet/base.html" in names
    assert "partners/templates/partners/base.html" in names
    assert "templates/registration/login.html" in names

    offending = []
    for path in templates:
        text = JSON_DATA.sub("<script src", path.read_text(encoding="utf-8"))
        for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE):
            offending += [(str(path.relative_to(ROOT)), m.group(0)) for m in pattern.finditer(text)]

    assert not offending, offending


def test_the_scan_would_find_each_kind_of_inline_code():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search("<script defer>go()</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/cabinet.js"></script>')
    assert HANDLER.search('<button onclick="go()">')
    assert HANDLER.search("<select name=y onchange='x'>")
    assert not HANDLER.search('<button data-fold hx-post="/x">')
    assert INLINE_STYLE.search('<span style="color: red">')
    assert INLINE_STYLE.search("<style>.a{}</style>")
    assert not INLINE_STYLE.search('<span data-colour="#fff">')


def test_back_office_templates_of_ours_have_no_inline_script_or_handler():
    """django-unfold's pages allow `'unsafe-eval'` (Alpine.js) but no inline script: our own
    back office templates load their code from static/js/backoffice.js."""
    templates = [
        path
        for path in sorted(ROOT.glob("**/templates/**/*.html"))
        if path not in set(_site_templates())
        and "email" not in str(path)
        and path.name != "statement_pdf.html"
    ]
    assert len(templates) > 30

    offending = []
    for path in templates:
        text = JSON_DATA.sub("<script src", path.read_text(encoding="utf-8"))
        for pattern in (INLINE_SCRIPT, HANDLER):
            offending += [(str(path.relative_to(ROOT)), m.group(0)) for m in pattern.finditer(text)]

    assert not offending, offending
