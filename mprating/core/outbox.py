"""The one mail outbox: every letter of the store is written here and sent from here.

DESIGN.md §5 and STYLE.md: no mail inside a transaction, no mail lost, no mail twice from two
workers, and a mail server that is down never blocks the person whose action caused the letter.

Writing a letter — in the caller's transaction, so a letter exists exactly when the change it
is about committed:
- `email_enqueue(kind=, to=, subject=, text=, html="", ref="")` — bodies ready;
- `email_enqueue_rendered(kind=, to=, template_base=, context=, ref="")` — subject, text and
  HTML from `<template_base>_subject.txt`, `<template_base>.txt`, `<template_base>.html`;
- `email_enqueue_many(drafts)` — a batch in one INSERT and one delivery task.
Each enqueues the task `outbox_deliver(email_ids)` after commit (`enqueue_on_commit`).
`kind` is one of `KINDS` (a stable key, also the back office filter); `ref` names what the
letter is about, `ref_for(obj)` → «garage.vinrequest:42». `sensitive=True` marks a letter
with a login link (password reset): the back office never shows its text and the text is
erased once sent.

Sending — `email_deliver(email_id=)`, outside any transaction: the row is claimed with a
conditional UPDATE that sets a lease (`locked_until`), so of two workers exactly one sends;
the SMTP call holds no database lock; then the outcome is recorded under a row lock: `sent_at`,
or the error and the next attempt after 1, 5, 15, 60 minutes and then every hour, until
`MAX_ATTEMPTS` tries of the series have failed (`gave_up`). A worker killed after sending and
before recording sends the letter again when its lease ends: delivery is at least once.
A failed letter is retried by a deferred `outbox_deliver` when the task backend can defer;
whatever a lost task, a crash or a backend without defer leaves behind is sent by the sweep
`outbox_deliver_due` (`manage.py outbox_send_due` from cron every few minutes). The back office
«Письма» requeues unsent letters with `email_requeue` («Отправить снова»).

Following a letter without core importing the app (DESIGN.md §3), two ways, both used:
- read: `email_for_ref(ref)` in the app's selectors, to show the letter's state;
- react: `on_email_state(kind, callback)` registered in the app's `AppConfig.ready()`; the
  callback `(email, state)` with state "sent", "failed" or "gave_up" runs inside the
  transaction that records the outcome, in a savepoint: its failure is logged and never undoes
  the record of a letter that went out. The garage follows its VIN letter this way.
`on_sweep(callback)`: an app whose own path can miss a letter (notifications: a batch task that
never ran) registers a callback the sweep runs before sending what is due.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

#: Every kind of letter the store sends: a stable key (kept in the rows, used by listeners and
#: filters) and its name in the back office. A new kind of letter is added here.
KINDS: dict[str, str] = {
    # bandit B105 (a hard-coded password) misreads this label of a kind of letter.
    "password_reset": "Восстановление пароля",  # nosec B105
    "vin_request": "VIN-запрос менеджерам",
    "order_status": "Статусы позиций заказа",
    "pvz_invitation": "Приглашение владельца ПВЗ",
    "return_status": "Статус возврата",
    "statement_ready": "Акт сверки готов",
}

RETRY_DELAYS_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = 30  # 1 + 5 + 15 + 60 minutes, then hourly: about a day of tries per series
LEASE = timedelta(minutes=10)  # far longer than EMAIL_TIMEOUT: one send never outlives it
SWEEP_LIMIT = 500

SENT = OutgoingEmail.State.SENT.value
FAILED = OutgoingEmail.State.FAILED.value
GAVE_UP = OutgoingEmail.State.GAVE_UP.value
SKIPPED = "skipped"

StateListener = Callable[[OutgoingEmail, str], object]
_state_listeners: dict[str, list[StateListener]] = defaultdict(list)
_sweep_callbacks: list[Callable[[], object]] = []


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of letter {kind!r}: add it to core.outbox.KINDS")
    return kind


def on_email_state(kind: str, callback: StateListener) -> None:
    """Call `callback(email, state)` whenever a letter of `kind` is sent, fails or gives up.

    Register in `AppConfig.ready()`; registering the same callback twice has no effect.
    """
    listeners = _state_listeners[_check_kind(kind)]
    if callback not in listeners:
        listeners.append(callback)


def on_sweep(callback: Callable[[], object]) -> None:
    """Run `callback()` at the start of every sweep (`outbox_deliver_due`)."""
    if callback not in _sweep_callbacks:
        _sweep_callbacks.append(callback)


# ---- references ------------------------------------------------------------------------------


def ref_for(obj: models.Model) -> str:
    """«app_label.model:pk» — what a letter is about, e.g. «garage.vinrequest:42»."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def ref_id(ref: str, label: str) -> int | None:
    """The primary key in `ref` when it names a row of `label` («garage.vinrequest»)."""
    prefix, _, pk = (ref or "").partition(":")
    if prefix != label or not pk.isdigit():
        return None
    return int(pk)


