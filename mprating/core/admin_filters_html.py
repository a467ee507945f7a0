"""The HTML of a list's plain choice filters, kept per choices (issue 13, target 3).

A choice filter (a `SimpleListFilter`, a field's choices, yes/no) renders unfold's
«admin/filter.html»: ~1 ms each on the 2-core machine, four on «Заявки». What that template
prints is fixed by the filter's title, class, `horizontal`, `lookup_kwarg`/`lookup_val` and its
choices (selected, link, text), all worked out anyway; that is the key of the kept HTML. Filters
with forms (dates, autocomplete) and any other template render as Django does.
"""

from django.contrib.admin.templatetags import admin_list
from django.template.loader import get_template
from django.utils.translation import get_language

UNFOLD_FILTER = "unfold/templates/admin/filter.html"
KEPT = 500

_html: dict[tuple, str] = {}


def _key(spec, choices: list[dict]) -> tuple:
    return (
        get_language(),
        spec.template,
        str(spec.title),
        type(spec).__name__,
        bool(getattr(spec, "horizontal", False)),
        str(getattr(spec, "lookup_kwarg", "")),
        repr(getattr(spec, "lookup_val", None)),
        tuple(tuple((name, str(value)) for name, value in choice.items()) for choice in choices),
    )


def admin_list_filter(cl, spec):
    """Django's `{% admin_list_filter cl spec %}`, with unfold's choice filter HTML kept."""
    template = get_template(spec.template)
    choices = list(spec.choices(cl))
    context = {"title": spec.title, "choices": choices, "spec": spec}
    if not str(getattr(template.origin, "name", "")).endswith(UNFOLD_FILTER):
        return template.render(context)
    key = _key(spec, choices)
    html = _html.get(key)
    if html is None:
        html = template.render(context)
        if len(_html) >= KEPT:
            _html.clear()
        _html[key] = html
    return html


def install() -> None:
    if getattr(admin_list.register.tags["admin_list_filter"], "mp_kept", False):
        return
    admin_list.register.simple_tag(admin_list_filter, name="admin_list_filter")
    admin_list.register.tags["admin_list_filter"].mp_kept = True
