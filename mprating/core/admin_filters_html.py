"""The HTML of a list's plain choice filters, kept per choices (issue 13, target 3).

A choice filter (a `SimpleListFilter`, a field's choices, yes/no) renders unfold's
«admin/filter.html»: ~1 ms each on the 2-core machine, four on «Заявки». What that template
prints is fixed by the filter's title, class, `horizontal`, `lookup_kwarg`/`lookup_val` and its
choices (selected, link, text), all worked out anyway; that is the key of the kept HTML.

Two filters with forms are kept too, without building their forms: unfold's «с … по …» date
range (~1.6 ms: two date widgets; its HTML is fixed by the field, the title and the two typed
values, errors included) and the autocomplete select with nothing chosen (~2.8 ms: the select2
widget through unfold's field template; with a choice its HTML shows the chosen object's current
name, so it is rendered each time). unfold's single-choice dropdown of a related field
(`RelatedDropdownFilter`, ~1.2 ms: a select through unfold's field template) is kept by its
choices (the related rows' pk and name, read by its own query as before) and its value, when
the list shows no facet counts. Any other filter renders as Django does.
"""

from django.contrib.admin.templatetags import admin_list
from django.core.validators import EMPTY_VALUES
from django.template.loader import get_template
from django.utils.translation import get_language

from mprating.core.kept import Kept

UNFOLD_FILTER = "unfold/templates/admin/filter.html"
_html = Kept(limit=500)


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


def _form_filter_key(spec, facets: bool = False) -> tuple | None:
    """The key of a date range or an empty autocomplete filter's HTML; None for the others."""
    from unfold.contrib.filters.admin import RangeDateFilter, RelatedDropdownFilter
    from unfold.contrib.filters.admin.mixins import AutocompleteMixin

    if type(spec).choices is RangeDateFilter.choices:
        values = tuple(repr(spec.used_parameters.get(name)) for name in spec.expected_parameters())
    elif (
        type(spec).choices is AutocompleteMixin.choices
        and getattr(spec, "multiple", False) is False
        and spec.value() in EMPTY_VALUES
    ):
        values = ()
    elif (
        type(spec).choices is RelatedDropdownFilter.choices
        and getattr(spec, "multiple", False) is False
        and not facets
    ):
        value = spec.value()
        values = (
            None if value is None else str(value),
            str(spec.all_option[1]),
            tuple((str(pk), str(shown)) for pk, shown in spec.lookup_choices),
        )
    else:
        return None
    field = spec.field
    return (
        get_language(),
        spec.template,
        type(spec).__module__,
        type(spec).__qualname__,
        spec.form_class.__module__,
        spec.form_class.__qualname__,
        str(spec.title),
        spec.field_path,
        field.model._meta.label,
        field.name,
        str(getattr(spec, "parameter_name", "")),
        str(getattr(spec, "lookup_kwarg", "")),
        values,
    )


def admin_list_filter(cl, spec):
    """Django's `{% admin_list_filter cl spec %}`, with unfold's choice filter HTML kept."""
    template = get_template(spec.template)
    form_key = _form_filter_key(spec, facets=bool(getattr(cl, "add_facets", False)))
    if form_key is not None:
        return _html.get_or_make(
            form_key,
            lambda: template.render(
                {"title": spec.title, "choices": list(spec.choices(cl)), "spec": spec}
            ),
        )
    choices = list(spec.choices(cl))
    context = {"title": spec.title, "choices": choices, "spec": spec}
    if not str(getattr(template.origin, "name", "")).endswith(UNFOLD_FILTER):
        return template.render(context)
    return _html.get_or_make(_key(spec, choices), lambda: template.render(context))


def install() -> None:
    if getattr(admin_list.register.tags["admin_list_filter"], "mp_kept", False):
        return
    admin_list.register.simple_tag(admin_list_filter, name="admin_list_filter")
    admin_list.register.tags["admin_list_filter"].mp_kept = True
