"""`/cabinet/garage/`: the client's cars, «Оригинальный каталог», VIN requests and the chat."""

from django.urls import path

from mprating.garage import views

app_name = "garage"

urlpatterns = [
    path("", views.vehicles, name="vehicles"),
    path("add/", views.vehicle_add, name="vehicle_add"),
    path("<int:pk>/edit/", views.vehicle_edit, name="vehicle_edit"),
    path("<int:pk>/delete/", views.vehicle_delete, name="vehicle_delete"),
    path("<int:pk>/catalog/", views.vehicle_catalog, name="vehicle_catalog"),
    path("options/models/", views.options_models, name="options_models"),
    path("options/generations/", views.options_generations, name="options_generations"),
    path("options/modifications/", views.options_modifications, name="options_modifications"),
    path("vin/", views.vin_lookup, name="vin_lookup"),
    path("requests/", views.vin_requests, name="requests"),
    path("requests/new/", views.vin_request_new, name="request_new"),
    path("requests/new/row/", views.vin_request_row, name="request_row"),
    path("requests/<int:pk>/resend/", views.vin_request_resend, name="request_resend"),
    path("requests/<int:pk>/chat/", views.chat, name="chat"),
    path("requests/<int:pk>/chat/messages/", views.chat_messages, name="chat_messages"),
    path("requests/<int:pk>/chat/read/", views.chat_read, name="chat_read"),
    path("answers/<int:pk>/cart/", views.answer_to_cart, name="answer_to_cart"),
]
