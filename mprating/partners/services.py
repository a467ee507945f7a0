"""Every write of the partner side: applications «Стать партнёром» (seed 000 «Регистрация
учетной записи ПВЗ (Бизнес инициатор)»), their approval or refusal by an operator, and the
owner's «Выдан» / «Возврат» on lines waiting at their points.

Points, owners and invitations are written by `pickup_points`; statuses only through the
orders gatekeeper `line_status_set`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.inn import normalize_inn
from mprating.accounts.models import User
from mprating.accounts.phones import normalize_phone
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.tasks import enqueue_on_commit
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.services import line_status_set
from mprating.partners.events import sync_point_events
from mprating.partners.models import PartnerApplication, PartnerApplicationChange
from mprating.partners.selectors import at_point_status
from mprating.pickup_points import owners
from mprating.pickup_points import services as points
from mprating.pickup_points.owners import OwnerData
from mprating.pickup_points.services import PointData

Status = PartnerApplication.Status
APPLICATION_NOT_FOUND = "Заявка не найдена."
LINE_NOT_FOUND = "Позиция не найдена среди заказов ваших пунктов выдачи."
RETURN_COMMENT = "Не забран из ПВЗ"
COMMENT_MAX, REASON_MAX = 2000, 1000


@dataclass(frozen=True)
class ApplicationData:
    """What a business tells in «Стать партнёром»."""

    company_name: str
    inn: str
    contact_name: str
    phone: str
    email: str
    point_address: str
    comment: str = ""


def _text(value: str) -> str:
    return " ".join((value or "").split())


def _clean_application(data: ApplicationData) -> ApplicationData:
    company, contact = _text(data.company_name), _text(data.contact_name)
    address, comment = _text(data.point_address), (data.comment or "").strip()
    email = (data.email or "").strip().lower()
    if not company or len(company) > 255:
        raise ApplicationError(
            "company_required",
            "Укажите название компании или ИП (до 255 символов).",
            field="company_name",
        )
    if not contact or len(contact) > 255:
        raise ApplicationError(
            "contact_required",
            "Укажите, как к вам обращаться: фамилия и имя.",
            field="contact_name",
        )
    if len(address) < points.ADDRESS_MIN or len(address) > points.ADDRESS_MAX:
        raise ApplicationError(
            "address_invalid",
            "Укажите адрес пункта полностью: город, улица, дом, помещение.",
            field="point_address",
        )
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long", f"Комментарий не длиннее {COMMENT_MAX} символов.", field="comment"
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            "invalid_email", "Введите e-mail полностью, например ivanov@mail.ru.", field="email"
        ) from None
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as exc:
        raise ApplicationError("invalid_phone", exc.messages[0], field="phone") from None
    try:
        inn = normalize_inn(data.inn)
    except ValidationError as exc:
        raise ApplicationError("invalid_inn", exc.messages[0], field="inn") from None
    return ApplicationData(
        company_name=company,
        inn=inn,
        contact_name=contact,
        phone=phone,
        email=email,
        point_address=address,
        comment=comment,
    )


@transaction.atomic
def application_submit(*, data: ApplicationData, consent_given: bool) -> PartnerApplication:
    """«Стать партнёром»: anyone may apply; the application waits for an operator."""
    if not consent_given:
        raise ApplicationError(
            "consent_required",
            "Без согласия на обработку персональных данных заявку отправить нельзя.",
            field="consent",
        )
    data = _clean_application(data)
    now = timezone.now()
    return PartnerApplication.objects.create(
        company_name=data.company_name,
        inn=data.inn,
        contact_name=data.contact_name,
        phone=data.phone,
        email=data.email,
        point_address=data.point_address,
        comment=data.comment,
        consent_at=now,
        created_at=now,
    )


def _locked_new(application_id: object) -> PartnerApplication:
    try:
        pk = int(application_id)
    except (TypeError, ValueError):
        raise NotFound(APPLICATION_NOT_FOUND) from None
    application = PartnerApplication.objects.select_for_update().filter(pk=pk).first()
    if application is None:
        raise NotFound(APPLICATION_NOT_FOUND)
    if application.status != Status.NEW:
        raise ApplicationError(
            "already_decided",
            f"Заявка уже рассмотрена: «{application.get_status_display()}».",
        )
    return application


def _decide(application: PartnerApplication, status: str, *, by: User, comment: str) -> None:
    now = timezone.now()
    application.status = status
    application.decided_by = by
    application.decided_at = now
    application.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decline_reason",
            "point",
            "owner",
        ]
    )
    history_record(
        PartnerApplicationChange,
        by=by,
        comment=comment,
        at=now,
        application=application,
        status=status,
    )


def split_name(contact_name: str) -> tuple[str, str, str]:
    """«Гусев Олег Николаевич» → (last, first, middle) for the approval form's first guess."""
    parts = _text(contact_name).split(" ")
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], " ".join(parts[2:]).strip()


