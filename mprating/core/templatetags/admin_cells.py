"""`{{ result|cells }}` and `{{ results|rows }}` in admin/change_list_results.html,
`{% kept_object_tools %}` in admin/change_list_object_tools.html (issue 13)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from mprating.core.kept import Kept

register = template.Library()


@register.filter
def cells(result) -> SafeString:
    """A changelist row's cells as `{% for item in result %}{{ item }}{% endfor %}` writes
    them (the cells are HTML unfold built and marked safe), in one join; a cell that is a
    SafeString (all planned cells) is taken as it is, what `conditional_escape` returns for it."""
    return mark_safe(  # nosec B308 B703
        "".join(cell if type(cell) is SafeString else conditional_escape(cell) for cell in result)
    )


# The whitespace around the rows in the template's two loops: (before the first row, before
# each row, after each row). The plain loop had its `{% endfor %}` on the next line; the
# general loop (editable rows) has its `{% for %}` and each row's <tbody> on lines of their own.
_SPACING = {
    "plain": ("", "", "\n                "),
    "editable": ("\n            ", "\n                ", ""),
}
_ROW_START = (
    '<tbody class="mp-b" x-data="{rowOpen: false}" ><tr class="data-row mp-r">',
    '<tbody class="mp-b mp-z" x-data="{rowOpen: false}" ><tr class="data-row mp-r">',
)


@register.filter
def rows(results, kind: str) -> SafeString:
    """The rows as the template's loops write them when a row has nothing but its cells
    (`<tbody class="mp-b{% cycle '' ' mp-z' %}" …><tr …>{{ result|cells }}</tr></tbody>`),
    in one join: the loop's template nodes cost ~70 Python calls a row."""
    first, before, after = _SPACING[kind]
    parts = [first]
    for index, result in enumerate(results):
        parts.append(before)
        parts.append(_ROW_START[index % 2])
        for cell in result:  # unfold's cells are SafeStrings: no call to see that
            parts.append(cell if type(cell) is SafeString else conditional_escape(cell))
        parts.append("</tr></tbody>")
        parts.append(after)
    return mark_safe("".join(parts))  # nosec B308 B703: unfold's cells, marked safe


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
