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

`UnfoldConfig` takes the place of unfold's own app config in INSTALLED_APPS («unfold» stays the
app): it makes `admin.site` this site before the apps register their admins.
"""

from django.apps import AppConfig
from django.contrib import admin
from django.contrib.admin import sites
from django.utils.functional import SimpleLazyObject
from unfold.sites import UnfoldAdminSite

LAZY_APPS_ATTR = "_backoffice_lazy_app_list"


class BackofficeSite(UnfoldAdminSite):
    def each_context(self, request):
        setattr(request, LAZY_APPS_ATTR, True)
        try:
            return super().each_context(request)
        finally:
            delattr(request, LAZY_APPS_ATTR)

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
        site = BackofficeSite()
        admin.site = site
        sites.site = site