@transaction.atomic
def application_approve(
    *, application_id: int, by: User, point: PointData, owner: OwnerData
) -> PartnerApplication:
    """Approve «Стать партнёром»: the point, the owner's account (or the existing owner with
    that e-mail gets one more point) and the invitation letter — in one transaction; any
    error (a taken phone, a bad ИНН) leaves everything as it was."""
    application = _locked_new(application_id)
    new_point = points.point_create(data=point, by=by)
    existing = User.objects.filter(email__iexact=(owner.email or "").strip()).first()
    if existing is not None and roles.has_role(existing, roles.PICKUP_POINT_OWNER):
        owners.point_owner_set(
            point_id=new_point.pk,
            owner_id=existing.pk,
            by=by,
            comment=f"По заявке партнёра № {application.pk}",
        )
        user = existing
        if not existing.has_usable_password():
            owners.owner_invitation_send(user_id=existing.pk, by=by, point_id=new_point.pk)
    else:
        user, _ = owners.owner_register(data=owner, by=by, point_id=new_point.pk)
    application.point, application.owner = new_point, user
    _decide(application, Status.APPROVED, by=by, comment=f"Подключён пункт «{new_point.name}»")
    return application


@transaction.atomic
def application_decline(*, application_id: int, by: User, reason: str) -> PartnerApplication:
    """Decline an application; the reason is kept (and can be told to the business)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", "Укажите причину отказа.", field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            "reason_too_long", f"Причина не длиннее {REASON_MAX} символов.", field="reason"
        )
    application = _locked_new(application_id)
    application.decline_reason = reason
    _decide(application, Status.DECLINED, by=by, comment=reason)
    return application


# ---- the owner's «Выдан» and «Возврат» ----------------------------------------------------


def _waiting_line(*, owner: User, line_id: object) -> tuple[OrderLine, OrderStatus]:
    """The line in an order to one of the owner's points, locked; anything else is 404.
    It must be waiting at the point now (not handed out or returned meanwhile)."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        raise NotFound(LINE_NOT_FOUND) from None
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("order__pickup_point")
        .filter(pk=pk, order__pickup_point__owner=owner)
        .first()
    )
    if line is None:
        raise NotFound(LINE_NOT_FOUND)
    status = at_point_status()
    if status is None or line.status_id != status.pk:
        raise ApplicationError(
            "not_waiting",
            f"Позиция {line.brand_name} {line.article} заказа {line.order.number} уже не ждёт "
            "в пункте выдачи. Обновите страницу.",
        )
    return line, status


def _role_status(role: str) -> OrderStatus:
    status = OrderStatus.objects.filter(role=role).first()
    if status is None:
        raise ApplicationError(
            "status_missing",
            f"Не настроен статус «{OrderStatus.Role(role).label}». Сообщите в MP Rating.",
        )
    return status


@transaction.atomic
def line_hand_out(*, owner: User, line_id: int) -> OrderLine:
    """«Выдан»: the client collected the line at the owner's point → «Отгружен»."""
    line, _ = _waiting_line(owner=owner, line_id=line_id)
    shipped = _role_status(OrderStatus.Role.SHIPPED)
    line_status_set(
        line_ids=[line.pk],
        status_id=shipped.pk,
        actor=owner,
        comment=f"Выдан клиенту в ПВЗ «{line.order.pickup_point.name}»",
    )
    enqueue_on_commit(sync_point_events)
    return line


@transaction.atomic
def line_return(*, owner: User, line_id: int) -> OrderLine:
    """«Возврат»: the client did not collect the line; it goes back as a refusal «Не забран
    из ПВЗ» (the reason the client reads in the last column of «Заказы»)."""
    line, _ = _waiting_line(owner=owner, line_id=line_id)
    refused = _role_status(OrderStatus.Role.REFUSED)
    line_status_set(line_ids=[line.pk], status_id=refused.pk, actor=owner, comment=RETURN_COMMENT)
    enqueue_on_commit(sync_point_events)
    return line
