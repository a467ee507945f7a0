from django.urls import path, re_path

from mprating.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    re_path(r"^(?P<number>MP-\d{6,})/$", views.placed, name="placed"),
]
