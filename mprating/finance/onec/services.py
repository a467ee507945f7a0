"""Every write of the 1С adapter: settings, links, sync requests and the synced data.

No network call runs inside a transaction: a sync reads 1С first (`reader`), then stores what it
got in one short transaction, so a slow or dead 1С never holds a lock. A failed sync keeps the
last data and records why; the next one recovers by itself.
"""

import logging
import re
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError
from mprating.core.history import history_record
from mprating.core.tasks import enqueue_on_commit
from mprating.finance.gateway import GatewayUnavailable, Movement
from mprating.finance.onec.crypto import decrypt_password, encrypt_password
from mprating.finance.onec.mapping import Mapping, mapping_from_json
from mprating.finance.onec.metadata import CheckResult, check_mapping, parse_metadata
from mprating.finance.onec.models import (
    OneCChange,
    OneCClientState,
    OneCConnection,
    OneCCounterpartyLink,
    OneCMovement,
)
from mprating.finance.onec.odata import ODataClient, OneCError
from mprating.finance.onec.reader import CounterpartyNotFound, OneCReader, Snapshot

logger = logging.getLogger(__name__)
Status = OneCClientState.Status
T = TypeVar("T")

CONNECTION_PK = 1
_REFERENCE = re.compile(r"^[\w.\-/ ]{1,64}$")


