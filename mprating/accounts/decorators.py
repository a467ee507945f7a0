from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mprating.accounts.models import Client, User


def client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cabinet pages: a logged-in client; sets `request.client` for the view and the frame.

    Staff and PVZ owners have no cabinet: 403, never somebody else's data.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        client = _client_of(request.user)
        if client is None:
            raise PermissionDenied("Личный кабинет доступен только клиентам магазина.")
        request.client = client
        return view(request, *args, **kwargs)

    return wrapper


def _client_of(user: User) -> Client | None:
    """The user's client: already loaded with the user by `EmailOrPhoneBackend.get_user` (no
    query), else read by key (a session signed in through another backend, a test's user)."""
    if User.client.is_cached(user):
        return getattr(user, "client", None)  # select_related set `client.user` too
    client = Client.objects.filter(user_id=user.pk).first()
    if client is not None:
        client.user = user
    return client
