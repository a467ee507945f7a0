"""Django's own form widget templates, written in Python (issue 13).

Through the template engine a widget costs an `{% include %}` per part: a <select> renders
`select.html`, then `select_option.html` and `attrs.html` once per option (the «Заказы» filter's
status list alone took ~1.3 ms, a page of forms several). `FastFormRenderer` (settings
`FORM_RENDERER`) writes the same bytes in Python for the templates below and hands every other
template (unfold's widgets, forms rendered whole, error lists) to Django's renderer as before.

Exactly as the templates: every value goes through what `{{ value }}` does in an autoescaping
template (`render_value_in_context`: localisation, then escaping unless the value is safe),
`|stringformat:'s'` keeps a safe value's safety as that filter does, `False` drops an attribute
and `True` writes its name alone. What a template would do differently — a callable value (a
template calls it), an `attrs` dict with an `items` key (a template looks that up first), an
option template of a custom widget, a Django whose template text is not the one written here —
goes to the template engine. tests/test_fast_widgets.py compares both paths across hostile
values.
"""

import functools
import html
from collections.abc import Callable
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'

# The template text each writer reproduces (Django 5.2), checked against the installed files.
SOURCES = {
    "attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    ),
    "input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    "select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n"
        "  {% include option.template_name with widget=option %}{% endfor %}"
        "{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    ),
    "select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
    "textarea.html": (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
    "multiple_input.html": (
        '{% with id=widget.attrs.id %}<div{% if id %} id="{{ id }}"{% endif %}'
        '{% if widget.attrs.class %} class="{{ widget.attrs.class }}"{% endif %}>'
        "{% for group, options, index in widget.optgroups %}{% if group %}\n"
        "  <div><label>{{ group }}</label>{% endif %}{% for option in options %}<div>\n"
        "    {% include option.template_name with widget=option %}</div>{% endfor %}"
        "{% if group %}\n  </div>{% endif %}{% endfor %}\n</div>{% endwith %}\n"
    ),
    "input_option.html": (
        "{% if widget.wrap_label %}<label{% if widget.attrs.id %}"
        ' for="{{ widget.attrs.id }}"{% endif %}>{% endif %}'
        '{% include "django/forms/widgets/input.html" %}'
        "{% if widget.wrap_label %} {{ widget.label }}</label>{% endif %}\n"
    ),
    "radio.html": '{% include "django/forms/widgets/multiple_input.html" %}\n',
    "checkbox_select.html": '{% include "django/forms/widgets/multiple_input.html" %}\n',
    "radio_option.html": '{% include "django/forms/widgets/input_option.html" %}\n',
    "checkbox_option.html": '{% include "django/forms/widgets/input_option.html" %}\n',
}
INPUTS = [
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
for _name in INPUTS[1:]:
    SOURCES[f"{_name}.html"] = _INCLUDE_INPUT


def _installed_source(name: str) -> str | None:
    path = Path(django.forms.__file__).parent / "templates" / WIDGETS / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


class Fallback(Exception):
    """A value the template engine would treat in its own way: render through it."""


class _Autoescape:
    """The context of a widget template: autoescape on, localisation and time zone from
    the settings."""

    autoescape = True
    use_l10n = None
    use_tz = None


_CONTEXT = _Autoescape()


def _checked(value):
    # A template calls a callable it meets (unless it says not to): leave that to the engine.
    if callable(value):
        raise Fallback
    return value


def text(value) -> str:
    """`{{ value }}`."""
    if type(value) is str:
        return html.escape(value)
    return str(render_value_in_context(_checked(value), _CONTEXT))


def formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    if type(value) is str:
        return html.escape(value)
    value = _checked(value)
    try:
        result = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        result = ""
    if isinstance(value, SafeData):  # the filter is_safe: a safe value stays unescaped
        return result
    return html.escape(result)


def attrs(values: dict) -> str:
    """attrs.html."""
    if "items" in values:
        raise Fallback
    parts = []
    for name, value in values.items():
        if value is True:
            parts.append(f" {text(name)}")
        elif value is not False:
            parts.append(f' {text(name)}="{formatted(value)}"')
    return "".join(parts)


def _get(values: dict, key: str):
    """`values.key` in a template: a missing key is the empty string."""
    return _checked(values.get(key, ""))


# Each writer returns what its template renders, to the newline at the end of the file (an
# included template brings it along); the renderer strips the whole, as Django's does.


def input_html(widget: dict) -> str:
    """input.html."""
    value = _checked(widget["value"])
    shown = f' value="{formatted(value)}"' if value != None else ""  # noqa: E711 (as the template)
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}'
        f"{attrs(widget['attrs'])}>\n"
    )


def textarea_html(widget: dict) -> str:
    """textarea.html."""
    value = _checked(widget["value"])
    return (
        f'<textarea name="{text(widget["name"])}"{attrs(widget["attrs"])}>\n'
        f"{text(value) if value else ''}</textarea>\n"
    )


def select_option_html(option: dict) -> str:
    """select_option.html."""
    return (
        f'<option value="{formatted(option["value"])}"{attrs(option["attrs"])}>'
        f"{text(option['label'])}</option>\n"
    )