class OneCUnavailable(GatewayUnavailable):
    """1С had to be asked (a period older than the kept data) and could not answer: the
    «Финансы» page and the акт task handle it like any unavailable accounting system."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = "onec_unavailable"


# ---- connection -----------------------------------------------------------------------------


def _connection_for_update() -> OneCConnection:
    OneCConnection.objects.get_or_create(pk=CONNECTION_PK)
    return OneCConnection.objects.select_for_update().get(pk=CONNECTION_PK)


def clean_base_url(raw: str) -> str:
    """The publication address without a trailing slash; a Russian error for a bad one."""
    url = (raw or "").strip()
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError(
            "onec_bad_url",
            "Адрес публикации 1С должен начинаться с http:// или https://.",
            field="base_url",
        )
    if parts.username or parts.password:
        raise ApplicationError(
            "onec_bad_url",
            "Не указывайте логин и пароль в адресе: для них есть отдельные поля.",
            field="base_url",
        )
    return url.rstrip("/")


@transaction.atomic
def connection_update(
    *,
    base_url: str,
    username: str,
    password: str | None,
    timeout_seconds: int | None,
    mapping: str | dict | None,
    by,
) -> OneCConnection:
    """Save the connection settings. An empty `password` keeps the stored one; the password
    is encrypted and never written to the history (only «пароль изменён»)."""
    cleaned_url = clean_base_url(base_url)
    parsed = mapping_from_json(mapping)
    connection = _connection_for_update()
    changed = []
    if connection.base_url != cleaned_url:
        changed.append(f"адрес: {cleaned_url or '—'}")
    if connection.username != (username or "").strip():
        changed.append(f"пользователь: {(username or '').strip() or '—'}")
    if timeout_seconds != connection.timeout_seconds:
        changed.append(f"таймаут: {timeout_seconds or 'по умолчанию'}")
    stored_mapping = parsed.as_json()
    if (connection.mapping or Mapping().as_json()) != stored_mapping:
        changed.append("соответствие полей")
    connection.base_url = cleaned_url
    connection.username = (username or "").strip()
    connection.timeout_seconds = timeout_seconds
    connection.mapping = stored_mapping
    if password:
        connection.password_encrypted = encrypt_password(password)
        changed.append("пароль изменён")
    connection.updated_by = by if getattr(by, "is_authenticated", False) else None
    connection.save()
    if changed:
        history_record(
            OneCChange, by=by, action=OneCChange.Action.CONNECTION, comment="; ".join(changed)
        )
    return connection


def connection_mapping(connection: OneCConnection | None) -> Mapping:
    return mapping_from_json(connection.mapping if connection else None)


def odata_client(connection: OneCConnection) -> ODataClient:
    """A client for the saved settings (the password is decrypted only here)."""
    if not connection.is_configured:
        raise OneCError(
            "config", "Подключение к 1С не настроено: укажите адрес публикации и пользователя."
        )
    return ODataClient(
        base_url=connection.base_url,
        username=connection.username,
        password=decrypt_password(connection.password_encrypted),
        timeout=connection.timeout_seconds or settings.FINANCE_ONEC_TIMEOUT,
        page_size=settings.FINANCE_ONEC_PAGE_SIZE,
    )


def _reader(connection: OneCConnection) -> OneCReader:
    return OneCReader(
        odata_client(connection),
        connection_mapping(connection),
        timezone=settings.FINANCE_ONEC_TIMEZONE,
        batch_size=settings.FINANCE_ONEC_BATCH_SIZE,
    )


def _load_connection() -> OneCConnection | None:
    return OneCConnection.objects.filter(pk=CONNECTION_PK).first()


def connection_ensure() -> OneCConnection:
    """The settings row, created empty the first time the back office opens it."""
    connection, _ = OneCConnection.objects.get_or_create(pk=CONNECTION_PK)
    return connection


def connection_check(*, by) -> CheckResult:
    """«Проверить подключение»: the saved settings against the server's `$metadata` and one
    real read; the result (in Russian) is kept on the settings and in the history."""
    connection = _load_connection()
    result = CheckResult()
    if connection is None or not connection.is_configured:
        result.problems.append("Не заданы адрес публикации и пользователь 1С — сохраните их.")
    else:
        try:
            mapping = connection_mapping(connection)
            client = odata_client(connection)
            result = check_mapping(mapping, parse_metadata(client.metadata()))
            if result.ok:
                # $metadata opens for any user; reading data needs rights on the objects.
                client.rows(mapping.counterparty_set, {"$top": 1, "$select": "Ref_Key"})
        except OneCError as error:
            result.problems.append(error.message)
        except ApplicationError as error:
            result.problems.append(error.message)
    with transaction.atomic():
        row = _connection_for_update()
        row.checked_at = timezone.now()
        row.check_ok = result.ok
        row.check_problems = result.problems
        row.check_warnings = result.warnings
        row.save(update_fields=["checked_at", "check_ok", "check_problems", "check_warnings"])
        summary = "успешно" if result.ok else "; ".join(result.problems)
        history_record(OneCChange, by=by, action=OneCChange.Action.CHECK, comment=summary[:2000])
    return result


# ---- links ----------------------------------------------------------------------------------


def clean_counterparty_reference(raw: str) -> str:
    value = (raw or "").strip()
    if not _REFERENCE.match(value):
        raise ApplicationError(
            "onec_bad_counterparty",
            "Укажите Ref_Key контрагента (GUID) или его код: буквы, цифры, «-», «.», «/».",
            field="counterparty",
        )
    return value


@transaction.atomic
def counterparty_link_set(*, client_id: int, counterparty: str, by) -> OneCCounterpartyLink:
    """Match a client with a 1С counterparty by its Ref_Key or code (back office)."""
    value = clean_counterparty_reference(counterparty)
    client = Client.objects.select_for_update().get(pk=client_id)
    link, _ = OneCCounterpartyLink.objects.update_or_create(
        client=client,
        defaults={
            "counterparty": value,
            "updated_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    history_record(
        OneCChange, by=by, action=OneCChange.Action.LINK_SET, client=client, comment=value
    )
    sync_request(client_id=client.pk, force=True)
    return link


@transaction.atomic
def counterparty_link_delete(*, client_id: int, by) -> None:
    deleted, _ = OneCCounterpartyLink.objects.filter(client_id=client_id).delete()
    if deleted:
        history_record(
            OneCChange, by=by, action=OneCChange.Action.LINK_DELETED, client_id=client_id
        )
        sync_request(client_id=client_id, force=True)


# ---- sync -----------------------------------------------------------------------------------


def _state(client_id: int) -> OneCClientState:
    state, _ = OneCClientState.objects.get_or_create(client_id=client_id)
    return state


def sync_request(*, client_id: int, by=None, force: bool = False) -> bool:
    """Queue a sync of one client after commit, unless one was asked for in the last
    `FINANCE_ONEC_STALE_MINUTES` (a «Синхронизировать сейчас» from staff always queues)."""
    from mprating.finance.onec import tasks

    state = _state(client_id)
    now = timezone.now()
    rows = OneCClientState.objects.filter(pk=state.pk)
    if not force:
        cutoff = now - timedelta(minutes=settings.FINANCE_ONEC_STALE_MINUTES)
        rows = rows.filter(Q(sync_requested_at__isnull=True) | Q(sync_requested_at__lt=cutoff))
    with transaction.atomic():
        if not rows.update(sync_requested_at=now):
            return False
        if by is not None:
            history_record(OneCChange, by=by, action=OneCChange.Action.SYNC, client_id=client_id)
        enqueue_on_commit(tasks.onec_sync_client, client_id=client_id)
    return True


def sync_is_stale(state: OneCClientState | None) -> bool:
    if state is None or state.synced_at is None:
        return True
    age = timezone.now() - state.synced_at
    return age > timedelta(minutes=settings.FINANCE_ONEC_STALE_MINUTES)


@transaction.atomic
def _record_outcome(*, client_id: int, status: str, message: str) -> OneCClientState:
    """A sync that brought no data: say why and keep the last data as it is."""
    state = OneCClientState.objects.select_for_update().get(client_id=client_id)
    state.status = status
    state.last_error = message
    state.error_at = timezone.now()
    state.save(update_fields=["status", "last_error", "error_at"])
    return state


@transaction.atomic
def _store_snapshot(*, client_id: int, snapshot: Snapshot) -> OneCClientState:
    state = OneCClientState.objects.select_for_update().get(client_id=client_id)
    if state.synced_at and state.synced_at > snapshot.window_end:
        return state  # a sync that started later has already stored newer data
    state.movements.all().delete()
    OneCMovement.objects.bulk_create(
        OneCMovement(
            state=state,
            occurred_at=movement.occurred_at,
            document=movement.document,
            debit=movement.debit,
            credit=movement.credit,
            ref=movement.ref,
        )
        for movement in snapshot.movements
    )
    state.status = Status.OK
    state.last_error = ""
    state.error_at = None
    state.counterparty_name = snapshot.counterparty.name[:255]
    state.counterparty_keys = list(snapshot.counterparty.keys)
    state.balance = snapshot.balance
    state.window_start = snapshot.window_start
    state.synced_at = snapshot.window_end
    state.save()
    return state


def _identity(client: Client) -> tuple[str, str]:
    link = getattr(client, "onec_link", None)
    return client.inn.strip(), link.counterparty if link else ""


def sync_client(*, client_id: int) -> OneCClientState:
    """Read the client's balance and the movements of the last `FINANCE_ONEC_WINDOW_DAYS`
    from 1С and keep them with their time. Safe to run twice; never raises for 1С's sake."""
    client = Client.objects.select_related("onec_link").get(pk=client_id)
    started = timezone.now()
    state = _state(client_id)
    OneCClientState.objects.filter(pk=state.pk).update(attempted_at=started)
    connection = _load_connection()
    if connection is None or not connection.is_configured:
        return _record_outcome(
            client_id=client_id,
            status=Status.NOT_CONFIGURED,
            message="Подключение к 1С не настроено в бэкофисе.",
        )
    inn, reference = _identity(client)
    if not inn and not reference:
        return _record_outcome(
            client_id=client_id,
            status=Status.NO_IDENTITY,
            message="У клиента не указан ИНН, и он не сопоставлен с контрагентом 1С вручную.",
        )
    window_start = started - timedelta(days=settings.FINANCE_ONEC_WINDOW_DAYS)
    try:
        snapshot = _reader(connection).snapshot(
            inn=inn, reference=reference, start=window_start, end=started
        )
    except CounterpartyNotFound as missing:
        return _record_outcome(
            client_id=client_id, status=Status.NOT_FOUND, message=missing.message
        )
    except (OneCError, ApplicationError) as error:
        logger.warning("1С sync of client %s failed: %s", client_id, error.message)
        return _record_outcome(client_id=client_id, status=Status.ERROR, message=error.message)
    except Exception:  # an answer we did not expect must not break the worker
        logger.exception("1С sync of client %s: unexpected answer", client_id)
        return _record_outcome(
            client_id=client_id,
            status=Status.ERROR,
            message="Ответ 1С не удалось разобрать — проверьте соответствие полей.",
        )
    return _store_snapshot(client_id=client_id, snapshot=snapshot)


