"""`{{ result|cells }}`, `{{ results|rows }}` and `{% change_list_headers %}` in
admin/change_list_results.html (issue 13)."""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from mprating.core.kept import Kept

register = template.Library()


@register.filter
def cells(result) -> SafeString:
    """A changelist row's cells as `{% for item in result %}{{ item }}{% endfor %}` writes
    them (the cells are HTML unfold built and marked safe), in one join."""
    return mark_safe("".join(conditional_escape(cell) for cell in result))  # nosec B308 B703


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


HEADERS_TEMPLATE = "unfold/helpers/change_list_headers.html"
# What unfold's header template reads of each column's header.
HEADER_KEYS = (
    "text",
    "class_attrib",
    "sortable",
    "url_primary",
    "sort_priority",
    "ascending",
    "url_toggle",
    "url_remove",
)
_headers_kept = Kept(limit=500)


def _shown(value):
    if value is None or type(value) is bool or type(value) is int:
        return value
    return (str(value), isinstance(value, SafeData))


@register.simple_tag(takes_context=True)
def change_list_headers(context) -> str:
    """`{% include 'unfold/helpers/change_list_headers.html' %}` (~2,000 Python calls through
    the template engine for a list's head), kept by everything the template reads: whether the
    list has a drag handle and row sections, the number of sorted columns and each column's
    header."""
    cl = context["cl"]
    headers = context["result_headers"]
    sorted_fields = context.get("num_sorted_fields")
    model_admin = cl.model_admin
    sections = len(getattr(model_admin, "list_sections", None) or ())
    key = (
        get_language(),
        bool(getattr(model_admin, "ordering_field", None)),
        sections > 0,
        _shown(sorted_fields),
        tuple(tuple(_shown(header.get(name)) for name in HEADER_KEYS) for header in headers),
    )

    def make():
        return get_template(HEADERS_TEMPLATE).render(
            {"cl": cl, "result_headers": headers, "num_sorted_fields": sorted_fields}
        )

    return mark_safe(_headers_kept.get_or_make(key, make))  # nosec B308 B703: unfold's template
