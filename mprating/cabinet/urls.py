"""`/cabinet/`: the client's area. Its home and «Личная информация» live in the `cabinet`
namespace; the other sections are mounted beside it by config/urls.py, each in its own
app's namespace (`catalog:`, `cart:`, `orders:`, `garage:`, `notifications:`)."""

from django.urls import include, path

from mprating.cabinet import views

app_name = "cabinet"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", include("mprating.accounts.profile_urls")),
    # «Мои персональные данные» (issue 12, 152-ФЗ): the export reads every app, so it is ours.
    path("profile/data.json", views.personal_data_json, name="personal_data_json"),
    path("profile/data.xlsx", views.personal_data_xlsx, name="personal_data_xlsx"),
    # «Купить» on «Пакеты» (billing's page, /cabinet/packages/): billing and finance at once.
    path("packages/buy/", views.package_buy, name="package_buy"),
]
