"""The pickup points' back office steps as data: «Отключить», «Включить», «Зарегистрировать
владельца», «Сменить владельца», «Отправить приглашение ещё раз» — forms, what each does
through the services, and its confirmation page's texts (`core.admin_actions`)."""

from django import forms
from django.contrib import messages
from django.utils import timezone
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from mprating.core.admin_actions import AdminAction
from mprating.core.errors import ApplicationError
from mprating.pickup_points import owners, services
from mprating.pickup_points.admin_forms import OwnerForm

ROW = "pickup_points/admin/point_row.html"
HEADERS = ("Пункт выдачи", "Адрес", "Владелец")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=services.REASON_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Останется в истории пункта.",
        error_messages={"required": "Укажите причину отключения: она останется в истории."},
    )


class CommentForm(forms.Form):
    reason = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=services.REASON_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text="Необязательно; останется в истории пункта.",
    )


class ChangeOwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="Новый владелец",
        queryset=owners.owners_choices(),
        required=False,
        empty_label="— без владельца —",
        widget=UnfoldAdminSelectWidget,
        help_text="Пользователи с ролью «Владельцы ПВЗ». Нового владельца сначала "
        "зарегистрируйте действием «Зарегистрировать владельца».",
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=1000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = owner_choice_label


def owner_choice_label(user) -> str:
    business = getattr(user, "pickup_point_owner", None)
    suffix = f" — {business.company_name}" if business else ""
    return f"{services.owner_label(user)}{suffix}"


def _set_active(active: bool):
    def run(*, request, objects, data):
        done, skipped = services.points_set_active(
            point_ids=[point.pk for point in objects],
            active=active,
            by=request.user,
            reason=data.get("reason", ""),
        )
        verb = "Включены" if active else "Отключены"
        result = [(messages.SUCCESS, f"{verb} пункты выдачи: {', '.join(done)}.")] if done else []
        if skipped:
            state = "уже работали" if active else "уже были отключены"
            result.append((messages.WARNING, f"Пропущены ({state}): {', '.join(skipped)}."))
        return result

    return run


DISABLE = AdminAction(
    title="Отключить пункты выдачи",
    button="Отключить",
    run=_set_active(False),
    form_class=ReasonForm,
    intro="Отключённый пункт не предлагается при оформлении заказа. Заказы, уже оформленные в "
    "него, сохраняют его: их позиции по-прежнему можно выдать. Включить пункт можно в любой "
    "момент.",
    headers=HEADERS,
    row_template=ROW,
    choose_error="Отметьте пункты, которые нужно отключить.",
    empty_message="Все выбранные пункты уже отключены.",
)
ENABLE = AdminAction(
    title="Включить пункты выдачи",
    button="Включить",
    run=_set_active(True),
    form_class=CommentForm,
    intro="Пункт снова будет предлагаться клиентам при оформлении заказа.",
    headers=HEADERS,
    row_template=ROW,
    choose_error="Отметьте пункты, которые нужно включить.",
    empty_message="Все выбранные пункты уже работают.",
)


def _register_owner(*, request, objects, data):
    point = objects[0]
    user, invitation = owners.owner_register(
        data=OwnerForm.owner_data(data), by=request.user, point_id=point.pk
    )
    return (
        f"Владелец {services.owner_label(user)} зарегистрирован и закреплён за пунктом "
        f"«{point.name}». Письмо со ссылкой для пароля отправлено; ссылка действует до "
        f"{moment(invitation.expires_at)}."
    )


def _change_owner(*, request, objects, data):
    point = objects[0]
    owner = data.get("owner")
    owners.point_owner_set(
        point_id=point.pk,
        owner_id=owner.pk if owner else None,
        by=request.user,
        comment=data.get("comment", ""),
    )
    return f"Владелец пункта «{point.name}»: {services.owner_label(owner)}."


def _resend(*, request, objects, data):
    point = objects[0]
    if point.owner_id is None:
        raise ApplicationError("no_owner", "У пункта нет владельца: некого приглашать.")
    invitation = owners.owner_invitation_send(
        user_id=point.owner_id, by=request.user, point_id=point.pk
    )
    return (
        f"Новое приглашение отправлено на {invitation.user.email}; прежние ссылки больше не "
        f"действуют. Новая действует до {moment(invitation.expires_at)}."
    )


def moment(value) -> str:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Moscow time."""
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


REGISTER_OWNER = AdminAction(
    title="Зарегистрировать владельца пункта",
    button="Зарегистрировать и отправить приглашение",
    run=_register_owner,
    form_class=OwnerForm,
    intro="Будет создана учётная запись владельца без пароля, владелец получит письмо со "
    "ссылкой, по которой задаст пароль и войдёт в кабинет партнёра. Ссылка одноразовая и "
    "действует ограниченное время.",
    headers=HEADERS,
    row_template=ROW,
    selectable=False,
)
CHANGE_OWNER = AdminAction(
    title="Сменить владельца пункта",
    button="Сменить владельца",
    run=_change_owner,
    form_class=ChangeOwnerForm,
    intro="Прежний владелец сразу перестанет видеть пункт и его заказы в кабинете партнёра; "
    "в истории пункта останется, кто владел им раньше.",
    headers=HEADERS,
    row_template=ROW,
    selectable=False,
)
RESEND_INVITATION = AdminAction(
    title="Отправить приглашение ещё раз",
    button="Отправить новое приглашение",
    run=_resend,
    intro="Владелец получит новое письмо со ссылкой для пароля; ссылки из прежних писем "
    "перестанут действовать.",
    headers=HEADERS,
    row_template=ROW,
    selectable=False,
)
