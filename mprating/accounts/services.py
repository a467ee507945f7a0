"""Every write to users and clients."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mprating.accounts import roles, selectors
from mprating.accounts.models import Client, ClientStatusChange, User
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.models import OutgoingEmail

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
