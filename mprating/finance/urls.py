from django.urls import path

from mprating.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.finance_page, name="page"),
    path("statements/", views.statements_partial, name="statements"),
    path("statements/request/", views.statement_request, name="statement_request"),
    path("statements/<int:statement_id>/<str:kind>/", views.statement_file, name="statement_file"),
]