def email_for_ref(ref: str, *, kind: str | None = None) -> OutgoingEmail | None:
    """The latest letter about `ref` (of `kind`, when given), or None — one query."""
    queryset = OutgoingEmail.objects.filter(ref=ref)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-id").first()


# ---- writing letters -------------------------------------------------------------------------

_ADDRESS_SPLIT = re.compile(r"[\s,;]+")


def clean_recipients(to: str | Iterable[str]) -> list[str]:
    """Addresses from a list or from text «через запятую»; each checked, duplicates dropped."""
    items = _ADDRESS_SPLIT.split(to) if isinstance(to, str) else list(to)
    addresses: list[str] = []
    for item in items:
        item = (item or "").strip()
        if not item:
            continue
        try:
            validate_email(item)
        except ValidationError:
            raise ApplicationError(
                "bad_email", f"«{item}» — не адрес электронной почты.", field="to"
            ) from None
        if item.lower() not in {a.lower() for a in addresses}:
            addresses.append(item)
    if not addresses:
        raise ApplicationError("no_recipients", "Не указан адрес получателя письма.", field="to")
    return addresses


@dataclass(frozen=True)
class EmailDraft:
    """A letter to write: bodies ready, recipients as a list or as text."""

    kind: str
    to: str | Iterable[str]
    subject: str
    text: str
    html: str = ""
    ref: str = ""
    sensitive: bool = False


def _row(draft: EmailDraft, now: datetime) -> OutgoingEmail:
    return OutgoingEmail(
        kind=_check_kind(draft.kind),
        to=", ".join(clean_recipients(draft.to)),
        subject=" ".join((draft.subject or "").split())[:255],
        body_text=draft.text or "",
        body_html=draft.html or "",
        ref=(draft.ref or "")[:100],
        sensitive=draft.sensitive,
        created_at=now,
        next_attempt_at=now,
    )


def email_enqueue_many(
    drafts: Iterable[EmailDraft], *, deliver_after_commit: bool = True
) -> list[OutgoingEmail]:
    """Write the letters in the caller's transaction (one INSERT) and send them after commit.

    `deliver_after_commit=False` is for a caller that already runs in a background task and
    calls `emails_deliver` itself right after its transaction; the sweep covers a crash between.
    """
    now = timezone.now()
    rows = OutgoingEmail.objects.bulk_create([_row(draft, now) for draft in drafts])
    if rows and deliver_after_commit:
        enqueue_on_commit(outbox_deliver, email_ids=[row.pk for row in rows])
    return rows


def email_enqueue(
    *,
    kind: str,
    to: str | Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    ref: str = "",
    sensitive: bool = False,
) -> OutgoingEmail:
    """Write one letter in the caller's transaction; it is sent after commit."""
    draft = EmailDraft(kind, to, subject, text, html, ref, sensitive)
    return email_enqueue_many([draft])[0]


