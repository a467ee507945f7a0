from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mprating.cabinet.navigation import cabinet_nav
from mprating.cabinet.selectors import cabinet_summary


def cabinet(request: HttpRequest) -> dict:
    """The left frame of the cabinet and its navigation, computed only when a template reads
    them.

    `request.client` is set by `accounts.decorators.client_required` on cabinet pages only; the
    navigation is also there for the cabinet's pages without a client (an error page)."""
    context = {"cabinet_nav": SimpleLazyObject(cabinet_nav)}
    client = getattr(request, "client", None)
    if client is not None:
        context["cabinet_summary"] = SimpleLazyObject(lambda: cabinet_summary(client=client))
    return context
