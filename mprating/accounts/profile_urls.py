"""«Личная информация» (seed 004): mounted by the cabinet at `/cabinet/profile/`, in its
`cabinet` namespace (`cabinet:profile`, `cabinet:password_change`, …)."""

from django.urls import path

from mprating.accounts import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("personal/", views.profile_personal, name="profile_personal"),
    path("search/", views.profile_search_settings, name="profile_search_settings"),
    path("password/", views.password_change, name="password_change"),
    path("delete/", views.profile_deletion_request, name="profile_deletion_request"),
    path("delete/cancel/", views.profile_deletion_cancel, name="profile_deletion_cancel"),
    path("api-tokens/", views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
