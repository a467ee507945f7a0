from django.urls import path

from mprating.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.returns_list, name="list"),
    path("letters/", views.letters, name="letters"),
    path("new/<int:line_id>/", views.create, name="create"),
    path("new/<int:line_id>/quote/", views.quote, name="quote"),
    path("<int:return_id>/", views.detail, name="detail"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
