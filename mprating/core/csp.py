"""The Content-Security-Policy of every response (django-csp 4; issue 12, ASVS V14.4.3).

One strict policy everywhere (`settings.CONTENT_SECURITY_POLICY`): scripts, styles, fonts,
images and requests from our own origin only, no inline script and no inline style, no plugin,
no `<base>` elsewhere, forms post only to us, no other site may frame a page. The cabinet, the
partner area, the sign-in pages, the error pages and the API's documentation (django-ninja's
Swagger UI, served from its vendored static files) all work under it: their scripts are
static files (static/js/*.js), and colours or widths that come from data are data attributes
that static/js/styles.js turns into CSS custom properties through the CSSOM, which the policy
does not govern.

The back office (`CSP_BACKOFFICE_PREFIX`, django-unfold) gets two additions, on its paths
only (`CSP_BACKOFFICE_UPDATE`):

* `script-src 'unsafe-eval'` — unfold's pages are driven by Alpine.js expressions written in
  its templates (`x-data="{…}"`, `@click`, `x-bind:style`); the Alpine build unfold ships
  compiles them with `new Function`. Alpine's CSP build cannot run those expressions, and the
  templates are unfold's. `'unsafe-inline'` stays out: an injected `<script>` or `onclick=`
  is still refused, and our own back office templates load their scripts from
  static/js/backoffice.js.
* `style-src 'unsafe-inline'` — unfold writes `<style>` blocks (the theme colours, the change
  list) and `style=""` attributes for data (progress bars, table heights, avatars); Alpine and
  htmx insert some as well. A hash cannot allow an attribute's value without listing every
  value, so the back office allows inline styles; styles cannot run code.

Every path under the prefix, its sign-in page included (unfold's layout), gets these
additions; every other path keeps the strict policy.

The header's text is made once per policy (issue 13: django-csp copies the settings' policy
through `dataclasses.asdict` and rebuilds the text for both headers on every response, ~350
Python calls): a response without a nonce is answered from the texts kept per exactly what
they are made of — the settings' policy and the response's own config, update and replace.
"""

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from mprating.core.kept import Kept

_policies = Kept(limit=200)


def policy_text(parts: PolicyParts, *, report_only: bool) -> str:
    """`csp.utils.build_policy(**asdict(parts), report_only=…)`, kept when no nonce is in it."""
    if parts.nonce is not None:
        return build_policy(**asdict(parts), report_only=report_only)
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    key = (
        report_only,
        repr(getattr(settings, name, None)),
        repr(parts.config),
        repr(parts.update),
        repr(parts.replace),
    )
    return _policies.get_or_make(
        key, lambda: build_policy(**asdict(parts), report_only=report_only)
    )


def is_backoffice(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.CSP_BACKOFFICE_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the back office's additions on its paths."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """django-csp 4.0's `process_response` with the policies' texts from `policy_text`."""
        exempted_debug_codes = (500, 404)
        if response.status_code in exempted_debug_codes and settings.DEBUG:
            return response
        for report_only, header, setting, exempt in (
            (False, HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
        ):
            parts = self.get_policy_parts(request, response, report_only=report_only)
            text = policy_text(parts, report_only=report_only)
            if text:
                # Only when not set already, not exempted and not under an excluded prefix.
                policy = getattr(settings, setting, None) or {}
                prefixes = policy.get("EXCLUDE_URL_PREFIXES", None) or ()
                if (
                    header not in response
                    and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(tuple(prefixes))
                ):
                    response[header] = text
        # A nonce read after the header is written would not be in it: django-csp raises then.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.update is None and is_backoffice(request):
            parts.update = settings.CSP_BACKOFFICE_UPDATE
        return parts
