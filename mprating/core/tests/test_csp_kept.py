"""The Content-Security-Policy texts kept per policy (mprating/core/csp.py): every response gets
the headers django-csp 4.0's own middleware would give it, without rebuilding the text."""

import pytest
from csp.constants import NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from mprating.core import csp

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


class _DjangoCsps(csp.ContentSecurityPolicyMiddleware):
    """The project's policy parts through django-csp's own `process_response` (built per
    response)."""

    process_response = CSPMiddleware.process_response


def _answer(middleware_class, path: str, *, use_nonce=False, **attributes):
    request = RequestFactory().get(path)

    def view(request):
        response = HttpResponse("ok")
        if use_nonce:
            response.content = f'<script nonce="{request.csp_nonce}"></script>'.encode()
        for name, value in attributes.items():
            setattr(response, name, value)
        return response

    response = middleware_class(view)(request)
    return {name: response.get(name) for name in HEADERS}, request


def _directives(headers: dict) -> dict:
    """The policy's directives in whatever order the header lists them (django-csp's order
    follows a set's)."""
    return dict(part.strip().split(" ", 1) for part in headers[HEADERS[0]].split(";"))


CASES = [
    ("/cabinet/orders/", {}),
    ("/backoffice/orders/order/", {}),
    ("/cabinet/", {"_csp_update": {"img-src": ["https://example.org"]}}),
    ("/cabinet/", {"_csp_replace": {"script-src": [SELF, "https://cdn.example.org"]}}),
    ("/cabinet/", {"_csp_config": {"default-src": [SELF], "frame-ancestors": [SELF]}}),
    ("/cabinet/", {"_csp_exempt": True}),
]


@pytest.mark.parametrize(("path", "attributes"), CASES)
def test_the_kept_headers_are_django_csps(path, attributes):
    for _ in range(2):  # made, then kept
        ours, _request = _answer(csp.ContentSecurityPolicyMiddleware, path, **attributes)
        theirs, _request = _answer(_DjangoCsps, path, **attributes)
        assert ours == theirs


def test_a_policy_text_is_built_once_and_then_kept(monkeypatch):
    built = []
    original = csp.build_policy

    def build_policy(**kwargs):
        built.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(csp, "build_policy", build_policy)
    csp._policies.clear()
    first, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/backoffice/")
    assert len(built) == 2  # the policy and the (empty) report-only one
    again, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/backoffice/")
    assert again == first and len(built) == 2
    assert "'unsafe-eval'" in first["Content-Security-Policy"]


def test_a_nonce_is_in_its_own_responses_header_only():
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        with_nonce, request = _answer(
            csp.ContentSecurityPolicyMiddleware, "/cabinet/", use_nonce=True
        )
        nonce = request._csp_nonce
        assert _directives(with_nonce) == {
            "default-src": "'self'",
            "script-src": f"'self' 'nonce-{nonce}'",
        }
        without, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/cabinet/")
        assert _directives(without) == {"default-src": "'self'", "script-src": "'self'"}
        again, request = _answer(csp.ContentSecurityPolicyMiddleware, "/cabinet/", use_nonce=True)
        assert request._csp_nonce != nonce
        assert _directives(again)["script-src"] == f"'self' 'nonce-{request._csp_nonce}'"


def test_changed_settings_are_another_policy():
    before, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/cabinet/")
    policy = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://img.example"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        changed, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/cabinet/")
        theirs, _request = _answer(_DjangoCsps, "/cabinet/")
    assert changed == theirs != before
    assert "https://img.example" in changed["Content-Security-Policy-Report-Only"]
    after, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/cabinet/")
    assert after == before


def test_an_excluded_prefix_gets_no_header():
    policy = {"EXCLUDE_URL_PREFIXES": ["/api/docs"], "DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        ours, _request = _answer(csp.ContentSecurityPolicyMiddleware, "/api/docs/")
        theirs, _request = _answer(_DjangoCsps, "/api/docs/")
    assert ours == theirs == dict.fromkeys(HEADERS)