def clients_to_sync() -> list[int]:
    """Active clients that have an ИНН or a hand-made link to a 1С counterparty."""
    return list(
        Client.objects.filter(user__is_active=True)
        .filter(~Q(inn="") | Q(onec_link__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sync_all(*, enqueue: bool) -> dict[str, int]:
    """`manage.py onec_sync` and the periodic task: every client with an ИНН or a link."""
    outcome: dict[str, int] = {}
    for client_id in clients_to_sync():
        if enqueue:
            key = "queued" if sync_request(client_id=client_id) else "skipped"
        else:
            key = sync_client(client_id=client_id).status
        outcome[key] = outcome.get(key, 0) + 1
    return outcome


# ---- reads that must go to 1С (periods older than the kept data) -----------------------------


def _live(client_id: int, read: Callable[[OneCReader, object], T], empty: T) -> T:
    client = Client.objects.select_related("onec_link").get(pk=client_id)
    inn, reference = _identity(client)
    try:
        connection = _load_connection()
        if connection is None or not connection.is_configured:
            raise OneCError("config", "Подключение к 1С не настроено в бэкофисе.")
        reader = _reader(connection)
        counterparty = reader.find_counterparty(inn=inn, reference=reference)
        return read(reader, counterparty)
    except CounterpartyNotFound:
        return empty
    except (OneCError, ApplicationError) as error:
        _state(client_id)
        _record_outcome(client_id=client_id, status=Status.ERROR, message=error.message)
        raise OneCUnavailable(
            f"Данные за этот период хранятся только в 1С, а 1С сейчас недоступна: {error.message}"
        ) from error


def live_balance(*, client_id: int, at: datetime) -> Decimal:
    return _live(client_id, lambda reader, cp: reader.balance(cp, at=at), Decimal("0.00"))


def live_movements(*, client_id: int, start: datetime, end: datetime) -> list[Movement]:
    return _live(client_id, lambda reader, cp: reader.movements(cp, start=start, end=end), [])
