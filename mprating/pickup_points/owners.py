"""Owners of partner points and their invitations: seed 000 «Управлять владельцем
партнёрского ПВЗ» and «Регистрация учетной записи ПВЗ (Бизнес инициатор)».

The operator registers the owner's account (no password), the owner gets a letter with a
one-time link and chooses a password on the partner area's page. The token is random, only
its SHA-256 is stored; it expires after `settings.PARTNER_INVITATION_HOURS`, works once, and
a new invitation revokes the open ones. The letter goes through the one mail outbox.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.inn import normalize_inn
from mprating.accounts.models import User
from mprating.accounts.phones import normalize_phone
from mprating.accounts.services import pickup_point_owner_user_create
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.outbox import email_enqueue_rendered, ref_for
from mprating.pickup_points.models import (
    OwnerInvitation,
    PickupPoint,
    PickupPointChange,
    PickupPointOwner,
)
from mprating.pickup_points.services import lock_point, owner_label, record

Action = PickupPointChange.Action
# The password page lives in the partner area (a higher app): named, never imported.
INVITATION_URL_NAME = "partners:invitation"
OWNER_NOT_FOUND = "Владелец ПВЗ не найден."

INVITATION_INVALID = (
    "Ссылка приглашения недействительна. Проверьте, что она скопирована целиком, или "
    "попросите сотрудника MP Rating прислать новое приглашение."
)
INVITATION_USED = "По этой ссылке пароль уже задан. Войдите с ним или восстановите пароль."
INVITATION_REVOKED = (
    "Это приглашение заменено новым: откройте ссылку из последнего письма MP Rating."
)
INVITATION_EXPIRED = (
    "Срок действия приглашения истёк. Попросите сотрудника MP Rating прислать новое."
)


@dataclass(frozen=True)
class OwnerData:
    """What the operator types about a new owner: the person and the business."""

    last_name: str
    first_name: str
    middle_name: str
    email: str
    phone: str
    company_name: str
    inn: str


def owner_data_clean(data: OwnerData) -> OwnerData:
    """The owner's data checked and tidied (phone in E.164, ИНН checked), or ApplicationError."""
    last, first = " ".join(data.last_name.split()), " ".join(data.first_name.split())
    middle, company = " ".join(data.middle_name.split()), " ".join(data.company_name.split())
    email = (data.email or "").strip().lower()
    if not last:
        raise ApplicationError("last_name_required", "Укажите фамилию.", field="last_name")
    if not first:
        raise ApplicationError("first_name_required", "Укажите имя.", field="first_name")
    if max(len(last), len(first), len(middle)) > 100:
        raise ApplicationError("name_too_long", "ФИО: не длиннее 100 символов каждое поле.")
    if "@" not in email or len(email) > 254:
        raise ApplicationError(
            "invalid_email", "Введите e-mail полностью, например ivanov@mail.ru.", field="email"
        )
    if not company:
        raise ApplicationError(
            "company_required", "Укажите компанию или ИП владельца.", field="company_name"
        )
    if len(company) > 255:
        raise ApplicationError(
            "company_too_long", "Название компании не длиннее 255 символов.", field="company_name"
        )
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as exc:
        raise ApplicationError("invalid_phone", exc.messages[0], field="phone") from None
    try:
        inn = normalize_inn(data.inn)
    except ValidationError as exc:
        raise ApplicationError("invalid_inn", exc.messages[0], field="inn") from None
    return OwnerData(
        last_name=last,
        first_name=first,
        middle_name=middle,
        email=email,
        phone=phone,
        company_name=company,
        inn=inn,
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def owners_choices():
    """Users with the role «Владельцы ПВЗ», for the «Сменить владельца» select."""
    return (
        User.objects.filter(groups__name=roles.PICKUP_POINT_OWNER, is_active=True)
        .select_related("pickup_point_owner")
        .order_by("last_name", "first_name", "email")
    )


def _owner_user(owner_id: object) -> User:
    try:
        pk = int(owner_id)
    except (TypeError, ValueError):
        raise NotFound(OWNER_NOT_FOUND) from None
    user = owners_choices().filter(pk=pk).first()
    if user is None:
        raise ApplicationError(
            "not_an_owner",
            "Владельцем пункта можно сделать только активного пользователя с ролью «Владельцы "
            "ПВЗ». Зарегистрируйте нового владельца.",
            field="owner",
        )
    return user


@transaction.atomic
def point_owner_set(
    *, point_id: int, owner_id: int | None, by: User | None, comment: str = ""
) -> PickupPoint:
    """«Управлять владельцем партнёрского ПВЗ»: give the point to another owner (or to none).

    The previous owner loses the point in the partner area at once; the history keeps who
    owned it before.
    """
    point = lock_point(point_id)
    owner = _owner_user(owner_id) if owner_id not in (None, "") else None
    if point.owner_id == (owner.pk if owner else None):
        raise ApplicationError(
            "owner_unchanged", "Этот владелец уже указан у пункта.", field="owner"
        )
    before = point.owner
    point.owner = owner
    point.save(update_fields=["owner"])
    record(
        point,
        Action.OWNER_CHANGED,
        by=by,
        comment=comment,
        details=f"Владелец: {owner_label(before)} → {owner_label(owner)}",
    )
    return point


@transaction.atomic
def owner_register(
    *, data: OwnerData, by: User | None, point_id: int | None = None
) -> tuple[User, OwnerInvitation]:
    """Seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)»: the owner's account with
    the role «Владельцы ПВЗ» and no usable password, the business (company, ИНН checked),
    optionally the point it runs, and the invitation letter — all or nothing."""
    data = owner_data_clean(data)
    user = pickup_point_owner_user_create(
        last_name=data.last_name,
        first_name=data.first_name,
        middle_name=data.middle_name,
        email=data.email,
        phone=data.phone,
    )
    PickupPointOwner.objects.create(user=user, company_name=data.company_name, inn=data.inn)
    if point_id is not None:
        point_owner_set(point_id=point_id, owner_id=user.pk, by=by, comment="Новый владелец")
    invitation = owner_invitation_send(user_id=user.pk, by=by, point_id=point_id)
    return user, invitation


@transaction.atomic
def owner_invitation_send(
    *, user_id: int, by: User | None, point_id: int | None = None
) -> OwnerInvitation:
    """A new invitation for the owner (first or again): the open ones are revoked, the letter
    is queued in this transaction. An owner who has already chosen a password signs in
    normally (and may restore a forgotten one), so no invitation is sent to them."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or not roles.has_role(user, roles.PICKUP_POINT_OWNER):
        raise NotFound(OWNER_NOT_FOUND)
    if user.has_usable_password():
        raise ApplicationError(
            "owner_has_password",
            "Владелец уже задал пароль и входит сам. Если он его забыл — ссылка «Забыли "
            "пароль?» на странице входа.",
        )
    if not user.is_active:
        raise ApplicationError("owner_inactive", "Учётная запись владельца отключена.")
    now = timezone.now()
    OwnerInvitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = OwnerInvitation.objects.create(
        user=user,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.PARTNER_INVITATION_HOURS),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if point_id is not None:
        point = PickupPoint.objects.get(pk=point_id)
        record(point, Action.INVITATION_SENT, by=by, details=f"Кому: {user.email}")
    _send_invitation(invitation=invitation, token=token)
    return invitation


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse(INVITATION_URL_NAME, kwargs={'token': token})}"


def _send_invitation(*, invitation: OwnerInvitation, token: str) -> None:
    """The one place the invitation letter is written: through the one outbox, in this
    transaction; `sensitive`, as it holds a login link (the back office never shows its text
    and it is erased once sent)."""
    user = invitation.user
    points = list(PickupPoint.objects.filter(owner=user).values_list("name", flat=True))
    email_enqueue_rendered(
        kind="pvz_invitation",
        to=user.email,
        template_base="pickup_points/emails/invitation",
        context={
            "name": user.get_short_name(),
            "url": invitation_url(token),
            "expires": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y %H:%M"),
            "points": points,
            "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}",
        },
        ref=ref_for(invitation),
        sensitive=True,
    )


def _invitation(token: str, *, lock: bool) -> OwnerInvitation:
    if not token or len(token) > 200:
        raise ApplicationError("invitation_invalid", INVITATION_INVALID)
    queryset = OwnerInvitation.objects.select_related("user")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.user.is_active:
        raise ApplicationError("invitation_invalid", INVITATION_INVALID)
    if invitation.used_at is not None:
        raise ApplicationError("invitation_used", INVITATION_USED)
    if invitation.revoked_at is not None:
        raise ApplicationError("invitation_revoked", INVITATION_REVOKED)
    if invitation.expires_at <= timezone.now():
        raise ApplicationError("invitation_expired", INVITATION_EXPIRED)
    return invitation


def owner_invitation_check(*, token: str) -> OwnerInvitation:
    """The open invitation of this link, or ApplicationError saying why not (a read)."""
    return _invitation(token, lock=False)


@transaction.atomic
def owner_invitation_accept(*, token: str, password: str) -> User:
    """The owner chooses a password through the link: checked by the project's password
    validators, the invitation is spent. Returns the user (the page logs them in)."""
    invitation = _invitation(token, lock=True)
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise ApplicationError("invalid_password", message, field="password1") from None
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user
