"""`/cabinet/`: the client's area. Its home and «Личная информация» live in the `cabinet`
namespace; the other sections are mounted beside it by config/urls.py, each in its own
app's namespace (`catalog:`, `cart:`, `orders:`, `garage:`, `notifications:`)."""

from django.urls import include, path

from mprating.cabinet import views

app_name = "cabinet"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", include("mprating.accounts.profile_urls")),
    # «Купить» on «Пакеты» (billing's page, /cabinet/packages/): billing and finance at once.
    path("packages/buy/", views.package_buy, name="package_buy"),
]
