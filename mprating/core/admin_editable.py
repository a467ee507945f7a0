"""Editable lists (`list_editable`) shown without a form per row (issue 13, target 1).

On GET Django builds the changelist formset's forms — a ModelForm per row, its fields deep-copied
and a primary key field made for it (~350 Python calls a row) — only to print each editable
field's widget and the row's hidden primary key. What such a widget prints differs from row to
row only by the row's prefix (`form-7-…` in its name, id and help text id) and its value. So the
first row's form is built for real and its widgets rendered by Django; each editable column's
HTML is then worked out once per widget state with a marker name (and for a plain input a marker
value) and checked against the first row's real HTML; the other rows are that HTML with their
own prefix and value put in (`RowForm`). Anything else a row's form is asked for builds it for
real, as Django would.

A bound formset (POST: saving, or a page shown again with errors) is Django's, untouched: its
validation, messages and saving are exactly the admin's. So is any formset or form that does
more than the admin's own (a form's `__init__`, a formset's `add_fields`, initial data, ordering
or deletion fields): then every row is a real form.

A model admin opts in with `PlannedEditableAdmin`; `admin_rows._editable_row` prints the cells.
"""

import datetime
import html
from functools import partial

from django.contrib.admin.options import ModelAdmin as DjangoModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.forms import BaseModelForm, BaseModelFormSet, Field
from django.forms.formsets import BaseFormSet
from django.forms.models import modelform_factory, modelformset_factory
from django.forms.widgets import CheckboxInput, FileInput, Input
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from mprating.core.kept import Kept

ENABLED = True  # tests set it to False to get Django's forms on the same page
NAME_MARKER = "mp-editable-name-marker"
VALUE_MARKER = "mp-editable-value-marker"
_kept = Kept(limit=500)
_UNSET = object()


class PlannedEditableAdmin:
    """A ModelAdmin mixin: its editable list shows rows without building a form per row."""

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        return type(formset.__name__, (PlannedRowsFormSet, formset), {})


def _plannable(formset) -> bool:
    cls = type(formset)
    form = formset.form
    return (
        ENABLED
        and not formset.is_bound
        and not formset.initial
        and not formset.can_order
        and not formset.can_delete
        and form.__init__ is BaseModelForm.__init__
        and cls.add_fields is BaseModelFormSet.add_fields
        and cls._construct_form is BaseModelFormSet._construct_form
        and cls.get_form_kwargs is BaseFormSet.get_form_kwargs
        and formset.total_form_count() == formset.initial_form_count()
    )


class PlannedRowsFormSet(BaseModelFormSet):
    """The changelist formset; unbound, its `forms` are `RowForm`s."""

    @cached_property
    def forms(self):
        if not _plannable(self):
            return super().forms
        objects = self.get_queryset()
        count = self.total_form_count()  # evaluates the page's rows (their count)
        rows = [RowForm(self, index, objects[index]) for index in range(count)]
        if rows:
            first = rows[0].real
            self._mp_fields = first.fields
            self._mp_columns = _columns(first, objects[0])
        return rows


class RowForm:
    """A row's form as far as the changelist asks it: its editable fields' and its primary
    key's HTML from the first row's plan; anything else from the real form, built then."""

    def __init__(self, formset, index: int, instance):
        self._formset = formset
        self._index = index
        self._instance = instance
        self.prefix = formset.add_prefix(index)

    @cached_property
    def real(self):
        formset = self._formset
        return formset._construct_form(self._index, **formset.get_form_kwargs(self._index))

    def __getattr__(self, name):
        if name == "real" or name.startswith("__"):  # building it failed; copy/pickle probes
            raise AttributeError(name)
        return getattr(self.real, name)

    @property
    def fields(self):
        """The row's fields: the first row's (a plannable form adds none of its own)."""
        if "real" in self.__dict__:
            return self.real.fields
        return self._formset._mp_fields

    def __iter__(self):
        return iter(self.real)

    def __getitem__(self, name):
        if name not in self.fields:  # as a form says it (a template's lookup tries it first)
            raise KeyError(f"Key '{name}' not found in '{type(self).__name__}'.")
        column = self._formset._mp_columns.get(name)
        if column is None or not column.hidden:
            return self.real[name]
        hidden = self.__dict__.get("_hidden")  # asked three times a row for the primary key
        if hidden is not None and hidden[0] == name:
            return hidden[1]
        planned = self.field_html(name)
        if planned is None:
            return self.real[name]
        self._hidden = (name, _HiddenField(planned))
        return self._hidden[1]

    def non_field_errors(self):
        return self.real.non_field_errors() if "real" in self.__dict__ else ()

    def field_html(self, name) -> str | None:
        """The field's widget HTML for this row, or None when the plan does not cover it."""
        column = self._formset._mp_columns.get(name)
        if column is None or "real" in self.__dict__:
            return None
        return column.html(f"{self.prefix}-{name}", column.value(self._instance))


