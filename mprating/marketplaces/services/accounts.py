"""Writes of marketplace accounts: create, change, switch off and on (the take, the release,
the periodic refresh and key rotation are in `services.taking`).

Seed 000: «Аккаунты маркетплейсов, управление доступными учетными записями маркетплейсов —
Wildberries, Ozon — Нужна функция войти вручную под этим аккаунтом». Every change is written to
the account's history (`AccountHistory`) with who and when, in the same transaction.

The password («секрет») is accepted as plain text only by `account_create`/`account_update`,
encrypted at once, and given back only by `account_take` as a masked `crypto.Secret`.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
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
