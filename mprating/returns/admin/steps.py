"""The steps of a return's workflow as back office actions (see the package docstring).

Only returns the step applies to are candidates (`transitions.sources_of`): a second tab that
confirms a step already made finds none and changes nothing."""

from django import forms
from django.contrib import messages
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldBooleanSwitchWidget

from mprating.core.admin_actions import AdminAction
from mprating.returns import services
from mprating.returns.models import ReturnStatus
from mprating.returns.transitions import BY_TARGET

S = ReturnStatus


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=services.COMMENT_MAX,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Попадёт в историю возврата; клиент увидит его в кабинете и в письме.",
        error_messages={"max_length": f"Не длиннее {services.COMMENT_MAX} символов."},
    )


class RejectForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.label = "Причина отказа"
        field.required = True
        field.error_messages["required"] = "Укажите причину: клиент её увидит."


def receive_form(restock: bool | None) -> type[forms.Form]:
    """«Получен на складе» on one return: the «вернуть на склад» checkbox, preset from the
    return; on the list (several returns) each keeps its own setting."""
    if restock is None:
        return CommentForm
    field = forms.BooleanField(
        label="Вернуть на склад",
        required=False,
        initial=restock,
        widget=UnfoldBooleanSwitchWidget,
        help_text="Количество вернётся в остаток предложения (один раз). Выключите для брака.",
    )
    return type("ReceiveForm", (CommentForm,), {"restock": field})


def _run(target: str, done: str):
    def run(*, request, objects, data):
        changes = services.return_status_set(
            return_ids=[obj.pk for obj in objects],
            status=target,
            by=request.user,
            comment=data.get("comment", ""),
            restock=data.get("restock") if "restock" in data else None,
        )
        result = [(messages.SUCCESS, done.format(n=len(changes)))]
        skipped = len(objects) - len(changes)
        if skipped:
            label = S(target).label
            result.append((messages.WARNING, f"Пропущено: {skipped} (уже в статусе «{label}»)."))
        return result

    return run


DONE = {
    S.REVIEW: "Взято на рассмотрение: {n}.",
    S.APPROVED: "Одобрено возвратов: {n}. Клиенты получат письма.",
    S.REJECTED: "Отклонено возвратов: {n}. Клиенты увидят причину.",
    S.RECEIVED: "Получено на складе: {n}.",
    S.REFUNDED: "Деньги возвращены на баланс по возвратам: {n}.",
}
INTRO = {
    S.REVIEW: "Возврат перейдёт в статус «На рассмотрении»: клиент увидит, что им занимаются.",
    S.APPROVED: "Возврат будет одобрен: клиенту придёт письмо, что товар можно передавать.",
    S.REJECTED: "Возврат будет отклонён. Причину клиент увидит в кабинете и в письме.",
    S.RECEIVED: "Товар получен на складе. При «вернуть на склад» количество вернётся в остаток "
    "предложения один раз.",
    S.REFUNDED: "Сумма «к возврату» будет зачислена на баланс клиента — один раз, сколько бы раз "
    "ни нажали кнопку. Вернуть деньги можно только после получения товара на складе.",
}


def _step(target: str, form_class: type[forms.Form] = CommentForm) -> AdminAction:
    [move] = BY_TARGET[target]
    return AdminAction(
        title=f"{move.action}: «{S(target).label}»",
        button=move.action,
        run=_run(target, DONE[target]),
        form_class=form_class,
        intro=INTRO[target],
        headers=("Возврат", "Клиент", "Позиция", "Кол-во", "К возврату", "Статус"),
        row_template="returns/admin/_action_row.html",
        choose_error="Отметьте возвраты.",
        empty_message=f"Нет возвратов, которым можно поставить «{S(target).label}»: у них уже "
        "этот статус или до него ещё не дошло.",
    )


# The detail actions (method names) and the status each one sets.
DETAIL_STEPS = {
    "step_review": S.REVIEW,
    "step_approve": S.APPROVED,
    "step_reject": S.REJECTED,
    "step_receive": S.RECEIVED,
    "step_refund": S.REFUNDED,
}

STEPS = {
    S.REVIEW: _step(S.REVIEW),
    S.APPROVED: _step(S.APPROVED),
    S.REJECTED: _step(S.REJECTED, RejectForm),
    S.RECEIVED: _step(S.RECEIVED),
    S.REFUNDED: _step(S.REFUNDED),
}
