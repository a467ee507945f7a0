"""Every write to users and clients."""

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mprating.accounts import roles, selectors
from mprating.accounts.models import ApiToken, Client, ClientStatusChange, User
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.models import OutgoingEmail
from mprating.core.text import count_ru

EMAIL_TAKEN = "Пользователь с таким e-mail уже зарегистрирован. Войдите или восстановите пароль."
PHONE_TAKEN = "Этот номер телефона уже указан у другого пользователя."


@dataclass(frozen=True)
class PersonalData:
    """What a client tells about themselves at registration and in «Личная информация».

    E-mail is lower-cased, phone in E.164 and ИНН validated by the form layer.
    """

    last_name: str
    first_name: str
    middle_name: str
    email: str
    phone: str
    company_name: str = ""
    inn: str = ""


def _check_login_free(*, email: str, phone: str, exclude_user_id: int | None = None) -> None:
    others = User.objects.exclude(pk=exclude_user_id) if exclude_user_id else User.objects.all()
    if others.filter(email__iexact=email).exists():
        raise ApplicationError("email_taken", EMAIL_TAKEN, field="email")
    if others.filter(phone=phone).exists():
        raise ApplicationError("phone_taken", PHONE_TAKEN, field="phone")


@transaction.atomic
def client_register(*, data: PersonalData, password: str, consent_given: bool) -> Client:
    """Create a user with the client role and their `Client` profile."""
    if not consent_given:
        raise ApplicationError(
            "consent_required",
            "Без согласия на обработку персональных данных зарегистрироваться нельзя.",
            field="consent",
        )
    _check_login_free(email=data.email, phone=data.phone)
    try:
        # A savepoint, so that a race lost on the unique constraints leaves the
        # outer transaction usable for the error path.
        with transaction.atomic():
            user = User.objects.create_user(
                email=data.email,
                password=password,
                phone=data.phone,
                last_name=data.last_name,
                first_name=data.first_name,
                middle_name=data.middle_name,
            )
    except IntegrityError as exc:
        raise ApplicationError("email_taken", EMAIL_TAKEN, field="email") from exc
    user.groups.add(Group.objects.get(name=roles.CLIENT))
    now = timezone.now()
    return Client.objects.create(
        user=user,
        company_name=data.company_name,
        inn=data.inn,
        personal_data_consent_at=now,
        created_at=now,
    )


@transaction.atomic
def client_update_personal_data(*, client: Client, data: PersonalData) -> Client:
    user = User.objects.select_for_update().get(pk=client.user_id)
    _check_login_free(email=data.email, phone=data.phone, exclude_user_id=user.pk)
    user.last_name = data.last_name
    user.first_name = data.first_name
    user.middle_name = data.middle_name
    user.email = data.email
    user.phone = data.phone
    user.save(update_fields=["last_name", "first_name", "middle_name", "email", "phone"])
    client.company_name = data.company_name
    client.inn = data.inn
    client.save(update_fields=["company_name", "inn"])
    client.user = user
    return client


@transaction.atomic
def client_update_search_settings(
    *, client: Client, markup_percent: Decimal, cross_scheme: int
) -> Client:
    """Seed 004: «Индивидуальная наценка» and «Схема кросс-связей» (used by search)."""
    if not Decimal("0") <= markup_percent <= Decimal("100"):
        raise ApplicationError(
            "markup_out_of_range",
            "Наценка должна быть от 0 до 100 %.",
            field="markup_percent",
        )
    if cross_scheme not in (1, 2, 3):
        raise ApplicationError(
            "cross_scheme_invalid", "Выберите схему 1, 2 или 3.", field="cross_scheme"
        )
    client.markup_percent = markup_percent.quantize(Decimal("0.01"))
    client.cross_scheme = cross_scheme
    client.save(update_fields=["markup_percent", "cross_scheme"])
    return client


