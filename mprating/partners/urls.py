from django.urls import path

from mprating.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("points/<int:point_id>/", views.point_statistics, name="point"),
    path("points/<int:point_id>/export/", views.point_statistics_export, name="point_export"),
    path("waiting/", views.waiting, name="waiting"),
    path("lines/<int:line_id>/hand-out/", views.line_hand_out, name="line_hand_out"),
    path("lines/<int:line_id>/return/", views.line_return, name="line_return"),
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.apply_done, name="apply_done"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
