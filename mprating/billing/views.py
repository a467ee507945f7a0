"""Cabinet «Пакеты»: the packages on sale, the client's purchases and invoices awaiting payment.

The page is read here; buying goes through `cabinet.services.package_buy` (a purchase paid from
the balance is billing and finance in one transaction, which only a floor above both may
write), whose view in the cabinet re-renders this page with `packages_page` on an error. The
client's own cancel of an unpaid invoice is billing's alone and stays here.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mprating.accounts.decorators import client_required
from mprating.billing import selectors, services
from mprating.billing.models import PurchaseMethod, PurchaseStatus
from mprating.core.errors import ApplicationError, NotFound

PURCHASES_PER_PAGE = 20


def packages_page(
    request: HttpRequest,
    *,
    error: str = "",
    error_package_id: int | None = None,
    chosen_method: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page for `request.client`: every package card gets its own form key, so one
    double-clicked «Купить» makes one purchase."""
    client = request.client
    page = Paginator(selectors.purchases_for_client(client=client), PURCHASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    purchases = list(page.object_list)
    packages = list(selectors.packages_on_sale())
    if error_package_id not in {package.pk for package in packages}:
        error_package_id = None  # e.g. taken off sale meanwhile: the message goes on top
    context = {
        "packages": [(package, uuid.uuid4()) for package in packages],
        "purchases": purchases,
        "page": page,
        "awaiting": [
            p
            for p in purchases
            if p.status == PurchaseStatus.AWAITING_PAYMENT
            and p.payment_method == PurchaseMethod.INVOICE
        ],
        "state": selectors.client_package_state(client=client),
        "requisites": selectors.invoice_requisites(),
        "methods": PurchaseMethod.choices,
        "chosen_method": chosen_method or PurchaseMethod.BALANCE,
        "error": error,
        "error_package_id": error_package_id,
    }
    return render(request, "billing/packages.html", context, status=status)


@client_required
@require_GET
def packages(request: HttpRequest) -> HttpResponse:
    return packages_page(request)


@client_required
@require_POST
def purchase_cancel(request: HttpRequest, purchase_id: int) -> HttpResponse:
    """The client cancels an invoice not paid yet (another client's id: 404)."""
    try:
        purchase = services.package_purchase_cancel_own(
            client=request.client, purchase_id=purchase_id
        )
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Покупка {purchase.number} отменена.")
    return redirect("billing:packages")
