"""The actions on order lines (seed 000 «Управление заявками»), described once as data for
`core.admin_actions`: «Сменить статус», «Подтвердить отказ», «Отклонить отказ», «Отказать (по
другой причине)», «Комментарий менеджера». Each calls ONE service of `orders.services` for all
the chosen lines — all of them change, or none — and the order's page and the lists of lines
use the same ones."""

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from mprating.core.admin_actions import AdminAction
from mprating.orders import services
from mprating.orders.models import OrderLine, OrderStatus, RefusalState

INTRO = (
    "Отметьте позиции, к которым применить действие. Изменение попадёт в историю движения "
    "позиции с вашим именем и временем."
)
HEADERS = (
    "Заказ",
    "Бренд",
    "Артикул",
    "Наименование",
    "Кол-во",
    "Источник",
    "Статус",
    "Комментарий менеджера",
)
TOO_LONG = f"Не длиннее {services.COMMENT_LINE_MAX} символов."


def _comment(label: str, help_text: str, *, required: str = "", short: bool = False):
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=services.COMMENT_LINE_MAX,
        widget=UnfoldAdminTextInputWidget
        if short
        else UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={"required": required, "max_length": TOO_LONG},
    )


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(
        label="Новый статус",
        queryset=OrderStatus.objects.all(),
        widget=UnfoldAdminSelectWidget,
        empty_label="— выберите —",
        error_messages={"required": "Выберите статус."},
    )
    comment = _comment(
        "Комментарий", "Попадёт в историю движения позиции; клиент увидит его в истории."
    )


class DeclineForm(forms.Form):
    comment = _comment(
        "Почему отказ отклонён",
        "Клиент увидит этот текст в последней колонке таблицы заказов.",
        required="Укажите причину: клиент увидит её в заказе.",
    )


class RefuseForm(forms.Form):
    comment = _comment(
        "Причина отказа",
        "Например: «Нет в наличии у поставщика». Клиент увидит её в заказе.",
        required="Укажите причину отказа.",
    )


class CommentForm(forms.Form):
    comment = _comment(
        "Комментарий менеджера",
        "Последняя колонка таблицы заказов клиента. Пусто — убрать комментарий.",
        short=True,
    )


def _done(done: str, chosen: int, changed: int) -> list[tuple[int, str]]:
    result = [(messages.SUCCESS, done.format(n=changed))]
    if chosen > changed:
        result.append(
            (messages.WARNING, f"Пропущено позиций: {chosen - changed} (уже в этом состоянии).")
        )
    return result


def _ids(objects) -> list[int]:
    return [line.pk for line in objects]


def _set_status(*, request, objects, data):
    changes = services.line_status_set(
        line_ids=_ids(objects),
        status_id=data["status"].pk,
        actor=request.user,
        comment=data.get("comment", ""),
    )
    return _done(
        "Статус изменён у позиций: {n}. Клиентам уйдут уведомления.", len(objects), len(changes)
    )


def _confirm(*, request, objects, data):
    changed = services.line_refusal_confirm(line_ids=_ids(objects), actor=request.user)
    return _done(
        "Отказ подтверждён у позиций: {n}. Клиент увидит «Отказ клиента».", len(objects), changed
    )


def _decline(*, request, objects, data):
    changed = services.line_refusal_decline(
        line_ids=_ids(objects), actor=request.user, comment=data["comment"]
    )
    return _done("Отказ отклонён у позиций: {n}.", len(objects), changed)


def _refuse(*, request, objects, data):
    changed = services.line_refuse(
        line_ids=_ids(objects), actor=request.user, reason=data["comment"]
    )
    return _done("Отказано по позициям: {n}.", len(objects), changed)


def _manager_comment(*, request, objects, data):
    changed = services.line_manager_comment_set_many(
        line_ids=_ids(objects), actor=request.user, comment=data["comment"]
    )
    return _done("Комментарий сохранён у позиций: {n}.", len(objects), changed)


def _action(
    title: str,
    button: str,
    run,
    form_class=forms.Form,
    *,
    empty_message: str = "Нет позиций для этого действия.",
) -> AdminAction:
    return AdminAction(
        title=title,
        button=button,
        run=run,
        form_class=form_class,
        intro=INTRO,
        headers=HEADERS,
        row_template="orders/admin/_action_line_row.html",
        choose_error="Отметьте позиции.",
        empty_message=empty_message,
    )


NO_REQUESTS = "Среди выбранных позиций нет запросов на отказ."

LINE_ACTIONS: dict[str, AdminAction] = {
    "status": _action("Сменить статус позиций", "Сменить статус", _set_status, StatusForm),
    "confirm": _action(
        "Подтвердить отказ клиента", "Подтвердить отказ", _confirm, empty_message=NO_REQUESTS
    ),
    "decline": _action(
        "Отклонить отказ клиента",
        "Отклонить отказ",
        _decline,
        DeclineForm,
        empty_message=NO_REQUESTS,
    ),
    "refuse": _action("Отказать по другой причине", "Отказать", _refuse, RefuseForm),
    "comment": _action(
        "Комментарий менеджера", "Сохранить комментарий", _manager_comment, CommentForm
    ),
}

# Confirming and declining concern only the lines whose client asked to refuse.
_REQUESTED_ONLY = {"confirm", "decline"}


def line_candidates(code: str, lines: QuerySet[OrderLine]) -> QuerySet[OrderLine]:
    """The lines the action `code` may be applied to, with what its page shows."""
    lines = lines.select_related("status", "order")
    if code in _REQUESTED_ONLY:
        lines = lines.filter(refusal_state=RefusalState.REQUESTED)
    return lines
