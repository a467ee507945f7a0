"""unfold's changelist cells, built with what is the same for every row worked out once per
page (issue 13, target 3). The markup is unfold 0.91's `items_for_result` with unfold's long
lists of utility classes replaced by one short class each (`admin_row_styles`: the stylesheet
with unfold's own rules for them) and the helpers' templates without their indentation;
`test_admin_row_cells` and `test_site_speed` render cells and lists both ways and compare
through `shorten`.

unfold builds each cell with `format_html` over the column's 26 CSS classes, its title (a lazy
translation, cast and escaped per cell), the empty value's display, and for the linked column a
`reverse()` and `add_preserved_filters` per row. Here, per page and column: the class, the
escaped title, whether the column carries the row's link, what kind of cell it is; per page:
the change URL around a marker primary key (an integer primary key is put in its place),
«Выбрать запись», the row checkbox's HTML around its value, the date formats. Most cells are
then made without unfold's display helpers (`_fast_cell`: the checkbox, text, choices,
integers, yes/no icons once per value, dates through a compiled pattern, a computed column's
text or HTML); what they do not cover (other values, labels, dropdowns, headers) goes through
`lookup_field` and unfold's helpers as before. A row with a form (`list_editable`) is the same
cells with the editable columns' fields in them (`_editable_row`); a popup's rows are unfold's.
"""

import datetime
import html
import re

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from unfold import utils as unfold_utils

from mprating.core import admin_row_styles as styles
from mprating.core.admin_speed import row_checkbox
from mprating.core.fixed_urls import MARKER as PK_MARKER
from mprating.core.fixed_urls import reverse_object, url_around

PLAN_ATTR = "_mp_row_plan"


class _Column:
    __slots__ = (
        "attr",
        "attr_marks",
        "cache",
        "classes",
        "classes_nowrap",
        "empty_html",
        "fast",
        "field",
        "label",
        "link",
        "name",
        "tag",
    )


def _resolve(name, model_admin, opts) -> tuple:
    """What `lookup_field` finds for the column before it looks at a row: (field, None) for a
    model field, (None, attr) for a callable or a model admin's method, (None, None) otherwise
    (the row's own attribute: `lookup_field` per row)."""
    try:
        return _get_non_gfk_field(opts, name), None
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        if callable(name):
            return None, name
        if hasattr(model_admin, name) and name != "__str__":
            return None, getattr(model_admin, name)
        return None, None


