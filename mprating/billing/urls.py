"""`/cabinet/packages/`: «Пакеты». Buying (`/cabinet/packages/buy/`) is the cabinet's view, see
`mprating/cabinet/urls.py`."""

from django.urls import path

from mprating.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.packages, name="packages"),
    path("<int:purchase_id>/cancel/", views.purchase_cancel, name="purchase_cancel"),
]
