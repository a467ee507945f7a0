"""`{% url 'name' %}` without arguments, remembered (issue 13: the fixed cost of every page).

The back office frame has three such tags on every page (`admin:index`, `admin:jsi18n`,
`admin:search`), the cabinet's menu more; each `reverse()` walks the namespaces and the
resolver's patterns (~120 Python calls). Without arguments its answer depends only on the view
name, the current app, the URL resolver in use (a new one after `clear_url_caches()` or for
another urlconf), the script prefix and the language (the resolver's reverse table is per
language) — the key under which the URL is remembered. A tag with arguments, a name that is not
text and a name that does not reverse take Django's path as before.
"""

from django.template import defaulttags
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from mprating.core.kept import Kept

_urls = Kept(limit=2000)


def _current_app(context):
    """`URLNode.render`'s current app."""
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


def install() -> None:
    URLNode = defaulttags.URLNode
    if getattr(URLNode.render, "mp_remembered", False):
        return
    original = URLNode.render

    def render(self, context):
        if self.args or self.kwargs:
            return original(self, context)
        view_name = self.view_name.resolve(context)
        if not isinstance(view_name, str):
            return original(self, context)
        current_app = _current_app(context)
        key = (
            view_name,
            current_app,
            get_resolver(get_urlconf()),
            get_script_prefix(),
            get_language(),
        )
        url = _urls.get(key)
        if url is None:
            # What URLNode.render does; a name that does not reverse is not kept.
            try:
                url = reverse(view_name, args=[], kwargs={}, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                _urls.get_or_make(key, lambda: url)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url

    render.mp_remembered = True
    render.__wrapped__ = original
    URLNode.render = render
