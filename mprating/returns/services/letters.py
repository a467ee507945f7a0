"""Letters to the client about a return, and the client's one switch for them."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mprating.accounts.models import Client
from mprating.core import outbox
from mprating.core.money import format_rub
from mprating.returns.models import ReturnEmailPreference, ReturnRequest, ReturnStatus

EMAIL_KIND = "return_status"
EMAIL_TEMPLATE = "returns/emails/status"


def letters_enabled(client_id: int) -> bool:
    return not ReturnEmailPreference.objects.filter(
        client_id=client_id, email_enabled=False
    ).exists()


def letters_write(requests: list[ReturnRequest], status: str, *, comment: str) -> None:
    """One letter per return to its client about its new `status`, unless the client switched
    them off; written in the caller's transaction, sent after commit."""
    client_ids = {request.client_id for request in requests}
    off = set(
        ReturnEmailPreference.objects.filter(
            client_id__in=client_ids, email_enabled=False
        ).values_list("client_id", flat=True)
    )
    drafts = []
    for request in requests:
        if request.client_id in off:
            continue
        client = request.client
        context = {
            "request": request,
            "client": client,
            "line": request.line,
            "status": status,
            "status_label": ReturnStatus(status).label,
            "comment": comment,
            "refund": format_rub(request.refund_amount),
            "return_url": settings.SITE_URL + reverse("returns:detail", args=[request.pk]),
            "returns_url": settings.SITE_URL + reverse("returns:list"),
        }
        drafts.append(
            outbox.email_draft_rendered(
                kind=EMAIL_KIND,
                to=[client.user.email],
                template_base=EMAIL_TEMPLATE,
                context=context,
                ref=outbox.ref_for(request),
            )
        )
    if drafts:
        outbox.email_enqueue_many(drafts)


@transaction.atomic
def return_letters_set(*, client: Client, enabled: bool) -> bool:
    """The switch «Письма о возвратах» of the «Возвраты» page. Returns the new state."""
    ReturnEmailPreference.objects.update_or_create(
        client=client, defaults={"email_enabled": bool(enabled)}
    )
    return bool(enabled)