def email_render(*, template_base: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject (one line), text and HTML from the three templates of `template_base`."""
    subject = render_to_string(f"{template_base}_subject.txt", context)
    text = render_to_string(f"{template_base}.txt", context)
    html = render_to_string(f"{template_base}.html", context)
    return " ".join(subject.split()), text, html


def email_draft_rendered(
    *,
    kind: str,
    to: str | Iterable[str],
    template_base: str,
    context: dict[str, Any],
    ref: str = "",
    sensitive: bool = False,
) -> EmailDraft:
    subject, text, html = email_render(template_base=template_base, context=context)
    return EmailDraft(kind, to, subject, text, html, ref, sensitive)


def email_enqueue_rendered(
    *,
    kind: str,
    to: str | Iterable[str],
    template_base: str,
    context: dict[str, Any],
    ref: str = "",
    sensitive: bool = False,
) -> OutgoingEmail:
    """`email_enqueue` with subject, text and HTML rendered from the templates."""
    draft = email_draft_rendered(
        kind=kind,
        to=to,
        template_base=template_base,
        context=context,
        ref=ref,
        sensitive=sensitive,
    )
    return email_enqueue_many([draft])[0]


def _parse_ids(values: Iterable[object]) -> list[int]:
    try:
        return sorted({int(value) for value in values})
    except (TypeError, ValueError):
        raise ApplicationError("invalid", "Не удалось разобрать список писем.") from None


@transaction.atomic
def email_requeue(*, email_ids: Iterable[object], to: str | Iterable[str] | None = None) -> int:
    """«Отправить снова»: unsent letters (given up ones too) get a new series of attempts and
    are sent after commit; `to` replaces their recipients. Sent letters are left alone.
    Returns how many were queued."""
    ids = _parse_ids(email_ids)
    rows = list(
        OutgoingEmail.objects.select_for_update()
        .filter(pk__in=ids, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if rows:
        fields: dict[str, Any] = {
            "series_attempts": 0,
            "gave_up": False,
            "next_attempt_at": timezone.now(),
        }
        if to is not None:
            fields["to"] = ", ".join(clean_recipients(to))
        OutgoingEmail.objects.filter(pk__in=rows).update(**fields)
        enqueue_on_commit(outbox_deliver, email_ids=rows)
    return len(rows)


# ---- sending ---------------------------------------------------------------------------------


def retry_delay(series_attempts: int) -> timedelta:
    """After the n-th failed try of a series: 1, 5, 15, 60 minutes, then every hour."""
    index = min(series_attempts, len(RETRY_DELAYS_MINUTES)) - 1
    return timedelta(minutes=RETRY_DELAYS_MINUTES[max(index, 0)])


def _claimable(now: datetime) -> Q:
    return Q(sent_at__isnull=True, gave_up=False, next_attempt_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


def due_email_ids(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Unsent letters whose next attempt is due and that no sender holds, oldest due first."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _send(email: OutgoingEmail) -> str:
    """Send; return "" or the error (never raise because of the mail server)."""
    if not email.recipients:
        return "Не указан адрес получателя письма."
    try:
        _message(email).send(fail_silently=False)
    except Exception as error:  # SMTP and network errors of any kind
        return f"{type(error).__name__}: {error}"[:2000]
    return ""


def _tell_listeners(email: OutgoingEmail, state: str) -> None:
    for listener in list(_state_listeners.get(email.kind, ())):
        try:
            with transaction.atomic():
                listener(email, state)
        except Exception:  # the app's trouble must not undo the record of the letter
            logger.exception("Outbox listener %r failed: letter %s, %s", listener, email.pk, state)


@transaction.atomic
def _record_outcome(*, email_id: int, error: str) -> str:
    email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
    now = timezone.now()
    email.attempts += 1
    email.series_attempts += 1
    email.locked_until = None
    fields = ["attempts", "series_attempts", "locked_until", "last_error"]
    if error:
        email.last_error = error
        email.gave_up = email.series_attempts >= MAX_ATTEMPTS
        email.next_attempt_at = now + retry_delay(email.series_attempts)
        fields += ["gave_up", "next_attempt_at"]
        state = GAVE_UP if email.gave_up else FAILED
        (logger.error if email.gave_up else logger.warning)(
            "Letter %s (%s) to %s failed, try %s of %s: %s",
            email.pk,
            email.kind,
            email.to,
            email.series_attempts,
            MAX_ATTEMPTS,
            error,
        )
    else:
        email.last_error = ""
        email.sent_at = now
        fields.append("sent_at")
        if email.sensitive:
            email.body_text = email.body_html = ""
            fields += ["body_text", "body_html"]
        state = SENT
    email.save(update_fields=fields)
    _tell_listeners(email, state)
    return state


def email_deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Send one letter if it is due: "sent", "failed" (tried again later), "gave_up", or
    "skipped" (sent already, given up, not due, held by another sender, or no such row)."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(_claimable(now), pk=email_id).update(
        locked_until=now + LEASE
    )
    if not claimed:
        return SKIPPED
    email = OutgoingEmail.objects.get(pk=email_id)
    return _record_outcome(email_id=email_id, error=_send(email))


def emails_deliver(email_ids: Iterable[int], *, schedule_retries: bool = True) -> dict[str, int]:
    """Send the due letters among `email_ids`; a failed one gets a deferred retry task."""
    outcome = {SENT: 0, FAILED: 0, GAVE_UP: 0, SKIPPED: 0}
    retry: list[int] = []
    for email_id in email_ids:
        try:
            result = email_deliver(email_id=email_id)
        except Exception:  # a database hiccup: the lease runs out and the sweep sends it
            logger.exception("Letter %s: unexpected error while sending", email_id)
            result = FAILED
        outcome[result] += 1
        if result == FAILED:
            retry.append(email_id)
    if retry and schedule_retries:
        _schedule_retry(retry)
    return outcome


def _schedule_retry(email_ids: list[int]) -> None:
    next_at = (
        OutgoingEmail.objects.filter(pk__in=email_ids, sent_at__isnull=True, gave_up=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return
    try:
        if not outbox_deliver.get_backend().supports_defer:
            logger.info("Task backend cannot defer: letters %s wait for the sweep", email_ids)
            return
        outbox_deliver.using(run_after=max(next_at, timezone.now())).enqueue(email_ids=email_ids)
    except Exception:
        logger.exception("Could not enqueue the retry of letters %s", email_ids)


@task()
def outbox_deliver(*, email_ids: list[int]) -> dict[str, int]:
    """Send these letters when due (idempotent: sent or held ones are skipped)."""
    return emails_deliver(list(email_ids))


@task()
def outbox_deliver_due() -> dict[str, int]:
    """The safety net (cron: `manage.py outbox_send_due`): the apps' sweep callbacks, then
    every due letter."""
    for callback in list(_sweep_callbacks):
        try:
            callback()
        except Exception:
            logger.exception("Outbox sweep callback %r failed", callback)
    return emails_deliver(due_email_ids(), schedule_retries=False)


def outbox_enqueue_due() -> bool:
    """Enqueue the sweep when some letter is due and held by nobody — a failed one whose retry
    task is missing, or one whose sender was killed after claiming it (its lease has run out).
    Called by every worker's lease sweep (`core.leases`), so no cron is needed for that."""
    if not due_email_ids(limit=1):
        return False
    outbox_deliver_due.enqueue()
    return True


@transaction.atomic
def emails_forget_address(*, address: str, replacement: str) -> dict[str, int]:
    """Erase a person from the outbox (issue 12, 152-ФЗ «удаление данных»): letters still
    waiting to go to `address` alone are dropped; in the others `address` becomes
    `replacement`, and a letter that went to that person only loses its text too. Letters to
    several people keep their text (it was written to the others as well). Matching is
    case-insensitive. Returns {"dropped": n, "erased": m}."""
    wanted = address.strip().lower()
    if not wanted:
        return {"dropped": 0, "erased": 0}
    dropped: list[int] = []
    erased = 0
    for email in OutgoingEmail.objects.select_for_update().filter(to__icontains=wanted):
        recipients = email.recipients
        if wanted not in {r.lower() for r in recipients}:
            continue
        alone = all(r.lower() == wanted for r in recipients)
        if alone and email.sent_at is None and not email.gave_up:
            dropped.append(email.pk)
            continue
        email.to = ", ".join(replacement if r.lower() == wanted else r for r in recipients)
        fields = ["to"]
        if alone:
            email.body_text = email.body_html = ""
            fields += ["body_text", "body_html"]
        email.save(update_fields=fields)
        erased += 1
    if dropped:
        OutgoingEmail.objects.filter(pk__in=dropped).delete()
    return {"dropped": len(dropped), "erased": erased}
