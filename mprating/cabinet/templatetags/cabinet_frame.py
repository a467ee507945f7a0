"""`{% cabinet_frame %}`: the cabinet's left frame and navigation (cabinet.frame)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

from mprating.cabinet.frame import aside_html
from mprating.cabinet.selectors import CabinetSummary

register = template.Library()


@register.simple_tag(takes_context=True)
def cabinet_frame(context) -> SafeString:
    """The frame from the page's `cabinet_summary`; a page without one (no client) renders
    the reference template `cabinet/_aside.html` as it is."""
    summary = context.get("cabinet_summary")
    request = context.get("request")
    if isinstance(summary, CabinetSummary) and request is not None:
        html = aside_html(summary=summary, nav=list(context["cabinet_nav"]), path=request.path)
    else:
        html = get_template("cabinet/_aside.html").render(context.flatten(), request)
        html = html.removesuffix("\n")
    # aside_html escapes every value it writes; the template autoescapes.
    return SafeString(html)  # nosec B703
