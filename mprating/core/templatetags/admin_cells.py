"""`{{ result|cells }}` and `{% kept_result_headers %}` in admin/change_list_results.html,
`{% kept_object_tools %}` in admin/change_list_object_tools.html (issue 13)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
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


OBJECT_TOOLS_TEMPLATE = "admin/change_list_object_tools_unfold.html"  # unfold 0.91's, copied
_object_tools = Kept(500)


@register.simple_tag(takes_context=True)
def kept_object_tools(context) -> SafeString:
    """unfold's admin/change_list_object_tools.html (the list's «add» button: a reverse(), a
    translation and the preserved filters, ~0.25 ms), kept per what it prints."""
    cl = context.get("cl")
    opts = context.get("opts")
    template = context.template.engine.get_template(OBJECT_TOOLS_TEMPLATE)
    if (
        cl is None
        or opts is not cl.opts
        or context.get("adminform") is not None
        or not context.get("has_add_permission")  # nothing to print: the template is cheap
    ):
        return mark_safe(template.render(context))  # nosec B308 B703: unfold's template output
    key = (
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        getattr(context.get("request"), "current_app", None),
        opts.label_lower,
        str(opts.verbose_name),
        repr(getattr(cl.model_admin, "show_add_link", None)),
        str(context.get("preserved_filters") or ""),
        repr(context.get("preserved_qsl")),
        repr(context.get("is_popup")),
        repr(context.get("to_field")),
    )
    return _object_tools.get_or_make(
        key,
        lambda: mark_safe(template.render(context)),  # nosec B308 B703: unfold's template output
    )