def select_html(widget: dict) -> str:
    """select.html."""
    parts = [f'<select name="{text(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        group_name = _checked(group_name)
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _included(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def input_option_html(option: dict) -> str:
    """input_option.html (a radio or a checkbox of a list, with its label)."""
    wrap = _checked(option["wrap_label"])
    start = end = ""
    if wrap:
        option_id = _get(option["attrs"], "id")
        start = f'<label for="{text(option_id)}">' if option_id else "<label>"
        end = f" {text(option['label'])}</label>"
    return f"{start}{input_html(option)}{end}\n"


def multiple_input_html(widget: dict) -> str:
    """multiple_input.html (RadioSelect, CheckboxSelectMultiple)."""
    values = widget["attrs"]
    widget_id, css_class = _get(values, "id"), _get(values, "class")
    parts = [
        "<div",
        f' id="{text(widget_id)}"' if widget_id else "",
        f' class="{text(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        group = _checked(group)
        if group:
            parts.append(f"\n  <div><label>{text(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _included(option) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _including(writer: Callable[[dict], str]) -> Callable[[dict], str]:
    """A template that is one `{% include %}` of `writer`'s and its own newline."""

    def including(widget: dict) -> str:
        return writer(widget) + "\n"

    including.__name__ = writer.__name__
    return including


# Template name → (writer, the templates it reproduces).
ATTRS = ("attrs.html",)
INPUT = (*ATTRS, "input.html")
INPUT_OPTION = (*INPUT, "input_option.html")
MULTIPLE = (*INPUT_OPTION, "multiple_input.html", "radio_option.html", "checkbox_option.html")
WRITERS: dict[str, tuple[Callable[[dict], str], tuple[str, ...]]] = {
    WIDGETS + "input.html": (input_html, INPUT),
    **{
        f"{WIDGETS}{name}.html": (_including(input_html), (*INPUT, f"{name}.html"))
        for name in INPUTS[1:]
    },
    WIDGETS + "textarea.html": (textarea_html, (*ATTRS, "textarea.html")),
    WIDGETS + "select.html": (select_html, (*ATTRS, "select.html", "select_option.html")),
    WIDGETS + "select_option.html": (select_option_html, (*ATTRS, "select_option.html")),
    WIDGETS + "multiple_input.html": (multiple_input_html, MULTIPLE),
    WIDGETS + "radio.html": (_including(multiple_input_html), (*MULTIPLE, "radio.html")),
    WIDGETS + "checkbox_select.html": (
        _including(multiple_input_html),
        (*MULTIPLE, "checkbox_select.html"),
    ),
    WIDGETS + "input_option.html": (input_option_html, INPUT_OPTION),
    WIDGETS + "radio_option.html": (_including(input_option_html), MULTIPLE),
    WIDGETS + "checkbox_option.html": (_including(input_option_html), MULTIPLE),
}


def _included(option: dict) -> str:
    """`{% include option.template_name with widget=option %}`: an option template of
    Django's own (select, radio, checkbox); another one (a custom widget's) → the engine."""
    name = option["template_name"]
    writer = usable_writers().get(name) if name in OPTION_TEMPLATES else None
    if writer is None:
        raise Fallback
    return writer(option)


OPTION_TEMPLATES = {WIDGETS + name for name in ("select_option.html", *MULTIPLE[-2:])}


@functools.cache
def usable_writers() -> dict[str, Callable[[dict], str]]:
    """The writers whose templates, as installed, are the text they were written from (a
    Django upgrade that changes one sends that widget back to the engine)."""
    return {
        name: writer
        for name, (writer, sources) in WRITERS.items()
        if all(_installed_source(source) == SOURCES[source] for source in sources)
    }


class FastFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the widget templates above written in Python."""

    def __init__(self) -> None:
        self.writers = usable_writers()

    def render(self, template_name, context, request=None):
        writer = self.writers.get(template_name)
        if writer is not None:
            try:
                return writer(context["widget"]).strip()
            except Fallback:
                pass
        return super().render(template_name, context, request)


def field_html(field) -> str:
    """What `{% include "includes/field.html" with field=field %}` writes (the site's label,
    widget, errors and help of one form field), for `{% field_row field %}`
    (core/templatetags/form_rows.py); the template stays for the pages that include it."""
    checkbox = getattr(field.field.widget, "input_type", "") == "checkbox"
    errors = field.errors
    if checkbox:
        body = f"\n    <label>{text(field)} {text(field.label)}</label>\n  "
    else:
        required = ' <span class="req" aria-hidden="true">*</span>' if field.field.required else ""
        body = (
            f'\n    <label for="{text(field.id_for_label)}">{text(field.label)}{required}</label>'
            f"\n    {text(field)}\n  "
        )
    name = text(field.html_name)
    shown_errors = "".join(
        f'<p class="error" data-testid="error-{name}">{text(error)}</p>' for error in errors
    )
    help_text = field.help_text
    shown_help = f'<p class="help">{text(help_text)}</p>' if help_text else ""
    css = ("field", " has-error" if errors else "", " field-check" if checkbox else "")
    return f'<div class="{"".join(css)}">\n  {body}\n  {shown_errors}\n  {shown_help}\n</div>\n'
