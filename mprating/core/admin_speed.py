"""Two per-row costs of unfold's changelist, taken out for every back office list (issue 13:
«Back office lists ≥ 3× faster than a vanilla ModelAdmin changelist… cut what it costs:
…widgets per row, unfold template overhead»).

Measured with pyinstrument/cProfile on «Заявки» (bench/backoffice_lists.py), unfold 0.91:

- `unfold.templatetags.unfold_list.items_for_result` calls `result_headers(cl)` for EVERY row
  (it only wants each column's title for `data-label`): the headers, their sort links and
  three query strings per column were built 1 + rows times — 14 % of the page's time. They are
  the same for the whole page, so they are built once per changelist and kept on it.
- `cl.model_admin.list_sections`, asked twice a row, is missing (see `install`).
- A yes/no cell (`boolean=True`, a BooleanField) renders `unfold/helpers/boolean.html` per
  cell — 300 renders on «Пользователи» (three such columns, 100 rows); the template has three
  outcomes, rendered once each per language. Likewise a `label=` column's badge
  (`display_for_label`, e.g. «Активен» on «Клиенты»), per text and colour.
- `ModelAdmin.action_checkbox` renders the row's checkbox through the form widget's template,
  ~1.5 ms a row under load. The widget's output depends only on the value (its check test is
  always False), so it is rendered once per language with a marker value and the row's
  escaped pk put in its place: the same HTML, without the template engine.

- An unfiltered list's two statements (the count and the page's rows) were compiled on every
  visit (~2,000 calls a page); they are kept per exact query state (`core.kept_queries`).
- A list that shows its total (`show_full_result_count`, Django's default) counted its rows
  twice when nothing filters them: the page's count and the «total» count over the same rows,
  each statement compiled and sent (~0.7 ms a page). When the list's query filters exactly
  as the root one (same WHERE, joins, DISTINCT, annotations), the total is the page's count.
  A list that does not count its total (`show_full_result_count = False`) gets that total too
  when nothing filters it, so its header does not say «N результатов (Показать все)» with a
  link to the very list it shows.

`install()` runs from `CoreConfig.ready()`; `test_admin_lists_speed` checks the HTML is the
same as unfold's own and that both replacements are in place (so an unfold upgrade that moves
them fails a test instead of silently undoing this).
"""

from functools import wraps

from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from mprating.core.kept import Kept

MARKER = "mp-row-pk-marker"
LABELS_KEPT = 500
HEADERS_ATTR = "_mp_result_headers"

_checkbox_html: dict[str | None, tuple[str, str]] = {}


def row_checkbox(pk) -> SafeString:
    """unfold's action checkbox for the row `pk`, without rendering the widget's template."""
    from django.contrib.admin import helpers
    from unfold.admin import checkbox

    language = get_language()
    parts = _checkbox_html.get(language)
    if parts is None:
        html = str(checkbox.render(helpers.ACTION_CHECKBOX_NAME, MARKER))
        before, found, after = html.partition(f'value="{MARKER}"')
        if not found:  # the widget changed: render it every time, as unfold does
            return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(pk))
        parts = _checkbox_html[language] = (before, after)
    before, after = parts
    return mark_safe(f'{before}value="{escape(pk)}"{after}')  # nosec B308 B703: pk escaped


# The column headers of a list (titles, sort links, classes) per exactly what they are made of:
# the ModelAdmin (its `ordering`, the columns' labels and `admin_order_field`s), the columns and
# which of them sort, the query string (sort links are built from it) and the language. They
# were built on every page: ~1,000 calls, ~0.3 ms.
_headers_kept = Kept(limit=500)


def headers_key(cl) -> tuple | None:
    sortable_by = cl.sortable_by
    try:
        key = (
            type(cl),
            cl.model_admin,
            cl.model,
            tuple(cl.list_display),
            None if sortable_by is None else tuple(sortable_by),
            tuple(sorted((name, str(value)) for name, value in cl.params.items())),
            tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items())),
            get_language(),
        )
        hash(key)
    except TypeError:  # something unhashable: built as unfold builds it
        return None
    return key


