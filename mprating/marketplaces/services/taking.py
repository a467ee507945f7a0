"""«Войти вручную» (seed 000: «Нужна функция войти вручную под этим аккаунтом»), «Освободить»,
the periodic bookkeeping of timed-out takes and ended service lives, and key rotation.

Every change is written to the account's history in the same transaction; the password leaves
this module only as a masked `crypto.Secret`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mprating.core.errors import ApplicationError
from mprating.core.history import history_record
from mprating.marketplaces import crypto, selectors
from mprating.marketplaces.models import AccountHistory, AccountStatus, MarketplaceAccount
from mprating.marketplaces.services.accounts import (
    _date,
    _held_by_message,
    _locked,
    _person,
)

Event = AccountHistory.Event


@dataclass(frozen=True)
class TakenAccount:
    """What «Войти вручную» shows once: the login, the password (masked `Secret`) and where
    to sign in."""

    account: MarketplaceAccount
    login: str
    secret: crypto.Secret
    login_url: str


@transaction.atomic
def account_take(*, account_id: int, actor) -> TakenAccount:
    """«Войти вручную» (seed 000, Ozon; offered for both): the account becomes «Занят» by
    `actor`, and its login and password are returned to be shown once.

    The row is locked: of two operators pressing at the same instant exactly one gets it, the
    other is told who has it. An inactive account (switched off or its service life ended)
    cannot be taken. The holder may take it again: the take is extended and recorded again.
    """
    if not actor.has_perm("marketplaces.login_manually"):
        raise ApplicationError("forbidden", "Нет права входить вручную под аккаунтами.")
    account = _locked(account_id)
    if account.effective_status == AccountStatus.INACTIVE:
        if account.status == AccountStatus.INACTIVE:
            why = "он выключен вручную"
        else:
            why = f"срок службы закончился {_date(account.service_until)}"
        raise ApplicationError(
            "account_inactive", f"Аккаунт «{account.name}» неактивен ({why}): войти под ним нельзя."
        )
    if account.effective_status == AccountStatus.BUSY and account.taken_by_id != actor.pk:
        raise ApplicationError("account_busy", _held_by_message(account))
    again = account.effective_status == AccountStatus.BUSY
    secret = crypto.decrypt(account.secret_token)
    now = timezone.now()
    account.status = AccountStatus.BUSY
    account.taken_by = actor
    account.taken_at = now
    account.save(update_fields=["status", "taken_by", "taken_at"])
    minutes = settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES
    history_record(
        AccountHistory,
        by=actor,
        at=now,
        account=account,
        event=Event.TAKEN,
        comment=(
            "Пароль показан повторно, время продлено."
            if again
            else "Логин и пароль показаны оператору."
        )
        + f" Освободится сам через {minutes} мин.",
    )
    return TakenAccount(
        account=account,
        login=account.login,
        secret=secret,
        login_url=settings.MARKETPLACE_LOGIN_URLS.get(account.marketplace, ""),
    )


@transaction.atomic
def account_release(*, account_id: int, actor) -> MarketplaceAccount:
    """«Освободить»: by the operator who holds the account, or by a superuser."""
    account = _locked(account_id)
    if account.status != AccountStatus.BUSY:
        raise ApplicationError("account_not_busy", f"Аккаунт «{account.name}» не занят.")
    if account.taken_by_id != actor.pk and not actor.is_superuser:
        raise ApplicationError(
            "not_holder",
            f"Освободить аккаунт может тот, кто его взял ({_person(account.taken_by)}), "
            "или администратор.",
        )
    holder = account.taken_by
    account.status = AccountStatus.ACTIVE
    account.taken_by = account.taken_at = None
    account.save(update_fields=["status", "taken_by", "taken_at"])
    history_record(
        AccountHistory,
        by=actor,
        account=account,
        event=Event.RELEASED,
        comment="" if holder == actor else f"Был занят: {_person(holder)}.",
    )
    return account


@dataclass(frozen=True)
class RefreshResult:
    released: int
    expired: int


@transaction.atomic
def accounts_refresh(*, now=None) -> RefreshResult:
    """The periodic bookkeeping (command `marketplace_accounts_refresh`, task
    `refresh_marketplace_accounts`); safe to run any number of times.

    The statuses people see never wait for it (they are computed on read); it records what
    time did: takes older than `MARKETPLACE_TAKE_TIMEOUT_MINUTES` are released («Освобождён по
    истечении времени»), and every account whose service life has ended gets one «Истёк срок
    службы» row (once per `service_until`: an extended and again ended life is recorded again).
    """
    at = selectors.clock(now)
    timed_out = list(
        MarketplaceAccount.objects.select_for_update(of=("self",))
        .select_related("taken_by")
        .filter(status=AccountStatus.BUSY, taken_at__lte=at.take_cutoff)
        .order_by("pk")
    )
    for account in timed_out:
        comment = f"Был занят: {_person(account.taken_by)} с " + timezone.localtime(
            account.taken_at
        ).strftime("%d.%m.%Y %H:%M")
        account.status = AccountStatus.ACTIVE
        account.taken_by = account.taken_at = None
        account.save(update_fields=["status", "taken_by", "taken_at"])
        history_record(
            AccountHistory,
            by=None,
            at=at.now,
            account=account,
            event=Event.RELEASED_TIMEOUT,
            comment=comment,
        )
    ended = list(
        MarketplaceAccount.objects.select_for_update()
        .filter(service_until__lt=at.today)
        .exclude(expiry_recorded_for=F("service_until"))
        .order_by("pk")
    )
    for account in ended:
        history_record(
            AccountHistory,
            by=None,
            at=at.now,
            account=account,
            event=Event.EXPIRED,
            comment=f"Последний день службы — {_date(account.service_until)}: статус «Неактивен».",
        )
        account.expiry_recorded_for = account.service_until
    if ended:
        MarketplaceAccount.objects.bulk_update(ended, ["expiry_recorded_for"], batch_size=500)
    return RefreshResult(released=len(timed_out), expired=len(ended))


@transaction.atomic
def secrets_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every password with the first key of MARKETPLACE_SECRET_KEYS
    (`MultiFernet.rotate`); returns how many were rewritten."""
    done = 0
    ids = list(MarketplaceAccount.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        accounts = list(
            MarketplaceAccount.objects.select_for_update()
            .filter(pk__in=ids[start : start + batch_size])
            .only("pk", "secret_token")
            .order_by("pk")
        )
        for account in accounts:
            account.secret_token = crypto.rotate(account.secret_token)
        MarketplaceAccount.objects.bulk_update(accounts, ["secret_token"])
        done += len(accounts)
    return done
