from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from mprating.backoffice.counts import records_ru
from mprating.core.kept import Kept

register = template.Library()


@register.simple_tag
def records(opts, count: int) -> str:
    """`{% records cl.opts cl.result_count %}` → «41 клиент»."""
    return records_ru(opts.label_lower, count)


# The sidebar's HTML per (language, navigation): the navigation is plain data (titles, links,
# icons, which item is active, badge numbers), so its repr names the HTML exactly; a new badge
# number or another active item is another key. A few hundred are kept, then the lot is dropped.
_sidebar_html = Kept(limit=300)


@register.simple_tag(takes_context=True)
def sidebar_app_list(context) -> str:
    """unfold's «unfold/helpers/app_list.html» for `sidebar_navigation`, rendered once per
    distinct navigation (~8 ms a page, ~50 template includes; issue 13)."""
    template = context.template.engine.get_template("unfold/helpers/app_list.html")
    navigation = context.get("sidebar_navigation")
    if context.get("sidebar_show_all_applications"):  # the HTML then lists `available_apps`
        with context.push(app_list=context.get("available_apps")):
            return template.render(context)

    def make() -> str:
        with context.push(app_list=None):
            return template.render(context)

    return _sidebar_html.get_or_make((get_language(), repr(navigation)), make)


# Parts of unfold's page frame that are the same on every page of one person in one state (the
# sidebar with its user menu, the <head>'s assets), rendered once per state and kept (issue 13:
# ~4 ms a page of ~60 template includes, `{% static %}` lookups and widget renders). Each part
# names what its HTML is made of (`_FRAME_KEYS`); a part whose inputs cannot be named (another
# person's page, languages menu with its «next» URL, the command search reading the browser) is
# rendered as unfold renders it. The logout form's CSRF token is the one thing per request: the
# HTML is kept with a marker in its place.
CSRF_MARKER = "mp-kept-frame-csrf-marker"
_frame_html = Kept(limit=300)
_frame_config: list = [None]


def _sidebar_key(context) -> tuple | None:
    navigation = context.get("sidebar_navigation")
    user = context.get("user")
    request = context.get("request")
    if (
        not navigation
        or context.get("sidebar_show_all_applications")
        or context.get("sidebar_command_search")
        or context.get("show_languages")
        or user is None
        or getattr(request, "user", None) is not user
    ):
        return None
    return (
        repr(navigation),
        user.pk,
        user.get_full_name(),
        user.get_username(),
        user.email,
        getattr(user, "avatar_url", None),
        user.has_usable_password(),
        *(
            str(context.get(name))
            for name in (
                "branding",
                "extra_userlinks",
                "site_url",
                "site_logo",
                "site_icon",
                "site_symbol",
                "site_subheader",
                "theme",
                "sidebar_show_search",
            )
        ),
        *(repr(context.get(name)) for name in ("account_links", "site_dropdown", "templates")),
        repr(context.get("element_classes")),
    )


def _assets_key(context) -> tuple:
    return tuple(repr(context.get(name)) for name in ("styles", "scripts", "site_favicons"))


def _colors_key(context) -> tuple:
    return (repr(context.get("colors")), str(context.get("border_radius")))


def _action_form_key(context) -> tuple | None:
    """The action form's fields (the action <select> and the «select across» input) of an
    unbound form: what they render is their choices, initial values and widgets' attributes."""
    form = context.get("action_form")
    if form is None or form.is_bound:
        return None
    fields = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        fields.append(
            (
                name,
                type(field).__qualname__,
                type(field.widget).__qualname__,
                field.widget.template_name,
                repr(field.widget.attrs),
                str(field.label),
                field.required,
                repr(form.initial.get(name, field.initial)),
                None if choices is None else tuple((str(v), str(t)) for v, t in choices),
            )
        )
    return (type(form).__module__, type(form).__qualname__, form.prefix, str(form.auto_id), *fields)


def _filter_actions_key(context) -> tuple | None:
    cl = context.get("cl")
    if cl is None:
        return None
    model_admin = cl.model_admin  # not always unfold's (django-axes' lists are Django's)
    return (
        repr(getattr(model_admin, "list_filter_submit", None)),
        repr(getattr(model_admin, "list_filter_sheet", None)),
        *(
            str(getattr(cl, name, None))
            for name in (
                "is_facets_optional",
                "add_facets",
                "remove_facet_link",
                "add_facet_link",
                "has_active_filters",
                "clear_all_filters_qs",
            )
        ),
    )


