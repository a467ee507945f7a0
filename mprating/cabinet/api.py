"""`POST /api/v1/packages/{package_id}/buy`: «Купить» of the cabinet «Пакеты» as JSON.

It lives here and not in `billing/api.py` for the reason `cabinet.services` does: a package
paid from the balance is billing's purchase and finance's charge in one transaction, which
only a floor above both may run. The rest of `/api/v1/packages` is billing's router.
"""

import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.billing.api import NOT_A_CLIENT, PurchaseOut, purchase_out
from mprating.cabinet import services
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.errors import NotFound

router = Router(tags=["Пакеты"])


class PackageBuyIn(Schema):
    method: str = Field(..., description="balance — с баланса, invoice — по счёту")
    idempotency_key: uuid.UUID = Field(
        ...,
        description="Новый UUID на каждую покупку; повтор с тем же ключом вернёт ту же покупку "
        "и ничего не спишет второй раз",
    )


@router.post(
    "/{package_id}/buy",
    response={201: PurchaseOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Купить пакет",
    description="С баланса (`balance`): покупка оплачивается сразу и действует с этой минуты; "
    "цена списывается с баланса в пределах кредитного лимита, иначе 400 "
    "`insufficient_funds` и ничего не покупается. По счёту (`invoice`): покупка ждёт оплаты "
    "(`awaiting_payment`), реквизиты — в /packages/state. 400 `package_not_on_sale` — пакет "
    "не продаётся; `invalid_payment_method` — другой способ оплаты. Тот же "
    "`idempotency_key` — та же покупка (двойное нажатие не покупает дважды).",
)
def packages_buy(request: HttpRequest, package_id: int, payload: PackageBuyIn):
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound(NOT_A_CLIENT)
    purchase = services.package_buy(
        client=client,
        package_id=package_id,
        method=payload.method,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, purchase_out(purchase))
