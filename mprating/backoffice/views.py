"""The back office's door: who may come in is staff; everybody else is told so in Russian."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mprating.core import ratelimits

STAFF_AREA = (
    "Бэкофис — рабочее место сотрудников магазина. У вашей учётной записи нет к нему доступа."
)


@ratelimits.limit("login", "RATELIMIT_LOGIN")
def login(request: HttpRequest) -> HttpResponse:
    """`/backoffice/login/`, where the admin site sends everyone it does not let in.

    A signed-in person who is not staff (a client, a ПВЗ owner) gets 403 with the reason
    instead of the admin's sign-in form, which would only invite them to sign in as
    somebody else. Anonymous visitors and staff get the admin's own sign-in view."""
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied(STAFF_AREA)
    return admin.site.login(request)