class _HiddenField:
    """What the changelist asks of a hidden primary key field: whether it is hidden, its HTML."""

    is_hidden = True

    def __init__(self, markup: str):
        self.markup = markup

    def __str__(self) -> str:
        return self.markup

    def __html__(self) -> str:
        return self.markup


class _Column:
    def __init__(self, bound, model_field, is_pk: bool):
        self.field = bound.field
        self.widget = bound.field.widget
        self.hidden = bound.is_hidden
        self.model_field = model_field
        self.is_pk = is_pk
        self.checkbox = isinstance(self.widget, CheckboxInput)

    def value(self, instance):
        if self.is_pk:
            value = instance.pk
        else:
            value = self.model_field.value_from_object(instance)
            if callable(value) or isinstance(value, datetime.datetime | datetime.time):
                return _UNSET
        if type(self.field).prepare_value is not Field.prepare_value:
            value = self.field.prepare_value(value)
        return value

    def html(self, name: str, value) -> str | None:
        if value is _UNSET:
            return None
        if self.checkbox:
            if value is not None and type(value) is not bool:
                return None  # another value is printed in the input: Django renders it
            parts = self.parts.get(bool(self.widget.check_test(value)))
            return None if parts is None else SafeString(name.join(parts))  # nosec B703
        if value is None or value == "":
            parts = self.parts.get("empty")
            return None if parts is None else SafeString(name.join(parts))  # nosec B703
        if type(value) is not int and type(value) is not str:
            return None
        parts = self.parts.get("value")
        if parts is None:
            return None
        before, after = parts
        shown = html.escape(str(value))
        return SafeString(  # nosec B703: Django's widget HTML around the escaped value
            f"{name.join(before)}{shown}{name.join(after)}"
        )


def _widget_html(form, bound, value) -> str:
    """The widget of `bound` with a marker name and the given value, as Django renders it."""
    marked = type(bound)(form, bound.field, bound.name)
    marked.html_name = NAME_MARKER
    marked.value = lambda: value
    return str(marked.as_widget())


def _columns(form, instance) -> dict:
    """Per field of the first row's real form that the plan covers: its column. A field is
    covered when its widget is a plain input or a checkbox and what the plan makes for the
    first row is exactly the real form's HTML."""
    opts = instance._meta
    pk_name = opts.pk.name
    columns = {}
    for name, field in form.fields.items():
        widget = field.widget
        if (
            not isinstance(widget, Input | CheckboxInput)
            or isinstance(widget, FileInput)
            or field.localize
            or widget.is_localized
            or field.show_hidden_initial
        ):
            continue
        bound = form[name]
        if name == pk_name:
            model_field = None
        else:
            try:
                model_field = opts.get_field(name)
            except FieldDoesNotExist:  # a form-only field: Django renders it
                continue
            if not model_field.concrete or model_field.is_relation:
                continue
        column = _Column(bound, model_field, name == pk_name)
        value = column.value(instance)
        if value is _UNSET or value != bound.value() or type(value) is not type(bound.value()):
            continue
        real = str(bound)
        key = (
            get_language(),
            name,
            type(widget),
            type(form.renderer),
            getattr(widget, "check_test", None),
            real,
            repr(value),
        )
        column.parts = _kept.get_or_make(
            key, lambda form=form, bound=bound, column=column: _parts(form, bound, column)
        )
        if column.html(bound.html_name, value) != real:
            continue
        columns[name] = column
    return columns


