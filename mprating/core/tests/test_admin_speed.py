"""`core.admin_speed`: unfold's per-row costs taken out of every back office list (issue 13),
with the HTML unchanged."""

import re

import pytest
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from unfold import admin as unfold_admin
from unfold import utils as unfold_utils
from unfold.templatetags import unfold_list
from unfold.views import ChangeList

from mprating.core import admin_row_styles, admin_speed

USERS = "/backoffice/accounts/user/"


def test_both_replacements_are_in_place():
    assert getattr(unfold_list.result_headers, "mp_once_per_changelist", False)
    assert getattr(unfold_admin.ModelAdmin.action_checkbox, "mp_row_checkbox", False)
    assert unfold_admin.ModelAdmin.list_sections == ()  # asked by the row template
    assert getattr(unfold_utils._boolean_icon, "mp_cached", False)
    assert getattr(unfold_list.display_for_label, "mp_cached", False)


@pytest.mark.parametrize("value", [True, False, None, "", 1, 0])
def test_boolean_icon_is_the_templates_markup(value):
    assert unfold_utils._boolean_icon(value) == render_to_string(
        "unfold/helpers/boolean.html", {"value": value}
    )
    # The column title of the checkbox (the «select all» box) is unfold's own.
    assert 'name="action_toggle_all"' in str(
        unfold_admin.ModelAdmin.action_checkbox.short_description
    )


@pytest.mark.parametrize("pk", [7, 20000, 'a"b<c>'])
def test_row_checkbox_is_the_widgets_markup(pk):
    assert admin_speed.row_checkbox(pk) == unfold_admin.checkbox.render(
        helpers.ACTION_CHECKBOX_NAME, str(pk)
    )


@pytest.mark.django_db
def test_headers_are_built_once_per_page_not_per_row(client, monkeypatch):
    User = get_user_model()
    boss = User.objects.create_superuser(email="boss@example.ru", password="x-Pass-2026-long")
    for i in range(12):
        User.objects.create_user(email=f"u{i}@example.ru", password=None)
    calls = []
    original = ChangeList.get_ordering_field_columns
    monkeypatch.setattr(
        ChangeList,
        "get_ordering_field_columns",
        lambda self: calls.append(1) or original(self),
    )
    client.force_login(boss)

    html = client.get(USERS).content.decode()

    assert html.count('name="_selected_action"') == 13
    assert html.count('data-label="ФИО"') == 13  # every row still titles its cells
    assert len(calls) <= 2  # was 1 + 13 (unfold builds the headers for every row)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("Активен", {"Активен": "success", "Заблокирован": "danger"}),
        ("Заблокирован", {"Активен": "success", "Заблокирован": "danger"}),
        ("Другое <b>", {"Активен": "success"}),
        ("Любой", True),
        ("", True),
    ],
)
def test_label_is_the_templates_markup(value, label):
    expected = render_to_string(
        "unfold/helpers/display_label.html",
        {
            "label": value,
            "label_type": label.get(value) if isinstance(label, dict) else None,
            "multiple": False,
        },
    )
    for _ in range(2):  # the second answer comes from the cache
        assert unfold_list.display_for_label(value, "-", label) == expected


def _table(html: str) -> str:
    """The list's table, unfold's class lists as our short classes, whitespace aside."""
    table = html[html.index('<table id="result_list"') : html.index("</table>")]
    table = admin_row_styles.shorten(table)
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", table)))


@pytest.mark.django_db
def test_the_row_template_gives_unfolds_markup(client, settings):
    """mprating/templates/admin/change_list_results.html against unfold's own (the project's
    template directory left out), whitespace aside."""
    User = get_user_model()
    boss = User.objects.create_superuser(email="boss@example.ru", password="x-Pass-2026-long")
    for i in range(3):
        User.objects.create_user(email=f"u{i}@example.ru", password=None, last_name=f"Ф{i}")
    client.force_login(boss)
    ours = client.get(USERS).content.decode()
    assert "unfold 0.91's admin/change_list_results.html" not in ours  # a comment, not output

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    theirs = client.get(USERS).content.decode()

    assert _table(ours) == _table(theirs)
    assert len(ours) < len(theirs)  # the rows' indentation is gone
    assert 'class="data-row mp-r"' in ours and "lg:table-row " not in ours  # short classes
