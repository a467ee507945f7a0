"""`core.admin_row_styles`: the back office rows' short classes and their stylesheet, copied
from unfold's (issue 13: a row of «Пользователи» was ~6 KB, 85 % of it class lists)."""

import re

import pytest
from django.contrib.auth import get_user_model
from unfold.templatetags import unfold_list

from mprating.core import admin_row_styles
from mprating.core.admin_row_styles import CSS_FILE, build_css, css_text, shorten


def test_the_stylesheet_is_unfolds_rules_for_the_short_classes():
    """static/css/backoffice-rows.css is what the installed unfold's stylesheet gives (an
    upgrade that changes a rule fails here: regenerate, see the module), and every class a
    short class stands for has its rules there."""
    assert CSS_FILE.read_text() == css_text(), "regenerate: admin_row_styles.write_css()"
    assert build_css(admin_row_styles.unfold_css())[1] == set()


def test_a_short_class_gets_its_classes_rules_in_the_stylesheets_order(monkeypatch):
    monkeypatch.setattr(
        admin_row_styles,
        "STYLES",
        {"mp-t": "flex lg:table-cell dark:text-x before:content-['a\\_b']", "mp-u": "flex"},
    )
    tailwind = (
        "/*! tw */@layer properties{*{--tw-content:''}}@layer utilities{.flex{display:flex}"
        ".flex-1{flex:1}.other,.flex{gap:1px}"
        "@media (min-width:64rem){.lg\\:table-cell{display:table-cell}}"
        "@media not print{.dark\\:text-x:where(.dark,.dark *){color:red}}"
        ".before\\:content-\\[\\'a\\\\_b\\'\\]:before{--tw-content:'a\\_b';content:var(--tw-content)}}"
    )
    css, missing = build_css(tailwind)
    assert css.splitlines() == [
        "@layer utilities{.mp-t,.mp-u{display:flex}}",
        "@layer utilities{.mp-t,.mp-u{gap:1px}}",
        "@layer utilities{@media (min-width:64rem){.mp-t{display:table-cell}}}",
        "@layer utilities{@media not print{.mp-t:where(.dark,.dark *){color:red}}}",
        "@layer utilities{.mp-t:before{--tw-content:'a\\_b';content:var(--tw-content)}}",
    ]
    assert missing == set()
    assert build_css(".flex{display:flex}")[1] == {
        "lg\\:table-cell",
        "dark\\:text-x",
        "before\\:content-\\[\\'a\\\\_b\\'\\]",
    }


def test_shorten_replaces_whole_runs_of_unfolds_classes():
    cell = " ".join(["field-name", *unfold_list.ROW_CLASSES, "nowrap"])
    assert shorten(f'<td class="{cell}">x</td>') == '<td class="field-name mp-c nowrap">x</td>'
    badge = (
        'class="inline-block font-semibold rounded-default text-[11px] uppercase '
        "whitespace-nowrap\n    h-6 leading-6 px-2\n\n    bg-green-100 text-green-700 "
        'dark:bg-green-500/20 dark:text-green-400 mine"'
    )
    assert shorten(badge) == 'class="mp-l mp-green mine"'
    assert shorten('class="flex items-center"') == 'class="flex items-center"'  # no whole run


@pytest.mark.django_db
def test_rows_carry_the_short_classes_the_stylesheet_and_the_phones_labels(client):
    User = get_user_model()
    boss = User.objects.create_superuser(email="boss@example.ru", password="x-Pass-2026-long")
    User.objects.create_user(email="u@example.ru", password=None, last_name="Фёдоров")
    client.force_login(boss)
    html = client.get("/backoffice/accounts/user/").content.decode()

    assert html.count('<link href="/static/css/backoffice-rows.css" rel="stylesheet">') == 1
    table = html[html.index('<table id="result_list"') : html.index("</table>")]
    cells = re.findall(r'<t[dh] class="([^"]*)"( data-label="[^"]+")?', table.split("</thead>")[1])
    assert len(cells) == 2 * 7  # two users, checkbox + six columns
    assert all(label for _, label in cells)  # the phone's card shows each column's name
    assert {classes.split()[-1] for classes, _ in cells} == {"mp-c", "mp-k"}
    assert "before:content-[attr(data-label)]" not in table.split("</thead>")[1]
    assert '<div class="mp-o mp-green" title="Да"><span class="material-symbols-outlined">' in table
