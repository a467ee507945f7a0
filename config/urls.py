from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from config.api import api
from mprating.accounts import views as account_views
from mprating.backoffice import views as backoffice_views


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico where a page names no icon (files, the API's docs); the
    store's icon answers instead of a 404 in the console. Not permanent: the static file's
    name changes with its content."""
    return HttpResponseRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", account_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("mprating.accounts.urls")),
    path("cabinet/", include("mprating.cabinet.urls")),
    path("cabinet/catalog/", include("mprating.catalog.urls")),
    path("cabinet/cart/", include("mprating.cart.urls")),
    path("cabinet/orders/", include("mprating.orders.urls")),
    path("cabinet/garage/", include("mprating.garage.urls")),
    path("cabinet/notifications/", include("mprating.notifications.urls")),
    path("cabinet/finance/", include("mprating.finance.urls")),
    path("cabinet/returns/", include("mprating.returns.urls")),
    path("cabinet/packages/", include("mprating.billing.urls")),
    # Before the admin site: a signed-in client or ПВЗ owner is told in Russian that this is
    # the staff area, instead of being offered the back office's sign-in form.
    path("backoffice/login/", backoffice_views.login, name="backoffice_login"),
    path("partner/", include("mprating.partners.urls")),
    path("backoffice/", admin.site.urls),
    path("api/v1/", api.urls),
]

# The site's error pages, Russian and in the site's design (mprating/cabinet/views.py).
handler400 = "mprating.cabinet.views.bad_request"
handler403 = "mprating.cabinet.views.permission_denied"
handler404 = "mprating.cabinet.views.page_not_found"
handler500 = "mprating.cabinet.views.server_error"
