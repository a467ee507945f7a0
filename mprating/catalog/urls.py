"""`/cabinet/catalog/`: the article search and «Подбор по параметрам»."""

from django.urls import path

from mprating.catalog import views

app_name = "catalog"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("selection/", views.selection_page, name="selection"),
    path("selection/models/", views.selection_models, name="selection_models"),
    path("selection/generations/", views.selection_generations, name="selection_generations"),
    path("selection/modifications/", views.selection_modifications, name="selection_modifications"),
]