def _plan(cl, unfold_list) -> dict:
    plan = cl.__dict__.get(PLAN_ATTR)
    if plan is not None:
        return plan
    headers = list(unfold_list.result_headers(cl))
    links = cl.list_display_links
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        column = _Column()
        column.name = name
        column.field, column.attr = _resolve(name, cl.model_admin, cl.opts)
        column.attr_marks = None if column.attr is None else _marks(column.attr)
        column.classes = f"field-{_coerce_field_name(name, index)} {styles.CELL}"
        column.classes_nowrap = f"{column.classes} nowrap"
        # unfold: «link_in_col» — the first column when list_display_links is empty.
        if links is None:
            column.link = False
        elif first and not links:
            column.link = True
        else:
            column.link = name in links
        column.tag = "th" if first and column.link else "td"
        if column.link:
            first = False
        column.label = conditional_escape(
            headers[index]["text"] if index != 0 or column.link else gettext("Select record")
        )
        column.fast = _fast_kind(column)
        column.cache = {}
        columns.append(column)
    url = None
    if type(cl).url_for_result is ChangeList.url_for_result and cl.pk_attname == "id":
        try:
            marked = cl.url_for_result(_Marker())
        except NoReverseMatch:
            marked = None
        if marked is not None:
            marked = add_preserved_filters(
                {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, marked
            )
            before, found, after = marked.partition(str(PK_MARKER))
            if found and str(PK_MARKER) not in after:
                url = (before, after)
    empty = cl.model_admin.get_empty_value_display()
    for column in columns:
        marks = column.attr_marks
        own = marks is not None and marks[0] is not _NO_EMPTY
        column.empty_html = conditional_escape(marks[0] if own else empty)
        if column.fast == "choices":
            column.cache = {
                value: conditional_escape(shown) for value, shown in column.field.flatchoices
            }
    checkbox = _compact(row_checkbox(CHECKBOX_MARKER), True).partition(f'value="{CHECKBOX_MARKER}"')
    plan = {
        "columns": columns,
        "empty": empty,
        "empty_html": conditional_escape(empty),
        "url": url,
        "url_html": None if url is None else (escape(url[0]), escape(url[1])),
        "link_classes": styles.LINK,
        "checkbox": (checkbox[0] + 'value="', '"' + checkbox[2]) if checkbox[1] else None,
        "datetime": _compiled_format(get_format("DATETIME_FORMAT")),
        "date": _compiled_format(get_format("DATE_FORMAT")),
        "timezone": timezone.get_current_timezone() if settings.USE_TZ else None,
        "plain_integers": number_format(-1234567) == "-1234567",
    }
    cl.__dict__[PLAN_ATTR] = plan
    return plan


_NO_EMPTY = object()


def _marks(attr) -> tuple:
    """The display marks unfold reads off a column's callable for every cell: (its own empty
    value display or _NO_EMPTY, label, dropdown, header, boolean)."""
    return (
        getattr(attr, "empty_value_display", _NO_EMPTY),
        getattr(attr, "label", False),
        getattr(attr, "dropdown", False),
        getattr(attr, "header", False),
        getattr(attr, "boolean", False),
    )


_NO_MARKS = (_NO_EMPTY, False, False, False, False)


class _Marker:
    id = PK_MARKER


def _change_url(cl, plan, result) -> str | None:
    """The row's change URL with the preserved filters, or None without one."""
    url = plan["url"]
    pk = result.id if url is not None else None
    if type(pk) is int:
        return f"{url[0]}{pk}{url[1]}"
    try:
        change = cl.url_for_result(result)
    except NoReverseMatch:
        return None
    return add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, change
    )


CHECKBOX_MARKER = "mp-row-checkbox-pk"
_TEXT_FIELDS = (models.CharField, models.TextField, models.GenericIPAddressField)
_HASHABLE = (str, int, bool, type(None))
# Django's date format characters that are a number of the date, as str.format fields.
_FORMAT_FIELDS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}
_FORMAT_CHARS = set("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")


def _compiled_format(django_format: str) -> str | None:
    """A `str.format` pattern giving what `dateformat.format(value, django_format)` gives, when
    the format has only numbers of the date (d.m.Y H:i); None for anything else (names of
    months, time zones, escapes): those cells are formatted by Django."""
    parts = []
    for char in django_format:
        if char in _FORMAT_FIELDS:
            parts.append(_FORMAT_FIELDS[char])
        elif char in _FORMAT_CHARS or char == "\\":
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


def _fast_kind(column) -> str | None:
    """Columns whose cell is worked out here without unfold's display helpers (same text):
    the row checkbox, a plain text field, a yes/no field or column, a date or date-time field.
    """
    field, attr = column.field, column.attr
    if field is None:
        if attr is None:
            return None
        if column.name == "action_checkbox":
            # unfold's own checkbox, or Django's (a plain ModelAdmin's): a checkbox cell both.
            return "checkbox" if getattr(attr, "mp_row_checkbox", False) else "django_checkbox"
        marks = column.attr_marks
        if marks[1] or marks[2] or marks[3]:  # label, dropdown, header
            return None
        return "boolean" if marks[4] else "callable"
    if field.auto_created or field.remote_field is not None:
        return None
    # In the order of unfold's `display_for_field`: choices first.
    if getattr(field, "flatchoices", None):
        return None if isinstance(field, models.DateField | models.TimeField) else "choices"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, _TEXT_FIELDS):
        return "text"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField):
        return "integer"
    return None


def _escape(text) -> str:
    if type(text) is str:
        return html.escape(text)
    return conditional_escape(text)


