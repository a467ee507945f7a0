"""`/cabinet/`: the client's area. Later apps mount their sections beside these."""

from django.urls import path

from mprating.accounts import views

app_name = "cabinet"

urlpatterns = [
    path("", views.cabinet_home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/personal/", views.profile_personal, name="profile_personal"),
    path("profile/search/", views.profile_search_settings, name="profile_search_settings"),
    path("profile/password/", views.password_change, name="password_change"),
]
