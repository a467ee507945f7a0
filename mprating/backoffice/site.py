"""The back office's admin site: unfold's, with the per-page costs of its frame cut (issue 13,
target 3: «Back office lists ≥ 3× faster than a vanilla ModelAdmin changelist»).

Measured with pyinstrument on «Роли и права» (4 groups) and «Заявки», unfold 0.91: of a tiny
list's ~47 ms of CPU, ~25 ms was the frame, not the list —

- Django's `each_context` builds `available_apps` (every registered model: four permission
  checks and two `reverse()` each, one query for `PartnerSettingsAdmin.has_add_permission`) on
  every page; unfold shows it only with `SIDEBAR.show_all_applications`, which is off. It is
  built now only when a template reads it (the index page builds its own `app_list`).
- unfold's `get_sidebar_list` deep-copies our navigation (`navigation.sidebar`, already checked
  per person) and re-derives, per item, what the items already say; it is taken as it is.
- The sidebar's HTML (~50 template includes) is rendered once per distinct navigation and
  language and kept (`templatetags/backoffice.py`, `sidebar_app_list`).

- unfold merges its whole settings dict with its defaults on each of ~30 reads a page
  (`unfold.settings.get_config`); the site reads the merge kept per settings dict
  (`unfold_config`: a changed `settings.UNFOLD`, as `override_settings` makes, is merged anew).

- unfold also merges the whole dict directly (`unfold.sites.get_config`: the account links, the
  login image, the global callback — ~180 calls a page), tries `import_string` on every plain
  string setting (a raised ImportError for «MP Rating», «6px» …) and converts the ~20 theme
  colours on every page. The first reads the kept merge, a string that cannot name anything
  importable (no dot) is taken as it is, and the colours are converted once per merge.

`UnfoldConfig` takes the place of unfold's own app config in INSTALLED_APPS («unfold» stays the
app): it makes `admin.site` this site before the apps register their admins.
"""

from django.apps import AppConfig
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import sites
from django.utils.functional import SimpleLazyObject
from unfold import sites as unfold_sites
from unfold.settings import get_config
from unfold.sites import UnfoldAdminSite

LAZY_APPS_ATTR = "_backoffice_lazy_app_list"

# settings name → (the settings dict merged, unfold's merge of it with its defaults)
_configs: dict[str, tuple[object, dict]] = {}


def unfold_config(settings_name: str) -> dict:
    """`unfold.settings.get_config(settings_name)`, merged once per settings dict."""
    current = getattr(settings, settings_name, None)
    kept = _configs.get(settings_name)
    if kept is None or kept[0] is not current:
        kept = (current, get_config(settings_name))
        _configs[settings_name] = kept
    return kept[1]


def kept_get_config(settings_name=None) -> dict:
    """`unfold.settings.get_config` as unfold's site calls it, on the kept merge."""
    return unfold_config(settings_name or "UNFOLD")


# settings name → the merge whose colours are converted (unfold converts them in place)
_colors_converted: dict[str, object] = {}


class BackofficeSite(UnfoldAdminSite):
    def each_context(self, request):
        setattr(request, LAZY_APPS_ATTR, True)
        try:
            return super().each_context(request)
        finally:
            delattr(request, LAZY_APPS_ATTR)

    def _get_config(self, key, *args):
        # unfold's `_get_config` on the kept merge (its `_get_colors` converts the colours in
        # place, which is idempotent: «#hex» becomes «rgb(…)», «rgb(…)» stays).
        config = unfold_config(self.settings_name)
        if config.get(key):
            return self._get_value(config[key], *args)
        return None

    def _get_value(self, value, *args):
        # unfold tries `import_string` on every string; one without a dot names nothing (Django
        # raises ImportError for it at once), so it is the value itself.
        if isinstance(value, str) and "." not in value:
            return value
        return super()._get_value(value, *args)

    def _get_colors(self, key, *args):
        config = unfold_config(self.settings_name)
        colors = config.get(key)
        if (
            key == "COLORS"
            and colors
            and all(type(weights) is dict for weights in colors.values())
            and _colors_converted.get(self.settings_name) is config
        ):
            return colors  # what unfold returns: the same dict, already converted
        colors = super()._get_colors(key, *args)
        if key == "COLORS" and all(type(weights) is dict for weights in colors.values()):
            _colors_converted[self.settings_name] = config
        return colors

    def _get_list(self, key, *args):
        items = unfold_config(self.settings_name)[key]
        if isinstance(items, list):
            return [self._get_value(item, *args) for item in items]
        return []

    def get_app_list(self, request, app_label=None):
        if app_label is None and getattr(request, LAZY_APPS_ATTR, False):
            # `available_apps` of `each_context`: built when (if ever) a template reads it.
            return SimpleLazyObject(lambda: UnfoldAdminSite.get_app_list(self, request))
        return super().get_app_list(request, app_label)

    def get_sidebar_list(self, request):
        # What unfold would make of our groups (`backoffice.navigation.sidebar`, fresh dicts
        # with permissions checked and `active` set): the same with `has_permission` (an item
        # without a permission callback is allowed; `sidebar` left out the others).
        groups = self._get_value(self._get_config("SIDEBAR", request).get("navigation"), request)
        for group in groups:
            for item in group["items"]:
                item["has_permission"] = True
        return groups


class UnfoldConfig(AppConfig):
    """unfold's `DefaultAppConfig` with this site."""

    name = "unfold"

    def ready(self):
        unfold_sites.get_config = kept_get_config
        site = BackofficeSite()
        admin.site = site
        sites.site = site
