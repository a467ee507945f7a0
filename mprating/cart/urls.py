"""`/cabinet/cart/`: the cart and «Загрузить в корзину» (seed 004)."""

from django.urls import path

from mprating.cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.cart_add, name="add"),
    path("lines/<int:line_id>/quantity/", views.cart_line_quantity, name="line_quantity"),
    path("lines/<int:line_id>/remove/", views.cart_line_remove, name="line_remove"),
    path("import/", views.cart_import, name="import"),
    path("import/template.xlsx", views.cart_import_template, name="import_template"),
    path("import/<int:import_id>/", views.cart_import_result, name="import_result"),
    path(
        "import/<int:import_id>/rows/<int:row_id>/choose/",
        views.cart_import_row_choose,
        name="import_row_choose",
    ),
    path(
        "import/<int:import_id>/rows/<int:row_id>/add-available/",
        views.cart_import_row_add_available,
        name="import_row_add_available",
    ),
]