def same_rows(query, root) -> bool:
    """Do the ORM queries `query` and `root` select the same rows (ordering aside)? Only when
    they filter alike; anything else that could change the rows makes the answer «no»."""
    return (
        query.where == root.where
        and query.alias_map.keys() == root.alias_map.keys()
        and query.distinct == root.distinct
        and query.distinct_fields == root.distinct_fields
        and query.annotations.keys() == root.annotations.keys()
        and query.group_by == root.group_by
        and query.extra == root.extra
        and query.combinator is None
        and root.combinator is None
        and (query.low_mark, query.high_mark) == (root.low_mark, root.high_mark)
    )


def _install_full_count() -> None:
    from django.contrib.admin.views.main import ChangeList

    original = ChangeList.get_results

    from mprating.core.kept_queries import kept_statements

    @wraps(original)
    def get_results(self, request):
        # An unfiltered list's count and rows: their statements compiled once (kept_queries).
        self.queryset = kept_statements(self.queryset)
        unfiltered = same_rows(self.queryset.query, self.root_queryset.query)
        if not self.model_admin.show_full_result_count:
            original(self, request)
            if unfiltered:
                # Nothing filters the rows: the page's count is the total, and the header does
                # not offer «200000 результатов (Показать все)» linking to the same list.
                self.full_result_count = self.result_count
            return None
        if not unfiltered:
            return original(self, request)
        # Django's get_results with the total taken from the page's count.
        root_queryset = self.root_queryset
        self.root_queryset = _CountedRows()
        try:
            original(self, request)
        finally:
            self.root_queryset = root_queryset
        self.full_result_count = self.result_count
        self.show_admin_actions = bool(self.result_count)

    get_results.mp_full_count_once = True
    ChangeList.get_results = get_results


class _CountedRows:
    """Stands for the root queryset while Django's `get_results` runs: its count is the page's
    (set right after), so no second statement is sent."""

    def count(self) -> int:
        return 0


# Form media (`{{ media.js }}`, `{{ media.css }}` of every admin page): merging the lists (a
# topological sort) and turning each path into a <script>/<link> through `static()` gave the
# same text on every page of a list, ~0.3 ms a page. Kept per list of plain string paths; a
# change of the static files' settings (tests) drops what is kept.
_media_kept = Kept(limit=500)
DJANGO_MEDIA: tuple = ()


def _media_settings_changed(*, setting, **kwargs) -> None:
    if setting in {
        "STATIC_URL",
        "STORAGES",
        "STATIC_ROOT",
        "STATICFILES_DIRS",
        "FORCE_SCRIPT_NAME",
    }:
        _media_kept.clear()


def _keep_media(key: tuple, make):
    return _media_kept.get_or_make(key, make)


def _plain(paths) -> bool:
    return all(type(path) is str for path in paths)


def _install_media_once() -> None:
    from django.forms.widgets import Media
    from django.test.signals import setting_changed

    if getattr(Media.merge, "mp_kept", False):
        return
    setting_changed.connect(_media_settings_changed, dispatch_uid="mp_admin_speed_media")
    original_merge = Media.merge
    original_js = Media.render_js
    original_css = Media.render_css
    global DJANGO_MEDIA
    DJANGO_MEDIA = (original_merge, original_js, original_css)  # for the tests' comparison

    def merge(*lists):
        if not all(isinstance(items, list | tuple) and _plain(items) for items in lists):
            return original_merge(*lists)
        key = ("merge", *(tuple(items) for items in lists))
        return list(_keep_media(key, lambda: tuple(original_merge(*lists))))

    merge.mp_kept = True
    Media.merge = staticmethod(merge)

    @wraps(original_js)
    def render_js(self):
        paths = self._js
        if not _plain(paths):
            return original_js(self)
        key = ("js", get_script_prefix(), *paths)
        return list(_keep_media(key, lambda: tuple(original_js(self))))

    @wraps(original_css)
    def render_css(self):
        css = self._css
        if not all(type(medium) is str and _plain(paths) for medium, paths in css.items()):
            return original_css(self)
        key = (
            "css",
            get_script_prefix(),
            *((medium, tuple(paths)) for medium, paths in sorted(css.items())),
        )
        return list(_keep_media(key, lambda: tuple(original_css(self))))

    Media.render_js = render_js
    Media.render_css = render_css