def _fast_cell(column, plan, result):
    """The cell's escaped HTML and whether it does not wrap, or None: unfold's path."""
    kind = column.fast
    if kind == "checkbox":
        parts = plan["checkbox"]
        pk = result.pk
        if parts is None or type(pk) is not int:
            return None
        return f"{parts[0]}{pk}{parts[1]}", False
    value = getattr(result, column.name) if column.field is not None else column.attr(result)
    if kind == "django_checkbox":
        return (value, False) if type(value) is SafeString else None
    if kind == "callable":  # unfold's `display_for_value` for text; anything else: unfold's
        value_type = type(value)
        if value_type is SafeString:
            return value, False
        if value_type is str:
            return html.escape(value), False
        if value is None:
            return column.empty_html, False
        return None
    if kind == "choices":
        if type(value) in _HASHABLE:
            return column.cache.get(value, plan["empty_html"]), False
        return None
    if kind == "integer":
        if value is None or value == "":
            return plan["empty_html"], False
        if type(value) is int and plan["plain_integers"]:
            return str(value), False
        return None
    if kind == "text":
        if value is None or value == "":
            return plan["empty_html"], False
        if type(value) is str:
            return html.escape(value), False
        return None
    if kind == "boolean":
        if value is None or type(value) is bool:
            cell = column.cache.get(value)
            if cell is None:
                cell = column.cache[value] = _compact(unfold_utils._boolean_icon(value), False)
            return cell, False
        return None
    if value is None or value == "":
        return plan["empty_html"], True
    if kind == "datetime":
        pattern = plan["datetime"]
        if pattern is None or type(value) is not datetime.datetime:
            return None
        if plan["timezone"] is not None and value.utcoffset() is not None:
            value = value.astimezone(plan["timezone"])
        return html.escape(pattern.format(value)), True
    pattern = plan["date"]
    if pattern is None or type(value) is not datetime.date:
        return None
    return html.escape(pattern.format(value)), True


def items_for_result(cl, result, form, *, unfold_list, original):
    if cl.is_popup:
        yield from original(cl, result, form)
        return
    if form is not None:
        yield from _editable_row(cl, result, form, unfold_list=unfold_list, original=original)
        return
    plan = _plan(cl, unfold_list)
    model_admin = cl.model_admin
    ordering_field = getattr(model_admin, "ordering_field", None)
    hide_ordering_field = getattr(model_admin, "hide_ordering_field", False)
    planned = result._meta is cl.opts
    for column in plan["columns"]:
        name = column.name
        fast = None
        if column.fast is not None and planned:
            try:
                fast = _fast_cell(column, plan, result)
            except ObjectDoesNotExist:
                fast = None
        if fast is not None:
            inner, nowrap = fast
            if column.fast == "checkbox" or column.fast == "django_checkbox":
                classes = _CHECKBOX_CELL
            else:
                classes = column.classes_nowrap if nowrap else column.classes
            yield _cell(
                cl, plan, result, column, classes, inner, ordering_field, hide_ordering_field
            )
            continue
        empty_value_display = plan["empty"]
        nowrap = False
        checkbox = False
        compact = False
        try:
            # `lookup_field` with the column's part worked out once (_resolve).
            if column.field is not None and planned:
                f, attr, value = column.field, None, getattr(result, name)
            elif column.attr is not None and planned:
                f, attr = None, column.attr
                value = attr(result)
            else:
                f, attr, value = lookup_field(name, result, model_admin)
        except ObjectDoesNotExist:
            result_repr = empty_value_display
        else:
            if attr is None:
                marks = _NO_MARKS
            elif attr is column.attr:
                marks = column.attr_marks
            else:
                marks = _marks(attr)
            if marks[0] is not _NO_EMPTY:
                empty_value_display = marks[0]
            if f is None or f.auto_created:
                checkbox = name == "action_checkbox"
                label = marks[1]
                if label:
                    result_repr = unfold_list.display_for_label(value, empty_value_display, label)
                    compact = True
                elif marks[2]:
                    result_repr = unfold_list.display_for_dropdown(
                        result, name, value, empty_value_display
                    )
                elif marks[3]:
                    result_repr = unfold_list.display_for_header(value, empty_value_display)
                else:
                    result_repr = unfold_list.display_for_value(
                        value, empty_value_display, marks[4]
                    )
                    compact = marks[4] or checkbox
                nowrap = isinstance(value, datetime.date | datetime.time)
            else:
                if isinstance(f.remote_field, models.ManyToOneRel):
                    field_val = getattr(result, f.name)
                    result_repr = empty_value_display if field_val is None else field_val
                else:
                    result_repr = unfold_list.display_for_field(value, f, empty_value_display)
                    compact = isinstance(f, models.BooleanField)
                nowrap = isinstance(f, models.DateField | models.TimeField | models.ForeignKey)
        if compact:
            result_repr = _compact(result_repr, checkbox)
        if checkbox:
            classes = _CHECKBOX_CELL_NOWRAP if nowrap else _CHECKBOX_CELL
        else:
            classes = column.classes_nowrap if nowrap else column.classes
        yield _cell(
            cl,
            plan,
            result,
            column,
            classes,
            _escape(result_repr),
            ordering_field,
            hide_ordering_field,
        )


