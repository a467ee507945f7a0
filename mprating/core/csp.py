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
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def is_backoffice(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.CSP_BACKOFFICE_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the back office's additions on its paths."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.update is None and is_backoffice(request):
            parts.update = settings.CSP_BACKOFFICE_UPDATE
        return parts
