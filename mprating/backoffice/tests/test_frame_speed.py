"""What every back office list pays, made cheaper (issue 13: the fixed cost of a page), with the
same HTML: the column headers kept per exact state."""

import pytest
from django.contrib.admin.views.main import ChangeList
from unfold.templatetags import unfold_list

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core import admin_speed

pytestmark = pytest.mark.django_db

CLIENTS = "/backoffice/accounts/client/"


@pytest.fixture
def header_builds(monkeypatch):
    calls = []
    original = ChangeList.get_ordering_field_columns

    def counted(self):
        calls.append(dict(self.params))
        return original(self)

    monkeypatch.setattr(ChangeList, "get_ordering_field_columns", counted)
    return calls


@pytest.mark.parametrize("query", ["", "?o=2", "?o=-2.3", "?q=Иван", "?o=2&q=Иван"])
def test_kept_headers_are_unfolds_for_the_same_list(boss_browser, query):
    make_client()
    response = boss_browser.get(CLIENTS + query)
    response = boss_browser.get(CLIENTS + query)  # the second visit reads the kept headers
    cl = response.context["cl"]
    kept = list(unfold_list.result_headers(cl))
    assert kept == list(unfold_list.result_headers.__wrapped__(cl))
    assert len(kept) == len(cl.list_display)


def test_headers_are_built_once_per_state_and_anew_for_another(boss_browser, header_builds):
    make_client()
    admin_speed._headers_kept.clear()
    boss_browser.get(CLIENTS)
    boss_browser.get(CLIENTS + "?o=2")
    assert len(header_builds) == 2
    header_builds.clear()

    html = boss_browser.get(CLIENTS).content.decode()
    sorted_html = boss_browser.get(CLIENTS + "?o=2").content.decode()

    assert header_builds == []
    assert 'href="?o=2"' in html or "?o=2" in html
    assert sorted_html != html

    boss_browser.get(CLIENTS + "?o=-2")
    assert header_builds == [{"o": "-2"}]


def test_a_key_that_cannot_be_hashed_builds_the_headers_as_unfold_does(boss_browser):
    make_client()
    cl = boss_browser.get(CLIENTS).context["cl"]
    cl.list_display = [["not", "hashable"]]
    assert admin_speed.headers_key(cl) is None


def test_unfolds_settings_are_merged_and_colours_converted_once(boss_browser, monkeypatch):
    from unfold import sites as unfold_sites

    from mprating.backoffice import site

    boss_browser.get(CLIENTS)
    merges, conversions = [], []
    original_merge, original_convert = site.get_config, unfold_sites.convert_color
    monkeypatch.setattr(
        site, "get_config", lambda name: merges.append(name) or original_merge(name)
    )
    monkeypatch.setattr(
        unfold_sites, "convert_color", lambda v: conversions.append(v) or original_convert(v)
    )

    html = boss_browser.get(CLIENTS).content.decode()

    assert merges == [] and conversions == []
    assert unfold_sites.get_config is site.kept_get_config
    assert "--color-primary-600: rgb(29, 78, 216);" in html


def test_a_changed_unfold_setting_takes_effect(boss_browser, settings):
    boss_browser.get(CLIENTS)
    colors = {**settings.UNFOLD["COLORS"], "primary": {"600": "#010203"}}
    settings.UNFOLD = {
        **settings.UNFOLD,
        "SITE_HEADER": "Другой заголовок",
        "COLORS": colors,
        "ACCOUNT": {"navigation": [{"title": "Ссылка-проверка", "link": "/x-check/"}]},
    }

    html = boss_browser.get(CLIENTS).content.decode()

    assert "Другой заголовок" in html
    assert "--color-primary-600: rgb(1, 2, 3);" in html
    assert "Ссылка-проверка" in html and "/x-check/" in html
    assert settings.UNFOLD["COLORS"]["primary"]["600"] == "#010203"  # settings left as they are


def test_plain_string_settings_are_taken_as_they_are(rf):
    from django.contrib import admin
    from unfold.sites import UnfoldAdminSite

    request = rf.get("/backoffice/")
    for value in ("MP Rating", "6px", "#f8fafc", "/", "mprating.backoffice.site.unfold_config"):
        ours = admin.site._get_value(value, "UNFOLD")
        assert ours == UnfoldAdminSite._get_value(admin.site, value, "UNFOLD")
    assert admin.site._get_value("no.such.module", request) == "no.such.module"


@pytest.mark.parametrize("is_staff", [True, False])
@pytest.mark.parametrize("history", [True, False])
def test_kept_command_box_is_unfolds(rf, is_staff, history):
    from pathlib import Path

    import unfold
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template, engines

    engine = engines["django"].engine
    request = rf.get(CLIENTS)
    request.user = make_staff(email="ops@example.ru") if is_staff else AnonymousUser()
    request.current_app = "admin"
    unfolds = Template(
        (Path(unfold.__file__).parent / "templates/unfold/helpers/command.html").read_text(),
        engine=engine,
    )
    ours = engine.get_template("unfold/helpers/command.html")
    assert "kept_frame" in Path(ours.origin.name).read_text()

    def render(template, token):
        context = {"request": request, "csrf_token": token, "command_show_history": history}
        return template.render(Context(context, autoescape=True))

    expected = render(unfolds, "t1")
    assert render(ours, "t1") == expected
    assert render(ours, "t2") == expected  # the kept HTML
    assert ("/backoffice/search/?extended=1" in expected) == is_staff
    assert ("command-history" in expected) == (is_staff and history)


def test_the_kept_search_box_shows_each_search_and_its_parameters(boss_browser):
    make_client()
    boss_browser.get(CLIENTS + "?q=first")
    html = boss_browser.get(CLIENTS + "?q=%3Csecond%3E&o=2").content.decode()
    assert 'value="&lt;second&gt;"' in html
    assert '<input type="hidden" name="o" value="2">' in html
    assert 'value="first"' not in html
    again = boss_browser.get(CLIENTS + "?q=first").content.decode()
    assert 'value="first"' in again and 'name="o"' not in again


def _thead(html: str) -> str:
    return html[html.index("<thead>") : html.index("</thead>")]


def test_the_kept_column_heads_follow_the_sorting(boss_browser, settings):
    from mprating.backoffice.templatetags import backoffice as backoffice_tags

    make_client()
    make_client()
    backoffice_tags._frame_html.clear()
    heads = {}
    for query in ("?o=2", "?o=-2", "?o=2.-3", "?o=2"):
        boss_browser.get(CLIENTS + query)
        heads[query] = _thead(boss_browser.get(CLIENTS + query).content.decode())
    assert len(set(heads.values())) == 3
    assert "column_headers" in {key[0] for key in backoffice_tags._frame_html}
    assert 'class="sortpriority' in heads["?o=2.-3"]

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    for query, ours in heads.items():
        assert _thead(boss_browser.get(CLIENTS + query).content.decode()) == ours


def test_the_kept_action_bar_counts_each_lists_rows(boss_browser):
    make_client()
    boss_browser.get(CLIENTS)
    first = boss_browser.get(CLIENTS)
    make_client()
    second = boss_browser.get(CLIENTS)
    one, two = first.content.decode(), second.content.decode()
    assert 'data-actions-icnt="1"' in one and 'data-actions-icnt="2"' in two
    notes = (str(first.context["selection_note"]), str(second.context["selection_note"]))
    assert notes[0] != notes[1] and notes[0] in one and notes[1] in two