_CLASS_ATTR = re.compile(r'^<(t[dh]) class="([^"]*)"')


def _editable_row(cl, result, form, *, unfold_list, original):
    """A row with a form (`list_editable`): the cells as on other rows, the editable columns'
    value replaced by the field and its errors, as unfold does. A row of a planned editable
    list (`admin_editable.RowForm`) has its fields' HTML from the plan, with no errors (the
    formset is unbound)."""
    plan = _plan(cl, unfold_list)
    pk_name = cl.model._meta.pk.name
    planned = getattr(form, "field_html", None)
    fields = form.fields
    pk_hidden = form[pk_name].is_hidden
    cells = items_for_result(cl, result, None, unfold_list=unfold_list, original=original)
    for column, cell in zip(plan["columns"], cells, strict=True):
        name = column.name
        if column.link or name not in fields or (name == pk_name and pk_hidden):
            yield cell
            continue
        tag, classes = _CLASS_ATTR.match(cell).groups()
        widget = None if planned is None else planned(name)
        if widget is not None:
            errors = None
        else:
            bound = form[name]
            widget = bound
            errors = bound.errors
        if errors:
            shown = render_to_string("unfold/helpers/form_errors.html", {"errors": errors})
            hidden = classes.endswith(" !hidden")  # unfold adds it last
            classes = classes.removesuffix(" !hidden") + " group errors"
            if hidden:
                classes += " !hidden"
        else:
            shown = plan.get("no_errors")
            if shown is None:
                shown = plan["no_errors"] = render_to_string(
                    "unfold/helpers/form_errors.html", {"errors": ()}
                )
        yield SafeString(  # nosec B703: the form's widget and unfold's errors template
            f'<{tag} class="{classes}" data-label="{column.label}">{widget}{shown}</{tag}>'
        )
    if not pk_hidden:
        yield format_html("<td>{}</td>", form[pk_name])


def _cell(cl, plan, result, column, classes, inner, ordering_field, hide_ordering_field):
    """The cell's markup; `inner` is escaped by the caller (a SafeString made directly: Django's
    mark_safe is a lazy-aware wrapper, a few microseconds a cell)."""
    if column.link:
        url = plan["url_html"]
        pk = result.id if url is not None else None
        if type(pk) is int:
            href = f"{url[0]}{pk}{url[1]}"
        else:
            change = _change_url(cl, plan, result)
            href = None if change is None else escape(change)
        if href is not None:
            inner = f'<a href="{href}" class="{plan["link_classes"]}" >{inner}</a>'
        return SafeString(  # nosec B703: every value escaped by the caller
            f'<{column.tag} class="{classes}" data-label="{column.label}">{inner}</{column.tag}>'
        )
    if ordering_field and column.name == ordering_field and hide_ordering_field:
        classes += " !hidden"
    return SafeString(  # nosec B703: every value escaped by the caller
        f'<td class="{classes}" data-label="{column.label}">{inner}</td>'
    )


_CHECKBOX_CELL = f"action-checkbox {styles.CHECKBOX_CELL}"
_CHECKBOX_CELL_NOWRAP = f"{_CHECKBOX_CELL} nowrap"
_CHECKBOX_CLASS = f'class="{escape(styles.STYLES[styles.CHECKBOX])} '
_CHECKBOX_SHORT = f'class="{styles.CHECKBOX} '
_LINES = re.compile(r"\s*\n\s*")
_OUTER_OPEN = re.compile(r"^(<[^>]*>) ")
_OUTER_CLOSE = re.compile(r" (</[a-z]+>)$")
_compacted: dict[str, SafeString] = {}
COMPACTED_KEPT = 500


