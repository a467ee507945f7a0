"""`core.template_speed`: template look-ups remembered per engine, answering as Django does."""

import pytest
from django.template import Engine, TemplateDoesNotExist, engines
from django.template.loaders import cached

from mprating.core import template_speed

OURS_AND_UNFOLDS = "unfold/helpers/command.html"  # ours (kept) over unfold's


@pytest.fixture
def engine():
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        loader.reset()
    return engine


@pytest.fixture
def loader_calls(monkeypatch):
    calls = []
    original = cached.Loader.get_template

    def get_template(self, name, skip=None):
        calls.append(name)
        return original(self, name, skip)

    monkeypatch.setattr(cached.Loader, "get_template", get_template)
    return calls


def test_a_found_template_is_remembered(engine, loader_calls):
    first = engine.find_template("admin/change_list.html")
    assert loader_calls == ["admin/change_list.html"]
    loader_calls.clear()

    assert engine.find_template("admin/change_list.html") == first
    assert loader_calls == []
    assert first == Engine.find_template.__wrapped__(engine, "admin/change_list.html")


def test_skipped_origins_are_part_of_what_is_remembered(engine):
    ours, origin = engine.find_template(OURS_AND_UNFOLDS)
    theirs, their_origin = engine.find_template(OURS_AND_UNFOLDS, skip=[origin])
    assert "mprating/templates" in origin.name and "site-packages/unfold" in their_origin.name
    assert engine.find_template(OURS_AND_UNFOLDS) == (ours, origin)
    assert engine.find_template(OURS_AND_UNFOLDS, skip=[origin]) == (theirs, their_origin)


def test_a_missing_template_raises_what_django_raises(engine, loader_calls):
    name = "admin/no_such_app/no_such_model/change_list.html"
    errors = []
    for _ in range(4):
        with pytest.raises(TemplateDoesNotExist) as raised:
            engine.find_template(name)
        errors.append(raised.value)
    with pytest.raises(TemplateDoesNotExist) as django_raised:
        Engine.find_template.__wrapped__(engine, name)

    assert loader_calls == [name, name, name]  # twice ours, then Django's own path once
    for error in errors[1:]:
        assert error.args == django_raised.value.args == (name,)
        assert error.tried == django_raised.value.tried


def test_resetting_the_cached_loader_forgets(engine, loader_calls):
    engine.find_template("admin/change_list.html")
    assert template_speed.MEMO_ATTR in engine.__dict__
    engine.template_loaders[0].reset()
    assert template_speed.MEMO_ATTR not in engine.__dict__
    loader_calls.clear()
    engine.find_template("admin/change_list.html")
    assert loader_calls == ["admin/change_list.html"]


def test_an_engine_that_does_not_cache_reads_the_file_again(tmp_path):
    (tmp_path / "page.html").write_text("one")
    engine = Engine(dirs=[tmp_path], loaders=["django.template.loaders.filesystem.Loader"])
    assert engine.get_template("page.html").render(_context()) == "one"
    (tmp_path / "page.html").write_text("two")
    assert engine.get_template("page.html").render(_context()) == "two"
    assert engine.__dict__[template_speed.MEMO_ATTR] is False


def _context():
    from django.template import Context

    return Context()


def test_a_root_templates_blocks_are_found_once_and_as_django_finds_them(engine, monkeypatch):
    """`{% extends %}` of a root template reads its blocks from the template, walked once."""
    from django.template import loader_tags
    from django.template.base import NodeList

    skeleton = engine.get_template("unfold/layouts/skeleton.html")
    skeleton.__dict__.pop(template_speed.ROOT_BLOCKS_ATTR, None)
    walks = []
    original = NodeList.get_nodes_by_type

    def get_nodes_by_type(self, nodetype):
        if self is skeleton.nodelist:
            walks.append(nodetype)
        return original(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", get_nodes_by_type)
    first = template_speed.root_blocks(skeleton)
    assert template_speed.root_blocks(skeleton) is first
    assert walks == [loader_tags.BlockNode]  # the tree walked once, not per render
    assert first == {n.name: n for n in original(skeleton.nodelist, loader_tags.BlockNode)}
    assert {"base", "title", "extrahead"} <= set(first)
    # a template that extends another is no root: its parent's blocks are added by the parent
    assert template_speed.root_blocks(engine.get_template("admin/base.html")) is None


def test_a_page_over_several_extends_renders_as_with_djangos_extends(engine):
    from django.template import Context, loader_tags

    child = engine.from_string(
        '{% extends "base_child.html" %}{% block a %}C{{ block.super }}{% endblock %}'
    )
    parent = engine.from_string(
        "{% extends root %}{% block a %}P{{ block.super }}{% endblock %}"
        "{% block b %}Pb{% endblock %}"
    )
    root = engine.from_string(
        "{% block a %}R{% endblock %}|{% block b %}Rb{% endblock %}|{% block c %}Rc{% endblock %}"
    )
    context = {"root": root}
    child.nodelist[0].parent_name.var = parent  # a Template object as parent, as Django allows
    ours = [child.render(Context(context)) for _ in range(2)]
    assert loader_tags.ExtendsNode.render is template_speed._extends_render
    django_render = template_speed._extends_render.__wrapped__
    try:
        loader_tags.ExtendsNode.render = django_render
        theirs = child.render(Context(context))
    finally:
        loader_tags.ExtendsNode.render = template_speed._extends_render
    assert ours == [theirs, theirs] == ["CPR|Pb|Rc"] * 2
