"""`{{ result|cells }}` and `{{ results|rows }}` in admin/change_list_results.html (issue 13)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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
