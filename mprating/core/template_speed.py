"""Template look-ups remembered per engine (issue 13: the fixed cost of every page).

A back office page looks a template up ~35 times (each `{% include %}` and `{% extends %}`, each
inclusion tag); each look-up walks the engine's loaders — template_partials' loader, then
Django's cached loader with its cache key — ~15 Python calls for a template that the cached
loader holds anyway. When every loader of an engine caches (production and tests: the cached
loader, alone or inside template_partials'), `Engine.find_template` remembers what it found by
exactly what the cached loader's answer depends on: the name and the origins to skip. Resetting
the cached loader (the dev server's autoreload when a template changes) forgets it too.

A name that is not found (the admin asks for `admin/<app>/<model>/change_list.html` before
`admin/change_list.html` on every list) is remembered once the cached loader has answered it
from its own cache (the second miss), and raises the very error that answer gives: the same
name and the same `tried`. An engine with a loader that does not cache is left as it is.

`{% extends %}` of a root template (unfold's skeleton, under every back office page) walks the
root's whole node tree on every render to find its `{% block %}`s (~800 Python calls a page);
the tree of a compiled template does not change, so the blocks found are kept on the template.
"""

from django.template import TemplateDoesNotExist, loader_tags
from django.template import engine as engine_module
from django.template.base import TextNode
from django.template.loaders import cached

MEMO_ATTR = "_mp_found_templates"
ROOT_BLOCKS_ATTR = "_mp_root_blocks"
MEMO_LIMIT = 2000


class _Missing:
    __slots__ = ("tried",)

    def __init__(self):
        self.tried = None  # known from the second miss on


def _all_cached(engine) -> bool:
    from template_partials.loader import Loader as PartialsLoader

    loaders = engine.template_loaders
    if not loaders:
        return False
    for loader in loaders:
        if isinstance(loader, PartialsLoader):
            inner = loader.loaders
            if not (len(inner) == 1 and isinstance(inner[0], cached.Loader)):
                return False
        elif not isinstance(loader, cached.Loader):
            return False
    return True


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def install() -> None:
    Engine = engine_module.Engine
    if getattr(Engine.find_template, "mp_remembered", False):
        return
    original_find = Engine.find_template
    original_reset = cached.Loader.reset

    def find_template(self, name, dirs=None, skip=None):
        memo = self.__dict__.get(MEMO_ATTR)
        if memo is None:
            memo = {} if _all_cached(self) else False
            self.__dict__[MEMO_ATTR] = memo
        if memo is False or dirs is not None:
            return original_find(self, name, dirs, skip)
        key = (name, None if not skip else tuple((o.name, o.loader) for o in skip))
        found = memo.get(key)
        if type(found) is tuple:
            return found
        if found is not None and found.tried is not None:
            raise TemplateDoesNotExist(name, tried=list(found.tried))
        try:
            result = original_find(self, name, dirs, skip)
        except TemplateDoesNotExist as error:
            if found is None:
                _remember(memo, key, _Missing())
            else:  # the cached loader's own answer for a name it knows is missing
                found.tried = list(error.tried)
            raise
        _remember(memo, key, result)
        return result

    def reset(self):
        original_reset(self)
        self.engine.__dict__.pop(MEMO_ATTR, None)

    find_template.mp_remembered = True
    find_template.__wrapped__ = original_find
    Engine.find_template = find_template
    cached.Loader.reset = reset


def root_blocks(template) -> dict | None:
    """The `{% block %}`s of a template that extends nothing, by name, as Django's
    `ExtendsNode.render` finds them; None for a template that extends another. Kept on the
    compiled template: its nodes are fixed once parsed."""
    kept = template.__dict__.get(ROOT_BLOCKS_ATTR, False)
    if kept is not False:
        return kept
    blocks = None
    for node in template.nodelist:
        # The ExtendsNode has to be the first non-text node (Django's rule).
        if not isinstance(node, TextNode):
            if not isinstance(node, loader_tags.ExtendsNode):
                blocks = {
                    n.name: n for n in template.nodelist.get_nodes_by_type(loader_tags.BlockNode)
                }
            break
    template.__dict__[ROOT_BLOCKS_ATTR] = blocks
    return blocks


def _extends_render(self, context):
    """Django 5.2's `ExtendsNode.render`, with the root's blocks from `root_blocks`."""
    compiled_parent = self.get_parent(context)
    render_context = context.render_context
    if loader_tags.BLOCK_CONTEXT_KEY not in render_context:
        render_context[loader_tags.BLOCK_CONTEXT_KEY] = loader_tags.BlockContext()
    block_context = render_context[loader_tags.BLOCK_CONTEXT_KEY]
    block_context.add_blocks(self.blocks)
    blocks = root_blocks(compiled_parent)
    if blocks is not None:
        block_context.add_blocks(blocks)
    with render_context.push_state(compiled_parent, isolated_context=False):
        return compiled_parent._render(context)


def install_extends() -> None:
    ExtendsNode = loader_tags.ExtendsNode
    if ExtendsNode.render is _extends_render:
        return
    _extends_render.__wrapped__ = ExtendsNode.render
    ExtendsNode.render = _extends_render
