from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mprating.accounts.models import Client


def client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cabinet pages: a logged-in client; sets `request.client` for the view and the frame.

    Staff and PVZ owners have no cabinet: 403, never somebody else's data.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        client = Client.objects.select_related("user").filter(user_id=request.user.pk).first()
        if client is None:
            raise PermissionDenied("Личный кабинет доступен только клиентам магазина.")
        request.client = client
        return view(request, *args, **kwargs)

    return wrapper
