"""Cabinet checkout and the page of a placed order (thin: form → service → redirect)."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mprating.accounts.decorators import client_required
from mprating.billing.selectors import client_package_state
from mprating.core.errors import ApplicationError
from mprating.finance.selectors import balance_info
from mprating.orders import selectors, services
from mprating.orders.forms import PICKUP, CheckoutForm
from mprating.orders.models import PaymentMethod
from mprating.pickup_points.selectors import pickup_points_active


def _render_checkout(request: HttpRequest, form: CheckoutForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "summary": selectors.checkout_summary(client=request.client),
        "pickup_points": list(pickup_points_active()),
        "package_state": client_package_state(client=request.client),
        "money": balance_info(request.client.pk),
    }
    return render(request, "orders/checkout.html", context, status=status)


@client_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    client = request.client
    if request.method == "GET":
        form = CheckoutForm(
            initial={
                "idempotency_key": uuid.uuid4(),
                "delivery_method": PICKUP,
                "payment_method": PaymentMethod.ON_RECEIPT,
                "recipient_phone": client.user.phone_display,
            }
        )
        return _render_checkout(request, form)

    form = CheckoutForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_place(
                client=client,
                idempotency_key=data["idempotency_key"],
                payment_method=data["payment_method"],
                recipient_phone=data["recipient_phone"],
                comment=data["comment"],
                pickup_point_id=data["pickup_point"],
                delivery_address=data["delivery_address"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("orders:placed", number=order.number)
    return _render_checkout(request, form, status=422)


@client_required
@require_GET
def placed(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_for_client(client=request.client, number=number)
    context = {"order": order, "total": selectors.order_total(order)}
    return render(request, "orders/placed.html", context)