def _parts(form, bound, column) -> dict:
    parts = {}
    if column.checkbox:
        for state in (True, False):
            parts[state] = tuple(_widget_html(form, bound, state).split(NAME_MARKER))
        return parts
    parts["empty"] = tuple(_widget_html(form, bound, None).split(NAME_MARKER))
    marked = _widget_html(form, bound, VALUE_MARKER)
    if marked.count(VALUE_MARKER) == 1:
        before, after = marked.split(VALUE_MARKER)
        parts["value"] = (tuple(before.split(NAME_MARKER)), tuple(after.split(NAME_MARKER)))
    return parts


class KeptEditableAdmin(PlannedEditableAdmin):
    """`PlannedEditableAdmin` with the list's formset class made once per admin (issue 13): on
    every visit Django made a form class of all the model's fields and another of the editable
    ones (~450–850 Python calls). The request only reaches the form fields, and an editable
    field that is a plain value (not a relation, no choices) gets its form field without it; so
    when all editable fields are such and the admin makes its changelist form and form fields as
    Django and unfold do, the class is made once, without a request (the kept class holds none),
    and kept. Unbound, its management form's HTML (four hidden inputs through the form template,
    ~1,000 calls) is kept per exactly what it prints."""

    def get_changelist_formset(self, request, **kwargs):
        if kwargs or not self._formset_keepable():
            return super().get_changelist_formset(request, **kwargs)
        key = (self, tuple(self.list_editable), self.form)
        return _formsets.get_or_make(key, self._kept_formset)

    def _kept_formset(self) -> type:
        """What Django's `get_changelist_formset` makes, with the form fields made without a
        request (`_formset_keepable`: they do not read it)."""
        callback = partial(self.formfield_for_dbfield, request=None)
        fields = self.list_editable
        form = modelform_factory(
            self.model, form=self.form, fields=fields, formfield_callback=callback
        )
        formset = modelformset_factory(
            self.model, form, extra=0, fields=fields, formfield_callback=callback
        )
        return type(formset.__name__, (KeptManagementFormSet, PlannedRowsFormSet, formset), {})

    def _formset_keepable(self) -> bool:
        cls = type(self)
        if (
            cls.get_changelist_form is not DjangoModelAdmin.get_changelist_form
            or cls.formfield_for_dbfield.__module__ not in _FORM_FIELDS_WITHOUT_REQUEST
        ):
            return False
        opts = self.model._meta
        for name in self.list_editable:
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                return False
            if not field.concrete or field.is_relation or field.choices:
                return False
        return True


# Django's and unfold's `formfield_for_dbfield`: a plain field's form field without the request.
_FORM_FIELDS_WITHOUT_REQUEST = {"django.contrib.admin.options", "unfold.mixins.base_model_admin"}
_formsets = Kept(limit=100)
_management_html = Kept(limit=500)


class KeptManagementFormSet:
    """A formset whose unbound management form prints the HTML kept for its values."""

    @cached_property
    def management_form(self):
        if self.is_bound:
            return BaseFormSet.management_form.func(self)
        key = (
            self.prefix,
            self.auto_id,
            self.total_form_count(),
            self.initial_form_count(),
            self.min_num,
            self.max_num,
            type(self.renderer),
            get_language(),
        )
        html = _management_html.get_or_make(
            key, lambda: str(BaseFormSet.management_form.func(self))
        )
        return _KeptManagementForm(self, html)


class _KeptManagementForm:
    """Prints the kept HTML; anything else is asked of the real management form, built then."""

    def __init__(self, formset, html: str):
        self._formset = formset
        self._html = SafeString(html)  # nosec B703: Django's own rendering of the form

    def __str__(self) -> str:
        return self._html

    def __html__(self) -> str:
        return self._html

    @cached_property
    def real(self):
        return BaseFormSet.management_form.func(self._formset)

    def __getitem__(self, name):
        return self.real[name]

    def __iter__(self):
        return iter(self.real)

    def __getattr__(self, name):
        if name == "real" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.real, name)
