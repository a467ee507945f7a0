"""Personal data under 152-ФЗ (issue 12): the journal of who looked at a client's data in the
back office, and the client's request to delete their data.

- `personal_data_view_record`: one INSERT per back office page that shows a client's personal
  fields (the card, its history, an XLSX export of clients).
- `deletion_request_create` / `deletion_request_cancel`: the client's «Удалить мои данные» in
  «Личная информация» and its cancelling while it waits.
- `deletion_request_confirm`: an operator or manager confirms; `client_anonymize` then replaces
  the personal fields and keeps what accounting must keep.

What is erased and what is kept, and why:

- the person: last, first and middle name → «Удалённый клиент #id»; e-mail →
  `deleted-<id>@invalid` (unique, and `.invalid` is a domain that never receives mail,
  RFC 2606); phone, company and ИНН emptied; the account inactive with an unusable password,
  its open sessions ended;
- the outbox: letters still waiting for that address are dropped, sent ones lose the address
  and their text (`core.outbox.emails_forget_address`);
- every app that keeps personal fields erases them through its eraser (`accounts.hooks`):
  orders (delivery address, recipient's phone, comments), garage (the cars, VINs, comments and
  the client's chat messages), returns (description, photos), cart (lines and uploaded files);
- kept: orders, their lines, prices and statuses, ledger entries and balance, package
  purchases, returns with their amounts and history — accounting must keep them; the date of
  the consent (the legal ground of the processing that was done); this journal.

Running the erasure twice changes nothing the second time.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mprating.accounts.hooks import personal_data_erasers
from mprating.accounts.models import (
    ApiToken,
    Client,
    DeletionRequest,
    PersonalDataView,
    User,
)
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.sessions import sessions_end_for_user

CARD_VIEWS = 50
ANONYMOUS_NAME = "Удалённый клиент"


def anonymous_email(client_id: int) -> str:
    return f"deleted-{client_id}@invalid"


def is_anonymized(client: Client) -> bool:
    return client.user.email == anonymous_email(client.pk)


# ---- the journal of views -------------------------------------------------------------------


def personal_data_view_record(
    *, viewer: User, client_id: int, what: str, ip: str | None = None
) -> None:
    """One row: `viewer` saw `client_id`'s personal data now (a single INSERT)."""
    PersonalDataView.objects.create(viewer=viewer, client_id=client_id, what=what, ip=ip or None)


def personal_data_views_record_many(*, viewer: User, client_ids: list[int], what: str, ip=None):
    """One INSERT for many clients at once (an XLSX export of the clients' list)."""
    now = timezone.now()
    PersonalDataView.objects.bulk_create(
        PersonalDataView(viewer=viewer, client_id=pk, what=what, ip=ip or None, viewed_at=now)
        for pk in client_ids
    )


def personal_data_views_of_client(*, client_id: int, limit: int = CARD_VIEWS) -> list:
    """The last `limit` views of the client's data, newest first (one query)."""
    views = PersonalDataView.objects.filter(client_id=client_id).select_related("viewer")
    return list(views.order_by("-viewed_at", "-id")[:limit])


# ---- «Удалить мои данные» -------------------------------------------------------------------


def deletion_request_pending(*, client_id: int) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(
        client_id=client_id, status=DeletionRequest.Status.PENDING
    ).first()


def deletion_requests_of_client(*, client_id: int) -> list[DeletionRequest]:
    """The client's deletion requests, newest first (one query; a handful at most)."""
    requests = DeletionRequest.objects.filter(client_id=client_id).select_related("decided_by")
    return list(requests.order_by("-created_at", "-id")[:20])


def deletion_requests_waiting_rows() -> QuerySet[DeletionRequest]:
    """The requests that wait for an operator (the back office badge and home card)."""
    return DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING)


def deletion_requests_waiting() -> int:
    return deletion_requests_waiting_rows().count()


def deletion_requests_for_backoffice() -> QuerySet[DeletionRequest]:
    return DeletionRequest.objects.select_related("client__user", "decided_by")


@transaction.atomic
def deletion_request_create(*, client: Client, password: str) -> DeletionRequest:
    """The client asks to delete their data; the password is asked again (someone at an
    unlocked computer must not erase the account). A second request while one waits returns
    the waiting one."""
    user = User.objects.select_for_update().get(pk=client.user_id)
    if not password or not user.check_password(password):
        raise ApplicationError(
            "wrong_password", "Неверный пароль: запрос не отправлен.", field="password"
        )
    waiting = deletion_request_pending(client_id=client.pk)
    if waiting is not None:
        return waiting
    return DeletionRequest.objects.create(client=client)


@transaction.atomic
def deletion_request_cancel(*, client: Client, request_id: int) -> DeletionRequest:
    """The client withdraws their waiting request; another client's id is «not found»."""
    request = (
        DeletionRequest.objects.select_for_update().filter(pk=request_id, client=client).first()
    )
    if request is None:
        raise NotFound("Запрос не найден.")
    if request.status != DeletionRequest.Status.PENDING:
        raise ApplicationError(
            "deletion_not_pending", "Этот запрос уже не ждёт подтверждения: отменить его нельзя."
        )
    request.status = DeletionRequest.Status.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return request


@transaction.atomic
def deletion_request_confirm(*, request_id: int, actor: User) -> DeletionRequest:
    """An operator or manager confirms: the client's data are anonymized (`client_anonymize`)
    and the request is done. Confirming a done request again changes nothing."""
    request = DeletionRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("Запрос на удаление данных не найден.")
    if request.status == DeletionRequest.Status.DONE:
        return request
    if request.status == DeletionRequest.Status.CANCELLED:
        raise ApplicationError(
            "deletion_cancelled", f"Запрос № {request.pk} отменён клиентом: данные не удалены."
        )
    client_anonymize(client_id=request.client_id)
    request.status = DeletionRequest.Status.DONE
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


@transaction.atomic
def client_anonymize(*, client_id: int) -> Client:
    """Replace the client's personal data everywhere (see the module docstring); idempotent."""
    client = Client.objects.select_for_update().filter(pk=client_id).first()
    if client is None:
        raise NotFound("Клиент не найден.")
    user = User.objects.select_for_update().get(pk=client.user_id)
    old_email = user.email
    new_email = anonymous_email(client.pk)
    user.last_name = ANONYMOUS_NAME
    user.first_name = f"#{client.pk}"
    user.middle_name = ""
    user.email = new_email
    user.phone = None
    user.is_active = False
    user.password = make_password(None)  # unusable: no sign-in, no password reset
    user.save(
        update_fields=[
            "last_name",
            "first_name",
            "middle_name",
            "email",
            "phone",
            "is_active",
            "password",
        ]
    )
    client.company_name = ""
    client.inn = ""
    client.save(update_fields=["company_name", "inn"])
    # A script holding one of the person's API tokens must stop too.
    ApiToken.objects.filter(client_id=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if old_email.lower() != new_email:
        outbox.emails_forget_address(address=old_email, replacement=new_email)
    for eraser in personal_data_erasers():
        eraser(client.pk)
    # The cached copies of the sessions are not transactional: end them once the erasure
    # is committed (the inactive user and the changed password end them anyway).
    user_id = user.pk
    transaction.on_commit(lambda: sessions_end_for_user(user_id))
    client.user = user
    return client
