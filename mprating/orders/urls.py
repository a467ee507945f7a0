from django.urls import path, re_path

from mprating.orders import cabinet_views, views

app_name = "orders"

urlpatterns = [
    path("", cabinet_views.lines, name="lines"),
    path("archive/", cabinet_views.archive, name="archive"),
    path("return-policy/", cabinet_views.return_policy, name="return_policy"),
    path("lines/<int:line_id>/history/", cabinet_views.line_history, name="line_history"),
    path("lines/<int:line_id>/refuse/", cabinet_views.line_refuse, name="line_refuse"),
    path("lines/<int:line_id>/seen/", cabinet_views.line_seen, name="line_refusal_seen"),
    path("lines/<int:line_id>/reorder/", cabinet_views.line_reorder, name="line_reorder"),
    path("order/<int:order_id>/archive/", cabinet_views.order_archive, name="order_archive"),
    path("checkout/", views.checkout, name="checkout"),
    re_path(r"^(?P<number>MP-\d{6,})/$", views.placed, name="placed"),
]