def _compact(html, checkbox: bool):
    """A cell's markup from unfold's helpers (a yes/no icon, a badge, the row checkbox) with
    the short classes (admin_row_styles) and without the template's line breaks and
    indentation: a line break and its indentation become one space (the same text on screen),
    and the space just inside the outer element's tags goes (it starts or ends the line
    there, where a browser does not show it). Templates' outputs are kept per text."""
    if not isinstance(html, SafeString):
        return html
    if checkbox:  # the row's pk in it: one replacement, nothing kept
        return mark_safe(html.replace(_CHECKBOX_CLASS, _CHECKBOX_SHORT, 1))  # nosec B308 B703
    short = _compacted.get(html)
    if short is None:
        text = _LINES.sub(" ", styles.shorten(html)).strip()
        text = _OUTER_CLOSE.sub(r"\1", _OUTER_OPEN.sub(r"\1", text))
        short = mark_safe(text)  # nosec B308 B703: unfold's escaped markup, only spaced anew
        if len(_compacted) < COMPACTED_KEPT:
            _compacted[html] = short
    return short


# `reverse(url_name, args=[pk])` for a cell that links every row somewhere, reversed once.
object_url = reverse_object


PAGE_URLS = "_mp_page_urls"
_NOT_YET = object()


class PageUrls:
    """`reverse(name, args=[pk])` for the cells of one page that link each row somewhere: the
    address around the id worked out once a page and name (`object_url` asks for the URLconf
    and the script prefix on every call, a few microseconds a row). A list puts one on its
    rows (`put_page_urls`) and its cells call `row_object_url`."""

    def __init__(self):
        self._parts: dict[str, tuple[str, str] | None] = {}

    def __call__(self, name: str, pk) -> str:
        parts = self._parts.get(name, _NOT_YET)
        if parts is _NOT_YET:
            parts = self._parts[name] = url_around(name)
        if parts is None or type(pk) is not int:
            return reverse_object(name, pk)
        return f"{parts[0]}{pk}{parts[1]}"


def put_page_urls(rows) -> None:
    """Give the page's rows one `PageUrls` for their cells."""
    urls = PageUrls()
    for row in rows:
        row.__dict__[PAGE_URLS] = urls


def row_object_url(row, name: str, pk) -> str:
    """`reverse(name, args=[pk])` for a cell of `row`: through the page's `PageUrls` when the
    list put one on it, else `object_url`."""
    urls = row.__dict__.get(PAGE_URLS)
    return object_url(name, pk) if urls is None else urls(name, pk)


# Django's own `ModelAdmin.action_checkbox` (lists of plain ModelAdmins: django-axes'), rendered
# once per language around two markers instead of through the widget's template per row.
_DJANGO_PK = "mpDjangoRowPk7"
_DJANGO_LABEL = "mpDjangoRowLabel7"
_django_checkbox: dict = {}


def django_action_checkbox(model_admin, obj) -> SafeString:
    """What `django.contrib.admin.ModelAdmin.action_checkbox(obj)` returns, the same HTML."""
    from django.contrib.admin.options import ModelAdmin
    from django.utils.translation import get_language

    language = get_language()
    marked = _django_checkbox.get(language)
    if marked is None:
        marked = str(ModelAdmin.action_checkbox(model_admin, _Marked(_DJANGO_PK, _DJANGO_LABEL)))
        if marked.count(_DJANGO_PK) != 1 or marked.count(_DJANGO_LABEL) != 1:
            marked = ""  # the widget changed: Django renders it every time
        _django_checkbox[language] = marked
    if not marked:
        return ModelAdmin.action_checkbox(model_admin, obj)
    return SafeString(  # nosec B703: the widget's HTML with the escaped pk and label
        marked.replace(_DJANGO_PK, html.escape(str(obj.pk)), 1).replace(
            _DJANGO_LABEL, html.escape(str(obj)), 1
        )
    )


class _Marked:
    def __init__(self, pk: str, label: str):
        self.pk = pk
        self.label = label

    def __str__(self) -> str:
        return self.label