def _pagination_key(context) -> tuple | None:
    """Django's `pagination` tag's context: the page links are the list's query string with
    each page number (`ChangeList.get_query_string` reads `cl.params` only)."""
    cl = context.get("cl")
    if cl is None or cl.formset is not None:
        return None
    page_range = tuple(context.get("page_range") or ())  # Django hands a generator over
    context["page_range"] = page_range
    return (
        type(cl).__module__,
        type(cl).__qualname__,
        cl.opts.label_lower,
        repr(sorted(cl.params.items())),
        *(
            str(value)
            for value in (
                cl.page_num,
                cl.paginator.num_pages,
                cl.result_count,
                getattr(cl.paginator, "template_name", None),
                getattr(cl.model_admin, "list_fullwidth", None),
                context.get("pagination_required"),
                context.get("show_all_url"),
            )
        ),
        tuple(str(number) for number in page_range),
    )


def _text(value) -> str | None:
    """A context value named by its text: None, a string (lazy ones translated) or a number;
    anything else cannot be named safely (its repr may hold an address) — None then."""
    if value is None or isinstance(value, str | int | bool | Promise):
        return f"{type(value).__name__}:{value}"
    return None


def _header_key(context) -> tuple | None:
    """unfold's page header on a list (welcomemsg.html, header_title, userlinks.html): the
    breadcrumb of the list's model, the counts beside it, the captured «add» button and the
    user links. Any other page (a form, an object, a list with its own header actions or
    title) is rendered as unfold renders it."""
    cl = context.get("cl")
    opts = context.get("opts")
    request = context.get("request")
    if (
        cl is None
        or request is None
        or opts is not cl.opts
        or context.get("original")
        or context.get("object")
        or context.get("adminform") is not None
        or any(
            context.get(name)
            for name in ("actions_list", "actions_detail", "actions_items", "nav_global")
        )
    ):
        return None
    texts = tuple(
        _text(context.get(name))
        for name in (
            "has_permission",
            "is_nav_sidebar_enabled",
            "is_popup",
            "show_back_button",
            "is_fullwidth",
            "nav_global_side",
            "actions_list_hide_default",
            "actions_detail_hide_default",
        )
    )
    environment = context.get("environment")
    if None in (_text(item) for item in (environment or ())):
        return None
    classes = context.get("element_classes") or {}
    return (
        context.template.name,  # a child template may override the header's blocks
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        getattr(request, "current_app", "admin"),
        opts.label_lower,
        str(opts.app_config.verbose_name),
        str(opts.verbose_name_plural),
        type(cl.paginator).__name__,
        *(
            str(value)
            for value in (
                cl.result_count,
                cl.full_result_count,
                cl.show_full_result_count,
                cl.is_popup,
                getattr(cl.model_admin, "list_fullwidth", None),
            )
        ),
        *texts,
        None if environment is None else tuple(str(item) for item in environment),
        repr(classes.get("header")),
        repr(classes.get("header_inner")),
    )


def _empty_results_key(context) -> tuple | None:
    """unfold's «Ничего не найдено» box of an empty list (rendered inside the list's inclusion
    tag, whose context holds `cl` and little else): its «add» link, when the context offers
    one, and «Сбросить фильтры»."""
    cl = context.get("cl")
    if cl is None:
        return None
    opts = context.get("opts")
    texts = tuple(
        _text(context.get(name))
        for name in ("has_add_permission", "is_popup", "to_field", "preserved_filters")
    )
    if None in texts or context.get("preserved_qsl") or opts not in (None, cl.opts):
        return None
    request = getattr(context, "request", None)
    return (
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        getattr(request, "current_app", None),
        opts is None,
        cl.opts.label_lower,
        str(cl.opts.verbose_name),
        *texts,
        *(
            str(value)
            for value in (
                bool(cl.search_fields),
                getattr(cl, "is_dataset", None),
                bool(cl.has_filters),
                bool(cl.query),
            )
        ),
    )


def _command_key(context) -> tuple | None:
    """unfold's command search box (`{% url "admin:search" %}`, two `{% if %}`s)."""
    request = context.get("request")
    if request is None:
        return None
    resolver_match = getattr(request, "resolver_match", None)
    return (
        bool(getattr(getattr(request, "user", None), "is_staff", False)),
        bool(context.get("command_show_history")),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        getattr(request, "current_app", None),
        getattr(resolver_match, "namespace", None),
    )


