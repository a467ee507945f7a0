"""`{{ result|cells }}` and `{% kept_result_headers %}` in admin/change_list_results.html
(issue 13)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from mprating.core.kept import Kept

register = template.Library()

HEADERS_TEMPLATE = "unfold/helpers/change_list_headers.html"
_headers = Kept(500)


@register.filter
def cells(result) -> SafeString:
    """A changelist row's cells as `{% for item in result %}{{ item }}{% endfor %}` writes
    them (the cells are HTML unfold built and marked safe), in one join; a cell that is a
    SafeString (all planned cells) is taken as it is, what `conditional_escape` returns for it."""
    return mark_safe(  # nosec B308 B703
        "".join(cell if type(cell) is SafeString else conditional_escape(cell) for cell in result)
    )


@register.simple_tag(takes_context=True)
def kept_result_headers(context) -> SafeString:
    """`{% include 'unfold/helpers/change_list_headers.html' %}`, kept per what it prints
    (~0.9 ms a list with rows): each header's text, sort links and classes (worked out for the
    rows anyway), the number of sorted columns, the list's ordering field and sections, the
    language."""
    model_admin = context["cl"].model_admin
    headers = context.get("result_headers") or ()
    key = (
        get_language(),
        repr(getattr(model_admin, "ordering_field", None)),
        len(getattr(model_admin, "list_sections", None) or ()),
        repr(context.get("num_sorted_fields")),
        tuple(
            tuple((name, type(value).__name__, str(value)) for name, value in header.items())
            for header in headers
        ),
    )
    return _headers.get_or_make(
        key,
        lambda: mark_safe(  # nosec B308 B703: unfold's template output
            context.template.engine.get_template(HEADERS_TEMPLATE).render(context)
        ),
    )
