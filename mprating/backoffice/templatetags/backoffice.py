from django import template
from django.utils.translation import get_language

from mprating.backoffice.counts import records_ru

register = template.Library()


@register.simple_tag
def records(opts, count: int) -> str:
    """`{% records cl.opts cl.result_count %}` → «41 клиент»."""
    return records_ru(opts.label_lower, count)


# The sidebar's HTML per (language, navigation): the navigation is plain data (titles, links,
# icons, which item is active, badge numbers), so its repr names the HTML exactly; a new badge
# number or another active item is another key. A few hundred are kept, then the lot is dropped.
SIDEBAR_KEPT = 300
_sidebar_html: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def sidebar_app_list(context) -> str:
    """unfold's «unfold/helpers/app_list.html» for `sidebar_navigation`, rendered once per
    distinct navigation (~8 ms a page, ~50 template includes; issue 13)."""
    template = context.template.engine.get_template("unfold/helpers/app_list.html")
    navigation = context.get("sidebar_navigation")
    if context.get("sidebar_show_all_applications"):  # the HTML then lists `available_apps`
        with context.push(app_list=context.get("available_apps")):
            return template.render(context)
    key = (get_language(), repr(navigation))
    html = _sidebar_html.get(key)
    if html is None:
        with context.push(app_list=None):
            html = template.render(context)
        if len(_sidebar_html) >= SIDEBAR_KEPT:
            _sidebar_html.clear()
        _sidebar_html[key] = html
    return html
