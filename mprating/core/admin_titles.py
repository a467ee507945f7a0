"""A back office list's page title names the list: «Заявки», not Django's «Выберите заявка для
просмотра».

Django titles a list `gettext("Select %s to change") % verbose_name` (or «to view»): in
Russian the model's name then stands in the nominative where the accusative is needed, on the
browser's tab of every list. The list's own name (`verbose_name_plural`, capitalised) is what
the sidebar and the breadcrumbs call it. A popup's «Выберите …» and a title an admin passes in
`extra_context` are left as they are.
"""

from functools import wraps

from django.contrib.admin import ModelAdmin
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.utils.text import capfirst


def list_title(opts) -> str:
    return capfirst(str(opts.verbose_name_plural))


def install() -> None:
    original = ModelAdmin.changelist_view
    if getattr(original, "mp_list_title", False):
        return

    @wraps(original)
    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR not in request.GET and "title" not in (extra_context or {}):
            extra_context = {**(extra_context or {}), "title": list_title(self.opts)}
        return original(self, request, extra_context)

    changelist_view.mp_list_title = True
    ModelAdmin.changelist_view = changelist_view
