from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mprating.cabinet.selectors import cabinet_summary


def cabinet(request: HttpRequest) -> dict:
    """The left frame of the cabinet, computed only when a template reads it.

    `request.client` is set by `accounts.decorators.client_required` on cabinet pages only."""
    client = getattr(request, "client", None)
    if client is None:
        return {}
    return {"cabinet_summary": SimpleLazyObject(lambda: cabinet_summary(client=client))}
