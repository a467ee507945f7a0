"""The order's page in the back office without unfold's per-field templates (issue 13, target 6).

Everything on the order's page is read-only: its two fieldsets (12 fields) and its lines. Unfold
renders each read-only field through four nested templates and computes a field's value three
times on the way (`field.contents` is asked for in three `{% if %}`s); that was ~40 % of the
page's CPU, and the page is the staff's most frequent request under the mixed load. Here the
same markup is written in Python: the values, labels and class lists still come from Django
and unfold themselves (`AdminReadonlyField.contents()`, `label_tag()`, unfold's class tags), only
the wrapping `<div>`s are ours, every value escaped as the templates would.

`tests/test_admin_order_page.py` compares the page with the one unfold's own templates render
(whitespace runs and the order of class names aside — unfold builds its class lists from a
`set`, so even its own order differs between processes). Anything this module does not know
(tabs, collapsible or described fieldsets, an editable field, a help text, a file field,
conditional fields) returns None and the page falls back to unfold's templates.
"""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from unfold.templatetags.unfold import (
    fieldset_line_classes,
    fieldset_row_classes,
    fieldset_rows_classes,
)

# unfold/helpers/inline_heading.html for a fieldset's title (no inline formset around it).
_HEADING = (
    '<h2 class="bg-base-100 flex flex-row font-semibold h-[38px] gap-1 items-center mb-4 px-3 '
    'rounded-default text-important dark:bg-white/[.02] " > {} </h2> '
)
_GENERAL_TAB = "x-show=\"activeTab == 'general'\""
# unfold/helpers/fieldset_row_field.html's label column with `compressed_fields`.
_COMPRESSED_LABEL = (
    "lg:min-w-56 lg:w-56 lg:h-[38px] lg:flex lg:items-center lg:self-start "
    "lg:leading-[38px] lg:*:m-0"
)


def _readonly_value(field) -> str | None:
    """unfold/helpers/field_readonly_value.html (not `outline`, no `value` in the context)."""
    if field.is_file:
        return None
    contents = field.contents()
    value = "-" if not contents or contents == "None" else conditional_escape(contents)
    width = "max-w-4xl" if field.is_json else "max-w-2xl"
    return f'<div class="readonly break-words {width} *:rounded-default">{value}</div>'


def readonly_fieldsets_html(adminform) -> SafeString | None:
    """The `field_sets` block of unfold's change_form.html for a form of read-only fields
    only, or None when the form has anything else (then unfold's templates render it)."""
    model_admin = adminform.model_admin
    if getattr(model_admin, "conditional_fields", None):
        return None
    label_class = _COMPRESSED_LABEL if getattr(model_admin, "compressed_fields", False) else ""
    rows_class = fieldset_rows_classes({})
    parts = []
    for fieldset in adminform:
        classes = fieldset.classes or ""
        if "tab" in classes or fieldset.is_collapsible or fieldset.description:
            return None
        extra = f" {conditional_escape(classes)}" if classes else ""
        parts.append(f'<fieldset class="module relative {extra}" {_GENERAL_TAB}> ')
        if fieldset.name:
            parts.append(_HEADING.format(conditional_escape(fieldset.name)))
        parts.append(f'<div class="{rows_class}"> ')
        lines = list(fieldset)
        for number, line in enumerate(lines, start=1):
            last = "last" if number == len(lines) else ""
            parts.append(f'<div class="{fieldset_row_classes({"line": line})} {last}"> ')
            for field in line:
                if not field.is_readonly or field.is_checkbox or field.field.get("help_text"):
                    return None
                value = _readonly_value(field)
                if value is None:
                    return None
                line_class = fieldset_line_classes({"field": field, "adminform": adminform})
                parts.append(
                    f'<div class="{line_class}" > <div class="{label_class}"> '
                    f'{field.label_tag()} </div> <div class="grow relative"> {value} </div> '
                    "</div> "
                )
            parts.append("</div> ")
        parts.append("</div> </fieldset> ")
    return mark_safe("".join(parts))  # nosec B308 B703: labels and values escaped above
