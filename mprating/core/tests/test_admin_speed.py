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
    assert ChangeList.is_dataset is False  # asked by the search form and the empty list
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


def _groups_page(client, query=""):
    from django.contrib.auth.models import Group

    for name in ("Альфа", "Бета", "Гамма"):
        Group.objects.get_or_create(name=name)
    boss = get_user_model().objects.create_superuser(
        email="boss@example.ru", password="x-Pass-2026-long"
    )
    client.force_login(boss)
    return client.get("/backoffice/auth/group/" + query)


@pytest.mark.django_db
def test_an_unfiltered_list_counts_its_rows_once(client, django_assert_num_queries, monkeypatch):
    from django.contrib.admin.views.main import ChangeList as DjangoChangeList

    assert getattr(DjangoChangeList.get_results, "mp_full_count_once", False)
    _groups_page(client)
    with django_assert_num_queries(4):  # user, badges, one count, rows
        response = client.get("/backoffice/auth/group/")
    cl = response.context["cl"]
    total = cl.root_queryset.count()
    assert (cl.result_count, cl.full_result_count, cl.show_admin_actions) == (total, total, True)

    # Django's own get_results: the same numbers with a second count.
    monkeypatch.setattr(DjangoChangeList, "get_results", DjangoChangeList.get_results.__wrapped__)
    with django_assert_num_queries(5):
        theirs = client.get("/backoffice/auth/group/")
    assert (theirs.context["cl"].result_count, theirs.context["cl"].full_result_count) == (
        total,
        total,
    )


@pytest.mark.django_db
def test_a_searched_list_still_counts_the_total(client):
    response = _groups_page(client, "?q=Бета")
    cl = response.context["cl"]
    assert (cl.result_count, cl.full_result_count) == (1, cl.root_queryset.count())
    assert cl.full_result_count >= 3
    assert f'1 результат (<a href="?">{cl.full_result_count} всего</a>)' in (
        response.content.decode()
    )


def test_same_rows_tells_filters_apart():
    from django.contrib.auth.models import Group
    from django.db.models import Count

    root = Group.objects.all()
    assert admin_speed.same_rows(root.order_by("name").query, root.query)
    assert admin_speed.same_rows(root.select_related().query, root.query)
    for other in (
        root.filter(name="x"),
        root.exclude(name="x"),
        root.distinct(),
        root.annotate(n=Count("user")),
        root.filter(permissions__codename="x"),
        root.union(root),
    ):
        assert not admin_speed.same_rows(other.query, root.query)
    assert not admin_speed.same_rows(root.filter(name="x").query, root.filter(name="y").query)


def _django_media(media, monkeypatch):
    from django.forms.widgets import Media

    merge, render_js, render_css = admin_speed.DJANGO_MEDIA
    with monkeypatch.context() as patched:
        patched.setattr(Media, "merge", staticmethod(merge))
        patched.setattr(Media, "render_js", render_js)
        patched.setattr(Media, "render_css", render_css)
        return str(media)


def test_kept_media_is_djangos_media(settings, monkeypatch):
    from django.forms.widgets import Media, Script

    first = Media(js=["admin/js/a.js", "/abs.js", "https://x.ru/b.js"], css={"all": ["c.css"]})
    second = Media(js=["admin/js/a.js", "d.js"], css={"print": ["p.css"], "all": ["c.css"]})
    scripted = Media(js=[Script("s.js", defer=True), "admin/js/a.js"])
    for media in (first, second, first + second, second + first, scripted, (first + second)["js"]):
        ours = [str(media), str(media)]  # the second from what is kept
        assert ours[0] == ours[1] == _django_media(media, monkeypatch)
    assert admin_speed._media_kept

    settings.STATIC_URL = "/elsewhere/"
    assert not admin_speed._media_kept  # static settings changed: nothing kept holds
    assert 'src="/elsewhere/admin/js/a.js"' in str(first["js"])


class _Row(list):
    """A row of cells as unfold's results give them, with the row's form."""

    def __init__(self, cells, form=None):
        super().__init__(cells)
        self.form = form


class _UnboundForm:
    def non_field_errors(self):
        return ""


# The plain loop `{{ results|rows:"plain" }}` replaced in admin/change_list_results.html.
PLAIN_LOOP = (
    "{% for result in results %}<tbody class=\"mp-b{% cycle '' ' mp-z' %}\" "
    'x-data="{rowOpen: false}" ><tr class="data-row mp-r">{{ result|cells }}</tr></tbody>\n'
    "                {% endfor %}"
)


def _general_loop() -> str:
    """The template's general loop (rows with a drag handle, sections, actions or errors),
    which editable rows took before `{{ results|rows:"editable" }}`."""
    from pathlib import Path

    from django.conf import settings

    text = (
        Path(settings.BASE_DIR) / "mprating/templates/admin/change_list_results.html"
    ).read_text()
    start = "actions_row or cl.formset.is_bound %}"
    return text[text.index(start) + len(start) : text.index("{% elif cl.formset %}")]


@pytest.mark.parametrize(("kind", "count"), [("plain", 0), ("plain", 3), ("editable", 3)])
def test_the_rows_filter_writes_the_loops_markup(kind, count):
    from django.template import Context, Template
    from django.utils.html import format_html

    cells = ['<td class="mp-c">&lt;b&gt; «ё»</td>', format_html("<td>{}</td>", "<b>")]
    results = [_Row(cells, _UnboundForm() if kind == "editable" else None) for _ in range(count)]
    loop = PLAIN_LOOP if kind == "plain" else _general_loop()
    context = {"results": results, "ordering_field": None, "has_sections": 0, "actions_row": []}

    theirs = Template("{% load admin_cells i18n unfold %}" + loop).render(Context(context))
    ours = Template('{% load admin_cells %}{{ results|rows:"' + kind + '" }}').render(
        Context(context)
    )

    assert ours == theirs
    assert ours.count('<tr class="data-row mp-r">') == count
