"""«Одобрить» and «Отклонить» a partner application as data: the forms, what each does through
the services, the confirmation page's texts (`core.admin_actions`)."""

import dataclasses

from django import forms
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from mprating.core.admin_actions import AdminAction
from mprating.partners import services
from mprating.partners.models import PartnerApplication
from mprating.pickup_points.admin_forms import OwnerForm
from mprating.pickup_points.services import PointData, owner_label

ROW = "partners/admin/application_row.html"
HEADERS = ("Заявка", "Компания", "Адрес пункта")


class ApproveForm(OwnerForm):
    """The point to connect and its owner, prefilled from the application."""

    point_name = forms.CharField(
        label="Название пункта",
        max_length=200,
        widget=UnfoldAdminTextInputWidget,
        help_text="Как клиенты увидят пункт при оформлении заказа.",
        error_messages={"required": "Укажите название пункта."},
    )
    point_address = forms.CharField(
        label="Адрес пункта",
        max_length=500,
        widget=UnfoldAdminTextInputWidget,
        error_messages={"required": "Укажите адрес пункта."},
    )
    working_hours = forms.CharField(
        label="Часы работы", max_length=200, required=False, widget=UnfoldAdminTextInputWidget
    )
    initial_data: dict = {}

    field_order = ["point_name", "point_address", "working_hours"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", dict(self.initial_data))
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Причина отказа",
        max_length=services.REASON_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Останется в заявке и в её истории.",
        error_messages={"required": "Укажите причину отказа."},
    )


def _approve(*, request, objects, data):
    application = services.application_approve(
        application_id=objects[0].pk,
        by=request.user,
        point=PointData(
            name=data["point_name"],
            address=data["point_address"],
            working_hours=data.get("working_hours", ""),
            phone=data["phone"],
        ),
        owner=OwnerForm.owner_data(data),
    )
    return (
        f"Заявка № {application.pk} одобрена: подключён пункт «{application.point.name}», "
        f"владелец {owner_label(application.owner)}. Приглашение отправлено, если владельцу "
        "ещё нужно задать пароль."
    )


def _decline(*, request, objects, data):
    for application in objects:
        services.application_decline(
            application_id=application.pk, by=request.user, reason=data["reason"]
        )
    return f"Отклонено заявок: {len(objects)}."


APPROVE = AdminAction(
    title="Одобрить заявку партнёра",
    button="Одобрить: подключить пункт и пригласить владельца",
    run=_approve,
    form_class=ApproveForm,
    intro="Будут созданы пункт выдачи (он сразу начнёт предлагаться клиентам) и учётная запись "
    "владельца с ролью «Владельцы ПВЗ», владельцу уйдёт письмо со ссылкой для пароля. Если "
    "владелец с таким e-mail уже есть, пункт закрепится за ним. Проверьте данные: ошибка в "
    "любом поле ничего не создаст.",
    headers=HEADERS,
    row_template=ROW,
    selectable=False,
)
DECLINE = AdminAction(
    title="Отклонить заявки партнёров",
    button="Отклонить",
    run=_decline,
    form_class=DeclineForm,
    headers=HEADERS,
    row_template=ROW,
    choose_error="Отметьте заявки, которые нужно отклонить.",
    empty_message="Среди выбранных нет новых заявок: рассмотренные не меняются.",
)


def approve_action(application: PartnerApplication) -> AdminAction:
    """APPROVE with the form prefilled from this application."""
    last, first, middle = services.split_name(application.contact_name)
    initial = {
        "point_name": f"ПВЗ {application.company_name}"[:200],
        "point_address": application.point_address,
        "last_name": last,
        "first_name": first,
        "middle_name": middle,
        "email": application.email,
        "phone": application.phone_display,
        "company_name": application.company_name,
        "inn": application.inn,
    }
    form_class = type("ApproveForm", (ApproveForm,), {"initial_data": initial})
    return dataclasses.replace(APPROVE, form_class=form_class)