def install() -> None:
    from unfold import admin as unfold_admin
    from unfold.templatetags import unfold_list

    if getattr(unfold_list.result_headers, "mp_once_per_changelist", False):
        return
    _install_full_count()
    _install_media_once()
    from mprating.core import template_speed, url_speed

    template_speed.install()
    template_speed.install_extends()
    url_speed.install()
    from mprating.core import admin_filters_html

    admin_filters_html.install()
    original_headers = unfold_list.result_headers

    @wraps(original_headers)
    def result_headers(cl):
        headers = cl.__dict__.get(HEADERS_ATTR)
        if headers is None:
            key = headers_key(cl)
            if key is None:
                headers = list(original_headers(cl))
            else:
                headers = _headers_kept.get_or_make(key, lambda: tuple(original_headers(cl)))
            cl.__dict__[HEADERS_ATTR] = headers
        return iter(headers)

    result_headers.mp_once_per_changelist = True
    unfold_list.result_headers = result_headers

    # The cells of a row, with what is the same for every row worked out once (admin_rows).
    from mprating.core import admin_rows

    original_items = unfold_list.items_for_result

    @wraps(original_items)
    def items_for_result(cl, result, form):
        return admin_rows.items_for_result(
            cl, result, form, unfold_list=unfold_list, original=original_items
        )

    items_for_result.mp_planned = True
    unfold_list.items_for_result = items_for_result

    original_checkbox = unfold_admin.ModelAdmin.action_checkbox

    @wraps(original_checkbox)
    def action_checkbox(self, obj):
        return row_checkbox(obj.pk)

    action_checkbox.mp_row_checkbox = True
    unfold_admin.ModelAdmin.action_checkbox = action_checkbox

    # The row template asks `cl.model_admin.list_sections|length` twice a row; unfold 0.91 has
    # no such attribute, and a failed template lookup calls `dir()` on the ModelAdmin (0.1 ms
    # each). An empty default (what later unfold versions declare) answers the same «none».
    if not hasattr(unfold_admin.ModelAdmin, "list_sections"):
        unfold_admin.ModelAdmin.list_sections = ()
    # Likewise `cl.is_dataset`, asked four times a list page (search form, empty results) in
    # `{% if %}` only: unfold's dataset lists say True, its other lists have no such attribute.
    from unfold.views import ChangeList as UnfoldChangeList

    if not hasattr(UnfoldChangeList, "is_dataset"):
        UnfoldChangeList.is_dataset = False

    from unfold import utils as unfold_utils

    original_icon = unfold_utils._boolean_icon
    icons: dict[tuple[str | None, bool | None], str] = {}

    @wraps(original_icon)
    def boolean_icon(field_val):
        # The template's three cases: unknown ('' or None), true, false.
        key = (get_language(), None if field_val in ("", None) else bool(field_val))
        html = icons.get(key)
        if html is None:
            html = icons[key] = original_icon(field_val)
        return html

    boolean_icon.mp_cached = True
    unfold_utils._boolean_icon = boolean_icon

    original_label = unfold_utils.display_for_label
    labels: dict[tuple, str] = {}

    @wraps(original_label)
    def display_for_label(value, empty_value_display, label):
        # A text value (not a list) of a `label=` column: the template's output depends on
        # the text and its colour only; a few hundred distinct ones are kept.
        if not isinstance(value, str) or not isinstance(label, dict | bool):
            return original_label(value, empty_value_display, label)
        label_type = label.get(value) if isinstance(label, dict) else None
        key = (get_language(), value, label_type)
        html = labels.get(key)
        if html is None:
            html = original_label(value, empty_value_display, label)
            if len(labels) < LABELS_KEPT:
                labels[key] = html
        return html

    display_for_label.mp_cached = True
    unfold_utils.display_for_label = display_for_label
    unfold_list.display_for_label = display_for_label
