from django.contrib import admin
from django.urls import include, path

from config.api import api
from mprating.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("mprating.accounts.urls")),
    path("cabinet/", include("mprating.accounts.cabinet_urls")),
    path("cabinet/catalog/", include("mprating.catalog.urls")),
    path("cabinet/cart/", include("mprating.cart.urls")),
    path("cabinet/orders/", include("mprating.orders.urls")),
    path("cabinet/garage/", include("mprating.garage.urls")),
    path("cabinet/notifications/", include("mprating.notifications.urls")),
    path("partner/", include("mprating.partners.urls")),
    path("backoffice/", admin.site.urls),
    path("api/v1/", api.urls),
]