def _search_key(context) -> tuple | None:
    """unfold's search box of a list (`search_form`'s context): the words searched, the other
    query parameters (hidden inputs), whether the list searches, its help text."""
    cl = context.get("cl")
    if cl is None:
        return None
    help_text = _text(cl.search_help_text)
    query = _text(cl.query)
    if help_text is None or query is None:
        return None
    return (
        bool(cl.search_fields),
        bool(getattr(cl, "is_dataset", False)),
        str(context.get("search_var")),
        query,
        help_text,
        tuple(
            (str(name), tuple(str(value) for value in values))
            for name, values in cl.filter_params.items()
        ),
    )


def _column_headers_key(context) -> tuple | None:
    """unfold's <thead> of a list: its headers are those kept for the list's state
    (`core.admin_speed.headers_key`), the same objects the row template was given."""
    from mprating.core import admin_speed

    cl = context.get("cl")
    headers = context.get("result_headers")
    if cl is None or headers is None:
        return None
    kept = cl.__dict__.get(admin_speed.HEADERS_ATTR)
    key = admin_speed.headers_key(cl)
    if (
        key is None
        or type(kept) is not tuple
        or len(kept) != len(headers)
        or any(ours is not theirs for ours, theirs in zip(kept, headers, strict=True))
    ):
        return None
    model_admin = cl.model_admin
    return (
        key,
        str(getattr(model_admin, "ordering_field", None)),
        len(getattr(model_admin, "list_sections", ()) or ()),
        str(context.get("num_sorted_fields")),
    )


def _actions_bar_key(context) -> tuple | None:
    """The action bar's «Выполнить» button and selection counter (admin/actions.html): the
    counts and notes of the list, its model's name, two ModelAdmin switches."""
    cl = context.get("cl")
    template = getattr(context.render_context, "template", None)
    if cl is None or template is None:
        return None
    texts = tuple(
        _text(context.get(name))
        for name in (
            "action_index",
            "actions_selection_counter",
            "selection_note",
            "selection_note_all",
            "module_name",
        )
    )
    if None in texts:
        return None
    model_admin = cl.model_admin
    return (
        template.origin.name,  # an app's own actions.html may override the blocks
        *texts,
        len(cl.result_list),
        str(cl.result_count),
        str(getattr(model_admin, "list_disable_select_all", None)),
    )


_FRAME_KEYS = {
    "sidebar": _sidebar_key,
    "assets": _assets_key,
    "colors": _colors_key,
    "actions": _action_form_key,
    "filter_actions": _filter_actions_key,
    "pagination": _pagination_key,
    "header": _header_key,
    "empty_results": _empty_results_key,
    "command": _command_key,
    "search": _search_key,
    "column_headers": _column_headers_key,
    "actions_bar": _actions_bar_key,
}


class KeptFrameNode(template.Node):
    def __init__(self, part: str, nodelist):
        self.part = part
        self.nodelist = nodelist

    def render(self, context):
        token = context.get("csrf_token")
        state = _FRAME_KEYS[self.part](context)
        # Django's csrf_token tag renders nothing for «NOTPROVIDED»: no token, nothing kept.
        if state is None or not token or token == "NOTPROVIDED":  # nosec B105: Django's marker
            return self.nodelist.render(context)
        from mprating.backoffice.site import unfold_config

        config = unfold_config("UNFOLD")
        if _frame_config[0] is not config:  # settings.UNFOLD changed: nothing kept holds
            _frame_html.clear()
            _frame_config[0] = config

        def make() -> str:
            with context.push(csrf_token=CSRF_MARKER):
                return self.nodelist.render(context)

        html = _frame_html.get_or_make((self.part, get_language(), state), make)
        token_html = escape(str(token))
        return mark_safe(html.replace(CSRF_MARKER, token_html))  # nosec B308 B703: rendered escaped


@register.tag("kept_frame")
def kept_frame(parser, token):
    """`{% kept_frame "sidebar" %}…{% endkept_frame %}`: the enclosed HTML, kept per state."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1].strip("\"'") not in _FRAME_KEYS:
        raise template.TemplateSyntaxError(f"kept_frame takes one of {sorted(_FRAME_KEYS)}")
    nodelist = parser.parse(("endkept_frame",))
    parser.delete_first_token()
    return KeptFrameNode(bits[1].strip("\"'"), nodelist)
