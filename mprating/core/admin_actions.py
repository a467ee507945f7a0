"""The one back office action helper: a confirmation page, a form, one service call, a message.

Every action a manager or operator runs in the back office — on rows picked in a changelist
(bulk) or on one object's page (django-unfold `actions_detail`) — goes through
`admin_action_view`, so they all behave alike (DESIGN.md §5):

- nothing changes on GET, nor on the changelist's first POST (the one that picks the action):
  the page only shows what will change, with the action's fields;
- the change runs on a POST that carries the confirmation marker, through Django's CSRF check
  (the admin's views are CSRF-protected);
- `run` calls ONE service (one transaction; the helper adds a savepoint around it as well):
  a bulk action is all-or-nothing, and an `ApplicationError` it raises is shown on the page in
  Russian — next to its field when the form has that field — with nothing changed;
- on success the message is shown and the browser goes back (the changelist, or `done_url`).

An action is described once, as data:

    COMMENT = AdminAction(
        title="Комментарий менеджера",
        button="Сохранить комментарий",
        form_class=CommentForm,
        run=lambda *, request, objects, data: (
            f"Комментарий сохранён у позиций: "
            f"{services.line_manager_comment_set_many(line_ids=[o.pk for o in objects], ...)}."
        ),
    )

and used from both kinds of action:

    @admin.action(description="Комментарий менеджера", permissions=["lines_change"])
    def selected_comment(self, request, queryset):
        return admin_action_view(self, request, COMMENT, queryset,
                                 changelist_action="selected_comment")

    @action(description="Комментарий менеджера", url_path="lines-comment",
            permissions=["lines_change"])
    def lines_comment(self, request, object_id):
        order = get_object_or_404(Order, pk=object_id)
        return admin_action_view(self, request, COMMENT, order.lines.all(),
                                 done_url=reverse("admin:orders_order_change", args=[order.pk]))
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from mprating.core.errors import ApplicationError

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"

# What `run` returns: one success message, or several messages with their levels
# (e.g. a success and a warning «Пропущено: 2»).
RunResult = str | Sequence[tuple[int, str]]


@dataclass(frozen=True)
class AdminAction:
    """An action as data: its page, its form and the service call behind it.

    `run(*, request, objects, data)` receives the chosen objects (in primary-key order) and the
    form's cleaned data, calls one service and returns the message(s) to show. `form_class`
    holds the action's own fields (a status, a comment, …). `row_template` renders one object
    as table cells under `headers`; it gets `obj`. With `selectable` the page lets the person
    tick which of the candidates to act on; otherwise every candidate is acted on.
    """

    title: str
    button: str
    run: Callable[..., RunResult]
    form_class: type[forms.Form] = forms.Form
    intro: str = ""
    headers: tuple[str, ...] = ("Объект",)
    row_template: str = "admin/core/confirm_action_row.html"
    selectable: bool = True
    choose_error: str = "Отметьте, к чему применить действие."
    empty_message: str = "Нет объектов для этого действия."


def _form_class(action: AdminAction, candidates: QuerySet) -> type[forms.Form]:
    """The action's form plus, when selectable, the checkboxes of the candidates (named like
    the changelist's own, so the changelist and an object's page post the same form)."""
    if not action.selectable:
        return action.form_class
    field = forms.ModelMultipleChoiceField(
        queryset=candidates,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": action.choose_error,
            "invalid_choice": "Выбранный объект больше не подходит для этого действия: "
            "обновите страницу.",
            "invalid_pk_value": "Объект не найден.",
        },
    )
    return type("ConfirmActionForm", (action.form_class,), {ACTION_CHECKBOX_NAME: field})


def _show(model_admin, request: HttpRequest, result: RunResult) -> None:
    if isinstance(result, str):
        model_admin.message_user(request, result, messages.SUCCESS)
        return
    for level, text in result:
        model_admin.message_user(request, text, level)


def admin_action_view(
    model_admin,
    request: HttpRequest,
    action: AdminAction,
    candidates: QuerySet,
    *,
    changelist_action: str | None = None,
    done_url: str | None = None,
    cancel_url: str | None = None,
    title: str | None = None,
    preselect: bool | None = None,
    extra_context: dict[str, Any] | None = None,
) -> HttpResponse | None:
    """Show the confirmation page of `action` for `candidates`, or run it on a confirmed POST.

    For a changelist action pass `changelist_action` (the action's name): the page posts back
    to the changelist and the function returns None when done, so the admin goes back to the
    list. For a detail action pass `done_url` (where to go when done; also the «Отмена» link
    unless `cancel_url` is given). `preselect` ticks every candidate at first (default: on in a
    changelist, where the rows were already picked; off on an object's page).
    """
    in_changelist = changelist_action is not None
    back_url = done_url or request.get_full_path()
    cancel_url = cancel_url or back_url
    if preselect is None:
        preselect = in_changelist
    candidates = candidates.order_by("pk")
    confirmed = request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE
    form = _form_class(action, candidates)(request.POST if confirmed else None)

    if confirmed and form.is_valid():
        objects = (
            list(form.cleaned_data[ACTION_CHECKBOX_NAME]) if action.selectable else list(candidates)
        )
        try:
            with transaction.atomic():
                result = action.run(request=request, objects=objects, data=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _show(model_admin, request, result)
            return None if in_changelist else HttpResponseRedirect(back_url)

    rows = list(candidates)
    if not rows:
        model_admin.message_user(request, action.empty_message, messages.WARNING)
        return None if in_changelist else HttpResponseRedirect(cancel_url)
    if action.selectable:
        if form.is_bound:
            selected = {str(pk) for pk in (form[ACTION_CHECKBOX_NAME].value() or [])}
        else:
            selected = {str(obj.pk) for obj in rows} if preselect else set()
    else:
        selected = {str(obj.pk) for obj in rows}
    opts = (rows[0] if isinstance(rows[0], Model) else candidates.model)._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": title or action.title,
        "action": action,
        "form": form,
        "rows": rows,
        "selected": selected,
        "fields": [form[name] for name in form.fields if name != ACTION_CHECKBOX_NAME],
        "choice_errors": form.errors.get(ACTION_CHECKBOX_NAME, []),
        "cancel_url": cancel_url,
        "changelist_action": changelist_action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
        **(extra_context or {}),
    }
    return TemplateResponse(request, "admin/core/confirm_action.html", context)
