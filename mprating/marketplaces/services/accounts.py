"""Every write of marketplace accounts: create, change, switch on/off, «Войти вручную» (take),
release, the periodic refresh (timed-out takes, ended service lives) and key rotation.

Seed 000: «Аккаунты маркетплейсов, управление доступными учетными записями маркетплейсов —
Wildberries, Ozon — Нужна функция войти вручную под этим аккаунтом». Every change is written to
the account's history (`AccountHistory`) with who and when, in the same transaction.

The password («секрет») is accepted as plain text only by `account_create`/`account_update`,
encrypted at once, and given back only by `account_take` as a masked `crypto.Secret`.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from mprating.accounts.phones import normalize_phone
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.marketplaces import crypto, selectors
from mprating.marketplaces.models import (
    AccountHistory,
    AccountStatus,
    Buyout,
    Marketplace,
    MarketplaceAccount,
)

NAME_MAX = 100
NOTES_MAX = 2000
SECRET_MAX = 256
ACCOUNT_NOT_FOUND = "Аккаунт маркетплейса не найден."
Event = AccountHistory.Event


def _date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def normalize_login(raw: str) -> str:
    """A phone becomes +79161234567, an e-mail lower case; anything else is refused."""
    text = (raw or "").strip()
    if not text:
        raise ApplicationError(
            "login_required", "Укажите логин: телефон или e-mail.", field="login"
        )
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ApplicationError(
                "login_invalid", "E-mail указан с ошибкой.", field="login"
            ) from None
        return text.lower()
    try:
        return normalize_phone(text)
    except ValidationError:
        raise ApplicationError(
            "login_invalid",
            "Логин — телефон (например +7 916 123-45-67) или e-mail.",
            field="login",
        ) from None


@dataclass(frozen=True)
class AccountFields:
    marketplace: str
    name: str
    login: str
    service_until: date
    notes: str


def account_clean(
    *,
    marketplace: str,
    name: str,
    login: str,
    service_until: date | None,
    notes: str = "",
    account_id: int | None = None,
) -> AccountFields:
    """The account's fields checked the same way for the admin form and the services."""
    if marketplace not in Marketplace.values:
        raise ApplicationError("marketplace_invalid", "Выберите маркетплейс.", field="marketplace")
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError("name_required", "Укажите название аккаунта.", field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(
            "name_too_long", f"Название не длиннее {NAME_MAX} символов.", field="name"
        )
    login = normalize_login(login)
    clash = (
        MarketplaceAccount.objects.filter(marketplace=marketplace, login=login)
        .exclude(pk=account_id or 0)
        .first()
    )
    if clash is not None:
        raise ApplicationError(
            "login_taken",
            f"Аккаунт {clash.get_marketplace_display()} с этим логином уже есть: «{clash.name}».",
            field="login",
        )
    if (
        account_id is not None
        and Buyout.objects.filter(account_id=account_id)
        .exclude(account__marketplace=marketplace)
        .exists()
    ):
        raise ApplicationError(
            "marketplace_locked",
            "У аккаунта уже есть выкупы: маркетплейс изменить нельзя. Добавьте новый аккаунт.",
            field="marketplace",
        )
    if service_until is None:
        raise ApplicationError(
            "service_until_required",
            "Укажите, до какого дня служит аккаунт.",
            field="service_until",
        )
    if account_id is None and service_until < timezone.localdate():
        raise ApplicationError(
            "service_until_past",
            "Срок службы уже прошёл: укажите сегодняшнюю или будущую дату.",
            field="service_until",
        )
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ApplicationError(
            "notes_too_long", f"Заметки не длиннее {NOTES_MAX} символов.", field="notes"
        )
    return AccountFields(marketplace, name, login, service_until, notes)


@sensitive_variables()
def _clean_secret(secret: str, *, required: bool) -> str:
    if not secret:
        if required:
            raise ApplicationError(
                "secret_required", "Укажите пароль аккаунта на маркетплейсе.", field="secret"
            )
        return ""
    if len(secret) > SECRET_MAX:
        raise ApplicationError(
            "secret_too_long", f"Пароль не длиннее {SECRET_MAX} символов.", field="secret"
        )
    return secret


def _locked(account_id: object) -> MarketplaceAccount:
    """The account, locked, with its effective status (`effective_status`)."""
    try:
        pk = int(account_id)
    except (TypeError, ValueError):
        raise NotFound(ACCOUNT_NOT_FOUND) from None
    account = (
        selectors.with_status(MarketplaceAccount.objects.select_for_update(), selectors.clock())
        .filter(pk=pk)
        .first()
    )
    if account is None:
        raise NotFound(ACCOUNT_NOT_FOUND)
    return account


def _save_unique(account: MarketplaceAccount, **kwargs) -> None:
    try:
        with transaction.atomic():
            account.save(**kwargs)
    except IntegrityError:
        # Another operator saved the same login between our check and our write.
        raise ApplicationError(
            "login_taken", "Аккаунт с этим логином уже есть.", field="login"
        ) from None


@sensitive_variables()  # outermost: every frame under it is cleansed in error reports
@transaction.atomic
def account_create(
    *,
    marketplace: str,
    name: str,
    login: str,
    secret: str,
    service_until: date | None,
    notes: str = "",
    actor,
) -> MarketplaceAccount:
    """Add an account; the password is stored encrypted, never in the history."""
    fields = account_clean(
        marketplace=marketplace, name=name, login=login, service_until=service_until, notes=notes
    )
    secret = _clean_secret(secret, required=True)
    account = MarketplaceAccount(
        marketplace=fields.marketplace,
        name=fields.name,
        login=fields.login,
        secret_token=crypto.encrypt(secret),
        service_until=fields.service_until,
        notes=fields.notes,
    )
    _save_unique(account)
    history_record(
        AccountHistory,
        by=actor,
        account=account,
        event=Event.CREATED,
        comment=f"Срок службы до {_date(fields.service_until)} включительно.",
    )
    return account


FIELD_LABELS = {
    "marketplace": "маркетплейс",
    "name": "название",
    "login": "логин",
    "service_until": "срок службы",
    "notes": "заметки",
}


@sensitive_variables()  # outermost: every frame under it is cleansed in error reports
@transaction.atomic
def account_update(
    *,
    account_id: int,
    marketplace: str,
    name: str,
    login: str,
    service_until: date | None,
    notes: str = "",
    secret: str = "",
    actor,
) -> MarketplaceAccount:
    """Change an account. An empty `secret` keeps the password («оставьте пустым, чтобы не
    менять»). The marketplace of an account with buyouts never changes."""
    account = _locked(account_id)
    fields = account_clean(
        marketplace=marketplace,
        name=name,
        login=login,
        service_until=service_until,
        notes=notes,
        account_id=account.pk,
    )
    secret = _clean_secret(secret, required=False)
    changed = [
        label
        for attr, label in FIELD_LABELS.items()
        if getattr(fields, attr) != getattr(account, attr)
    ]
    old_until = account.service_until
    for attr in FIELD_LABELS:
        setattr(account, attr, getattr(fields, attr))
    update_fields = list(FIELD_LABELS)
    if secret:
        account.secret_token = crypto.encrypt(secret)
        update_fields.append("secret_token")
    if not changed and not secret:
        return account
    _save_unique(account, update_fields=update_fields)
    if changed:
        comment = "Изменено: " + ", ".join(changed) + "."
        if old_until != fields.service_until:
            comment += (
                f" Срок службы: {_date(old_until)} → {_date(fields.service_until)} включительно."
            )
        history_record(
            AccountHistory, by=actor, account=account, event=Event.CHANGED, comment=comment
        )
    if secret:
        history_record(AccountHistory, by=actor, account=account, event=Event.SECRET_CHANGED)
    return account


def _held_by_message(account: MarketplaceAccount) -> str:
    since = timezone.localtime(account.taken_at).strftime("%d.%m.%Y %H:%M")
    return f"Аккаунт «{account.name}» уже занят: его взял(а) {_person(account.taken_by)} в {since}."


@transaction.atomic
def account_deactivate(*, account_id: int, actor, reason: str) -> MarketplaceAccount:
    """«Неактивен» by hand (blocked by the marketplace, lost…): nobody can take it."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError("reason_required", "Укажите причину.", field="reason")
    account = _locked(account_id)
    if account.status == AccountStatus.INACTIVE:
        return account
    if account.effective_status == AccountStatus.BUSY:
        raise ApplicationError(
            "account_busy", _held_by_message(account) + " Сначала его нужно освободить."
        )
    account.status = AccountStatus.INACTIVE
    account.taken_by = account.taken_at = None
    account.save(update_fields=["status", "taken_by", "taken_at"])
    history_record(
        AccountHistory, by=actor, account=account, event=Event.DEACTIVATED, comment=reason
    )
    return account


@transaction.atomic
def account_activate(*, account_id: int, actor) -> MarketplaceAccount:
    """Back to «Активен» after a manual switch-off; not past the end of the service life."""
    account = _locked(account_id)
    if account.status != AccountStatus.INACTIVE:
        return account
    if account.service_until < timezone.localdate():
        raise ApplicationError(
            "service_life_ended",
            f"Срок службы аккаунта закончился {_date(account.service_until)}: продлите срок "
            "службы, и аккаунт снова станет активным.",
        )
    account.status = AccountStatus.ACTIVE
    account.save(update_fields=["status"])
    history_record(AccountHistory, by=actor, account=account, event=Event.ACTIVATED)
    return account


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
