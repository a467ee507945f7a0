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

from django.contrib.admin.templatetags.admin_modify import cell_count
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
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


# unfold/helpers/edit_inline/tabular_group.html and what it includes, for a saved line of a
# read-only inline without delete, drag, nested formsets or change/view links.
_TITLE_ROW = (
    '<tr class="border-b border-base-200 dark:border-base-800 bg-base-50 dark:bg-white/[.02] '
    'lg:bg-transparent lg:border-0 dark:lg:bg-transparent!"> <td colspan="{}"> '
    '<p class="group/title flex font-medium items-center px-3 text-xs py-2 lg:pb-0 lg:pt-2"> '
    '<span class=""> {} </span> <span class="ml-2 font-normal leading-none text-xs '
    'text-primary-600 dark:text-primary-500 group-hover/title:block hidden"> </span> </p> '
)
_CELL = (
    '<td class="min-h-[62.5px] align-middle border-b max-md:border-b border-base-200 '
    "lg:group-[.last]/parent:border-b-0 dark:border-base-800 field-{} group field-tabular  "
    "p-3 lg:py-3 flex items-center before:capitalize before:font-semibold "
    "before:content-[attr(data-label)] before:text-font-important-light "
    "dark:before:text-font-important-dark before:mr-auto before:font-text before:pr-4 "
    "lg:before:hidden font-normal px-3 lg:first:pl-3 lg:last:pr-3 lg:px-1.5 text-left "
    'lg:table-cell  " data-label="{}"> <div class="flex flex-row gap-3 items-center"> {} '
    "</div> </td> "
)


_HEAD_CELL = (
    '<th class="column-{} align-middle border-b border-base-200 dark:border-base-800 '
    "font-semibold px-1.5 first:pl-3 last:pr-3 py-2 text-left text-font-important-light "
    'text-sm whitespace-nowrap dark:text-font-important-dark "> '
    '<span class="flex flex-row items-center"> <span> {} </span> </span> </th> '
)


def _head_html(inline_admin_formset) -> str | None:
    """unfold/helpers/edit_inline/tabular_heading.html for columns without a required mark
    or a help text (a read-only inline's), or None."""
    cells = []
    for field in inline_admin_formset.fields():
        widget = field["widget"]
        if widget["is_hidden"] if isinstance(widget, dict) else widget.is_hidden:
            continue
        if field["required"] or field["help_text"]:
            return None
        label = conditional_escape(capfirst(str(field["label"])))
        cells.append(_HEAD_CELL.format(conditional_escape(field["name"]), label))
    cells = "".join(cells)
    return f'<thead class="hidden relative lg:table-header-group"> <tr> {cells}</tr> </thead> '


def _inline_is_plain(inline_admin_formset) -> bool:
    opts, formset = inline_admin_formset.opts, inline_admin_formset.formset
    return not (
        inline_admin_formset.has_add_permission
        or (formset.can_delete and inline_admin_formset.has_delete_permission)
        or inline_admin_formset.is_collapsible
        or getattr(opts, "ordering_field", None)
        or getattr(opts, "per_page", None)
        or getattr(opts, "tab", None)
        or getattr(opts, "template_before", None)
        or getattr(opts, "template_after", None)
        or getattr(opts, "hide_title", False)
        or opts.show_change_link
        or formset.non_form_errors()
        or getattr(formset.form, "nested_formsets", None)
    )


def readonly_inline_rows_html(inline_admin_formset) -> SafeString | None:
    """The `<thead>` and the `<tbody>` of every line of a read-only tabular inline (unfold's
    tabular_heading.html and what tabular_table.html loops over), or None when the inline has
    anything else."""
    if not _inline_is_plain(inline_admin_formset):
        return None
    head = _head_html(inline_admin_formset)
    if head is None:
        return None
    parts = [head]
    for inline_admin_form in inline_admin_formset:
        original, form = inline_admin_form.original, inline_admin_form.form
        if (
            original is None
            or inline_admin_form.show_url
            or getattr(form, "nested_formsets", None)
            or form.non_field_errors()
            or callable(getattr(original, "get_inline_title", None))
        ):
            return None
        parts.append('<tbody class="form-group relative group/parent  original" > ')
        parts.append(
            _TITLE_ROW.format(cell_count(inline_admin_form), conditional_escape(str(original)))
        )
        if inline_admin_form.needs_explicit_pk_field():
            parts.append(f"{inline_admin_form.pk_field().field} ")
        fk_field = inline_admin_form.fk_field()
        if fk_field:
            parts.append(f"{fk_field.field} ")
        parts.append(
            '</td> </tr> <tr class="form-row has-[.delete:checked]:[&+.form-delete]:table-row "> '
        )
        for fieldset in inline_admin_form:
            for line in fieldset:
                for field in line:
                    if not field.is_readonly:
                        return None
                    value = _readonly_value(field)
                    if value is None:
                        return None
                    parts.append(
                        _CELL.format(
                            conditional_escape(field.field["name"]),
                            conditional_escape(field.field["label"]),
                            value,
                        )
                    )
        parts.append(
            '</tr> <tr class="hidden form-delete"> <td colspan="100%"> </td> </tr> </tbody> '
        )
    return mark_safe("".join(parts))  # nosec B308 B703: titles, labels and values escaped
