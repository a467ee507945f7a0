"""core.fast_widgets writes Django's widget templates in Python: every widget here, with hostile
values, must come out byte for byte as Django's own template renderer writes it."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from mprating.core import fast_widgets
from mprating.core.fast_widgets import FastFormRenderer

HOSTILE = '<b>"O\'Reilly" & «Ёж»</b>  {{ x }} {% if %}'
lazy_text = lazy(lambda: "ленивый <текст> & «кавычки»", str)()

CHOICES = [
    ("", "Все статусы"),
    (1, HOSTILE),
    (2, mark_safe("<i>уже безопасный</i>")),  # nosec B308 B703 (a test value)
    ("3", lazy_text),
    (4, 1234567),
    (5, Decimal("1234.50")),
    (6, dt.date(2026, 11, 30)),
    (HOSTILE, "значение с <разметкой>"),
    ("Группа <1> & «2»", [(7, "семь"), (8, "восемь & <8>")]),
    (None, "ничего"),
]
ATTRS = {
    "class": 'a<b" c',
    "data-x": mark_safe("&amp;"),  # nosec B308 B703 (a test value)
    "required": True,
    "disabled": False,
    "data-none": None,
    "data-zero": 0,
    "data-tuple": (1, "<2>"),
    "data-number": 1234567,
    "placeholder": HOSTILE,
    'weird"<name>': "v",
}


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs=ATTRS))
    date = forms.DateField(widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": 1}))
    datetime = forms.DateTimeField()
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False)
    integer = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"step": 1}))
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    url = forms.URLField(required=False, assume_scheme="http")
    search = forms.CharField(widget=forms.SearchInput, required=False)
    phone = forms.CharField(widget=forms.TelInput, required=False)
    colour = forms.CharField(widget=forms.ColorInput, required=False)
    time = forms.TimeField(required=False)
    flag = forms.BooleanField(required=False)
    flag_on = forms.BooleanField(required=False, initial=True)
    comment = forms.CharField(widget=forms.Textarea(attrs=ATTRS), required=False)
    choice = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs=ATTRS))
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    yes_no = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.RadioSelect)
    radio_flat = forms.ChoiceField(
        choices=[("1", "один"), ("2", HOSTILE)],
        widget=forms.RadioSelect(attrs={"class": "segmented <x>"}),
    )
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    typed = forms.TypedChoiceField(choices=[(1, "один"), (2, "два")], coerce=int)


DATA = [
    {},
    {
        "text": HOSTILE,
        "date": "30.11.2026",
        "datetime": "30.11.2026 18:30",
        "email": "x@y.ru",
        "number": "1234,5",
        "integer": "12",
        "password": "<p&ss>",
        "hidden": '"><script>',
        "url": "http://a.ru/?a=1&b=<2>",
        "search": "0 986 306 807",
        "phone": "+7 (900)",
        "colour": "#ff0000",
        "time": "10:30",
        "flag": "on",
        "comment": HOSTILE + "\n\nвторая строка",
        "choice": "1",
        "many": ["1", "3", "7", HOSTILE],
        "yes_no": "true",
        "radio": "8",
        "radio_flat": "2",
        "boxes": ["2", "", "None"],
        "typed": "2",
    },
    {"date": "не дата", "choice": HOSTILE, "radio": "", "boxes": ["нет такого"]},
]


def _renders(data: dict | None, renderer) -> dict[str, str]:
    form = EveryWidget(data, renderer=renderer, auto_id="id_%s")
    if data is not None:
        form.is_valid()
    rendered = {name: str(form[name]) for name in form.fields}
    for name in ("radio", "radio_flat", "boxes"):
        for index, sub in enumerate(form[name]):
            rendered[f"{name}[{index}].tag"] = str(sub.tag())
            rendered[f"{name}[{index}]"] = str(sub)
    rendered["hidden_initial"] = str(form["flag"].as_hidden(only_initial=True))
    rendered["as_div"] = str(form.as_div())
    return rendered


@pytest.mark.parametrize("data", [None, *DATA])
def test_every_widget_renders_as_django_templates_do(data):
    fast, reference = _renders(data, FastFormRenderer()), _renders(data, DjangoTemplates())

    for name, expected in reference.items():
        assert fast[name] == expected, name


def test_unbound_form_without_auto_id_and_with_initial_values():
    class Initial(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, initial=HOSTILE)
        radio = forms.ChoiceField(choices=CHOICES, initial="3", widget=forms.RadioSelect)
        text = forms.CharField(initial=mark_safe("<b>safe</b>"))  # nosec B308 B703

    def render(renderer) -> str:
        return str(Initial(auto_id=False, renderer=renderer).as_div())

    assert render(FastFormRenderer()) == render(DjangoTemplates())


def test_every_writer_is_used_with_the_installed_django():
    """The writers reproduce the installed templates' text (else they would quietly go back
    to the engine, and this page's speed with them)."""
    assert set(fast_widgets.usable_writers()) == set(fast_widgets.WRITERS)


def test_the_project_renders_forms_with_it():
    assert isinstance(get_default_renderer(), FastFormRenderer)


def test_what_a_template_treats_its_own_way_goes_to_the_engine(monkeypatch):
    class Value:
        def __call__(self):
            return "called <by> the template"

    class Odd(forms.Form):
        items_attr = forms.CharField(
            widget=forms.TextInput(attrs={"items": [("a", "b")], "id": "y"})
        )
        called = forms.CharField(widget=forms.TextInput(attrs={"data-v": Value()}))
        custom = forms.ChoiceField(choices=[("1", "один")])

    Odd.base_fields["custom"].widget.option_template_name = "django/forms/widgets/input.html"
    engine_calls = []
    original = DjangoTemplates.render

    def counting(self, template_name, context, request=None):
        engine_calls.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", counting)
    for name in Odd.base_fields:
        engine_calls.clear()
        fast = str(Odd(renderer=FastFormRenderer())[name])
        assert engine_calls, name
        assert fast == str(Odd(renderer=DjangoTemplates())[name]), name


def test_a_select_of_many_options_never_reaches_the_engine(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("the template engine was asked")

    monkeypatch.setattr(DjangoTemplates, "render", refused)
    form = EveryWidget(DATA[1], renderer=FastFormRenderer())

    assert str(form["choice"]).count("<option") == 11
    assert str(form["radio"]).count('type="radio"') == 11


class Rows(forms.Form):
    name = forms.CharField(label=HOSTILE, help_text=HOSTILE, max_length=3)
    lazy_label = forms.CharField(label=lazy_text, required=False)
    agree = forms.BooleanField(label="Согласен & <да>", help_text="помощь")
    optional_flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    comment = forms.CharField(widget=forms.Textarea, required=False)
    radio = forms.ChoiceField(choices=CHOICES[:4], widget=forms.RadioSelect)

    def clean(self):
        self.add_error("name", HOSTILE)
        self.add_error("agree", mark_safe("<i>безопасная</i> ошибка"))  # nosec B308 B703


@pytest.mark.parametrize("data", [None, {}, {"name": "длинное <имя>", "agree": "on", "radio": "1"}])
@pytest.mark.parametrize("prefix", [None, 'p"<x>'])
def test_field_row_is_what_includes_field_html_renders(data, prefix):
    from django.template import Context, Template

    form = Rows(data, prefix=prefix)
    reference = Template('{% include "includes/field.html" with field=field %}')
    fast = Template("{% load form_rows %}{% field_row field %}")

    for name in form.fields:
        context = Context({"field": form[name]})
        assert fast.render(context) == reference.render(context), name