@transaction.atomic
def client_set_active(*, client_id: int, active: bool, reason: str, actor: User) -> Client:
    """Seed 000: «Управлять статусом пользователя: активен или нет, возможно нужно прекратить
    чей-то доступ к сервису».

    A deactivated client cannot log in, and the session they have stops working on its next
    request (the auth backend refuses inactive users). The change is recorded with who, when
    and why.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", "Укажите причину.", field="reason")
    client = Client.objects.select_related("user").filter(pk=client_id).first()
    if client is None:
        raise NotFound("Клиент не найден.")
    user = User.objects.select_for_update().get(pk=client.user_id)
    if user.is_active == active:
        state = "уже активен" if active else "уже заблокирован"
        raise ApplicationError("status_unchanged", f"Клиент {user} {state}.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    history_record(ClientStatusChange, by=actor, comment=reason, client=client, is_active=active)
    client.user = user
    return client


@transaction.atomic
def password_reset_email_enqueue(*, user: User) -> OutgoingEmail:
    """Queue the letter with a one-time link for a new password (sent after commit, retried).

    The token is Django's: it stops working once the password changes or the user logs in,
    and after `PASSWORD_RESET_TIMEOUT`. The letter is marked sensitive: the back office never
    shows its text and the text is erased once sent.
    """
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return outbox.email_enqueue_rendered(
        kind="password_reset",
        to=[user.email],
        template_base="emails/password_reset",
        context={"user": user, "reset_url": f"{settings.SITE_URL}{path}"},
        ref=outbox.ref_for(user),
        sensitive=True,
    )


@transaction.atomic
def password_reset_request(*, email: str) -> int:
    """«Забыли пароль?» for the address a person typed: the reset letter to every user it
    belongs to (`selectors.users_for_password_reset`); an unknown address gets nothing. How
    many letters were queued.

    Runs in the background (`accounts.tasks.password_reset_send`), never in the request: the
    form's answer then does the same work for a known and an unknown address (one queued
    task), so its timing does not tell whether someone has an account (issue 12). A second
    run queues a second letter, as a second request would; both links work.
    """
    users = selectors.users_for_password_reset(email=email)
    for user in users:
        password_reset_email_enqueue(user=user)
    return len(users)


OWNER_EMAIL_TAKEN = (
    "Пользователь с таким e-mail уже есть. Выберите его владельцем в «Сменить владельца» "
    "или укажите другой e-mail."
)
OWNER_PHONE_TAKEN = "Этот номер телефона уже указан у другого пользователя."


@transaction.atomic
def pickup_point_owner_user_create(
    *, last_name: str, first_name: str, middle_name: str, email: str, phone: str
) -> User:
    """The login of a partner pickup point's owner (seed 000 «Регистрация учетной записи ПВЗ
    (Бизнес инициатор)»), made by an operator.

    The account has the role «Владельцы ПВЗ», is not staff and has no usable password: the
    owner chooses one through the invitation link. E-mail is lower-cased, phone in E.164
    (the caller's form normalises both).
    """
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("email_taken", OWNER_EMAIL_TAKEN, field="email")
    if phone and User.objects.filter(phone=phone).exists():
        raise ApplicationError("phone_taken", OWNER_PHONE_TAKEN, field="phone")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,
                phone=phone or None,
                last_name=last_name,
                first_name=first_name,
                middle_name=middle_name,
            )
    except IntegrityError as exc:
        raise ApplicationError("email_taken", OWNER_EMAIL_TAKEN, field="email") from exc
    user.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    return user


# ---- Personal API tokens (issue 12 «Client API with personal tokens») ----------------------

API_TOKEN_SCHEME = "mpr"  # nosec B105 — the tokens' visible scheme, not a secret
API_TOKEN_PREFIX_LENGTH = 8
_PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_SECRET_BYTES = 32
_DIGEST_SALT = "mprating.accounts.ApiToken"
API_TOKEN_NAME_MAX = 100


@dataclass(frozen=True)
class IssuedApiToken:
    """A token just created: the row, and the token itself — the only time it exists in
    plain text (the page shows it once; nothing keeps it)."""

    token: ApiToken
    plain: str


def api_token_digest(plain: str, *, secret: str | None = None) -> str:
    """HMAC-SHA256 of the whole token under a key derived from `SECRET_KEY` (or `secret`)."""
    return salted_hmac(_DIGEST_SALT, plain, secret=secret, algorithm="sha256").hexdigest()


def _api_token_prefix(plain: str) -> str | None:
    """The prefix of `mpr_<prefix>_<secret>`, or None when the text is not shaped so."""
    scheme, _, rest = plain.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != API_TOKEN_SCHEME or len(prefix) != API_TOKEN_PREFIX_LENGTH or not secret:
        return None
    if any(char not in _PREFIX_CHARS for char in prefix):
        return None
    return prefix


def api_tokens_active_q(now: datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@transaction.atomic
def api_token_create(*, client: Client, name: str, expires_at: datetime | None) -> IssuedApiToken:
    """A new token for `client`, named by them, working until `expires_at` (None: until
    revoked). The caller has already re-checked the client's password.

    A client holds at most `API_TOKENS_PER_CLIENT` working tokens: one per program or script
    that calls the API, and an old one is revoked before a new one is made.
    """
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(
            "name_required", "Назовите токен, например «Учёт на складе».", field="name"
        )
    if len(name) > API_TOKEN_NAME_MAX:
        raise ApplicationError(
            "name_too_long",
            f"Название — не длиннее {API_TOKEN_NAME_MAX} символов.",
            field="name",
        )
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ApplicationError(
            "expiry_in_past", "Срок действия должен закончиться в будущем.", field="expires_on"
        )
    # The client's row is the lock that makes «count, then create» one step for two tabs.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    limit = settings.API_TOKENS_PER_CLIENT
    active = ApiToken.objects.filter(api_tokens_active_q(now), client=client).count()
    if active >= limit:
        held = count_ru(active, "действующий токен", "действующих токена", "действующих токенов")
        raise ApplicationError(
            "api_tokens_limit",
            f"У вас уже {held}: больше {limit} не бывает. Отзовите ненужный токен и создайте "
            "новый.",
        )
    for _attempt in range(5):
        prefix = get_random_string(API_TOKEN_PREFIX_LENGTH, _PREFIX_CHARS)
        plain = f"{API_TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        try:
            # A savepoint: a prefix taken a moment ago (36⁸ of them) is drawn again.
            with transaction.atomic():
                token = ApiToken.objects.create(
                    client=client,
                    name=name,
                    prefix=prefix,
                    digest=api_token_digest(plain),
                    created_at=now,
                    expires_at=expires_at,
                )
        except IntegrityError:
            continue
        return IssuedApiToken(token=token, plain=plain)
    raise RuntimeError("No free API token prefix after 5 draws")


@transaction.atomic
def api_token_revoke(*, client: Client, token_id: int) -> ApiToken:
    """The client revokes one of their tokens: it stops working at once. Another client's
    token (or none) is `NotFound`; revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, client=client).first()
    if token is None:
        raise NotFound("Токен не найден.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = client.user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


@transaction.atomic
def api_tokens_revoke_by_staff(*, token_ids: list[int], actor: User) -> int:
    """The back office revokes tokens (a leaked one, a client who asked by phone); who did it
    and when stay on the token. How many were working and now are not."""
    return ApiToken.objects.filter(pk__in=token_ids, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


def _digest_key(plain: str, digest: str) -> str | None:
    """Which key made `digest` of `plain`: `SECRET_KEY`, one of `SECRET_KEY_FALLBACKS` (a key
    being rotated out), or None. Compared in constant time."""
    for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if constant_time_compare(api_token_digest(plain, secret=key), digest):
            return key
    return None


def _ip_or_none(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def api_token_authenticate(*, plain: str, ip: str | None) -> ApiToken | None:
    """The working token that `plain` is (with its client and user loaded), or None: unknown,
    wrong secret, revoked, expired, or its client's access is switched off.

    Use is recorded (time and IP address) at most once per `API_TOKEN_TOUCH_SECONDS`, by one
    conditional UPDATE, so a busy script does not write on every request; a token whose hash
    was made under a retired key gets the current key's hash in the same UPDATE.
    """
    plain = plain.strip()
    prefix = _api_token_prefix(plain)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("client__user").filter(prefix=prefix).first()
    if token is None:
        return None
    key = _digest_key(plain, token.digest)
    if key is None:
        return None
    now = timezone.now()
    if not token.is_active_at(now) or not token.client.user.is_active:
        return None
    changes: dict = {}
    interval = timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= interval:
        changes = {"last_used_at": now, "last_used_ip": _ip_or_none(ip)}
    if key != settings.SECRET_KEY:
        changes["digest"] = api_token_digest(plain)
    if changes:
        # Conditional, so that requests racing in several processes write once per interval.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - interval)
        if "digest" in changes:
            stale = Q()
        ApiToken.objects.filter(stale, pk=token.pk).update(**changes)
        for field, value in changes.items():
            setattr(token, field, value)
    return token
