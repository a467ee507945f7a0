"""`core.admin_rows`' own cells (the row checkbox, text, yes/no, date and date-time columns,
worked out without unfold's display helpers) against unfold's cells for the same rows."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.sites import UnfoldAdminSite
from unfold.templatetags import unfold_list

from mprating.accounts.tests.factories import make_staff
from mprating.core import admin_row_styles
from mprating.core.admin_rows import _compiled_format
from mprating.finance.models import Statement

EVIL = '<b>«ё»</b> & "x"'


def _normal(html) -> str:
    html = admin_row_styles.shorten(str(html))
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)))


def _cells_both_ways(rf, monkeypatch, model_admin_class, model, rows, calls=None) -> tuple:
    """Our cells (with none of unfold's display helpers called; with `calls`, what
    `display_for_value` is called with is put there) and unfold's."""
    request = rf.get("/")
    request.user = make_staff(email="cells@example.ru", superuser=True)
    cl = model_admin_class(model, UnfoldAdminSite(name="cells")).get_changelist_instance(request)
    value_for = unfold_list.display_for_value
    with monkeypatch.context() as patched:
        for helper in ("display_for_field", "display_for_value", "display_for_label"):
            patched.setattr(unfold_list, helper, None)  # calling one fails
        if calls is not None:
            patched.setattr(
                unfold_list, "display_for_value", lambda *a: calls.append(a[0]) or value_for(*a)
            )
        ours = [[_normal(c) for c in unfold_list.items_for_result(cl, row, None)] for row in rows]
    original = unfold_list.items_for_result.__wrapped__
    theirs = [[_normal(c) for c in original(cl, row, None)] for row in rows]
    return ours, theirs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "shown"), [("UTC", "31.01.2026 21:05"), ("Europe/Moscow", "01.02.2026 00:05")]
)
def test_text_yes_no_and_date_time_cells_are_unfolds(rf, monkeypatch, zone, shown):
    class Users(ModelAdmin):
        list_display = ["email", "first_name", "is_active", "date_joined", "last_login", "yes"]
        list_display_links = ["email"]

        @display(boolean=True, description="да?")
        def yes(self, user):
            return {0: True, 1: False, 2: None}[user.pk % 3]

    User = get_user_model()
    moment = datetime.datetime(2026, 1, 31, 21, 5, 9, tzinfo=datetime.UTC)
    rows = [
        User(pk=1, email=EVIL, first_name="", is_active=True, date_joined=moment),
        User(
            pk=2,
            email="a@b.ru",
            first_name=EVIL,
            is_active=False,
            date_joined=moment,
            last_login=moment.replace(year=999),
        ),
        User(pk=3, email="c@d.ru", first_name=None, is_active=True, date_joined=moment),
    ]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        ours, theirs = _cells_both_ways(rf, monkeypatch, Users, User, rows)
    assert ours == theirs
    assert "&lt;b&gt;«ё»&lt;/b&gt; &amp; &quot;x&quot;" in ours[0][1]
    assert f">{shown}</td>" in ours[0][4]  # in the time zone of the page
    assert 'value="1"' in ours[0][0] and 'class="mp-o mp-green"' in ours[0][3]


@pytest.mark.django_db
def test_date_choice_number_and_computed_cells_are_unfolds(rf, monkeypatch):
    class Statements(ModelAdmin):
        list_display = [
            "period_start",
            "period_end",
            "source",
            "data_as_of",
            "status",
            "progress",
            "movements_count",
            "shown",
            "count",
            "nothing",
        ]

        @display(description="показано")
        def shown(self, statement):
            return format_html("<i>{}</i>", statement.source) if statement.pk == 7 else EVIL

        @display(description="число")
        def count(self, statement):
            return 1234567 if statement.pk == 7 else None

        @display(description="пусто", empty_value="нет")
        def nothing(self, statement):
            return None

    rows = [
        Statement(
            pk=7,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
            status="done",
            source=EVIL,
            data_as_of=None,
            progress=100,
            movements_count=None,
        ),
        Statement(
            pk=8,
            period_start=datetime.date(999, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            status="nonsense",
            source="",
            data_as_of=datetime.datetime(2026, 1, 31, 21, 5, 9, tzinfo=datetime.UTC),
            progress=0,
            movements_count=-1234567,
        ),
    ]
    calls = []
    ours, theirs = _cells_both_ways(rf, monkeypatch, Statements, Statement, rows, calls)
    assert calls == [1234567]  # a computed column's number: unfold's display, the rest ours
    assert ours == theirs
    assert ">01.01.2026</a>" in ours[0][1] and ">-</td>" in ours[0][4]
    assert ">Готов</td>" in ours[0][5] and ">-</td>" in ours[1][5]  # a value not in the choices
    assert ">-1234567</td>" in ours[1][7] and ">нет</td>" in ours[0][10]


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("django_format", ["d.m.Y H:i", "d.m.Y", "j.n.Y G:i:s", "Y-m-d {x}", "H:i"])
def test_compiled_format_is_djangos(language, django_format):
    values = [
        datetime.datetime(2026, 1, 2, 3, 4, 5),
        datetime.datetime(999, 12, 31, 23, 59, 59),
        datetime.datetime(2026, 11, 30, 0, 0, 0),
    ]
    with translation.override(language):
        pattern = _compiled_format(django_format)
        assert [pattern.format(v) for v in values] == [
            dateformat.format(v, django_format) for v in values
        ]


@pytest.mark.parametrize("django_format", ["j E Y г. G:i", "N j, Y", r"d.m.Y \г.", "P", "d.m.y"])
def test_a_format_with_names_is_left_to_django(django_format):
    assert _compiled_format(django_format) is None
