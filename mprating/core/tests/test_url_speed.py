"""`core.url_speed`: `{% url %}` without arguments remembered by all its answer depends on."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_url_caches, reverse, set_script_prefix
from django.urls.resolvers import URLResolver
from django.utils import translation

from mprating.core import url_speed


@pytest.fixture
def reversals(monkeypatch):
    calls = []
    original = URLResolver._reverse_with_prefix

    def counted(self, lookup_view, _prefix, *args, **kwargs):
        calls.append((lookup_view, _prefix))
        return original(self, lookup_view, _prefix, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counted)
    url_speed._urls.clear()
    return calls


def _render(code: str, **context) -> str:
    return Template("{% load i18n %}" + code).render(Context(context))


def test_the_url_is_djangos_and_reversed_once(reversals):
    assert _render("{% url 'admin:index' %}") == reverse("admin:index") == "/backoffice/"
    assert _render("{% url 'admin:index' %}|{% url 'admin:index' as link %}{{ link }}") == (
        "/backoffice/|/backoffice/"
    )
    assert reversals == [("index", "/"), ("index", "/")]  # the tag once, `reverse` above once


def test_another_prefix_or_language_or_resolver_is_another_url(reversals):
    _render("{% url 'admin:index' %}")
    set_script_prefix("/sub/")
    try:
        assert _render("{% url 'admin:index' %}") == "/sub/backoffice/"
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        assert _render("{% url 'admin:index' %}") == "/backoffice/"
    clear_url_caches()
    assert _render("{% url 'admin:index' %}") == "/backoffice/"
    assert len(reversals) == 4


def test_a_name_that_does_not_reverse_is_djangos_error_and_not_kept(reversals):
    with pytest.raises(NoReverseMatch):
        _render("{% url 'admin:no-such-page' %}")
    assert _render("{% url 'admin:no-such-page' as link %}[{{ link }}]") == "[]"
    assert len(url_speed._urls) == 0


def test_arguments_and_escaping_take_djangos_path(reversals):
    html = _render("{% url 'admin:auth_group_change' pk %}", pk=7)
    assert html == reverse("admin:auth_group_change", args=[7])
    assert len(url_speed._urls) == 0
    name = "admin:index"
    assert _render("{% url name %}", name=name) == "/backoffice/"
