"""Pieces shared by the orders admins: the status badge, the refusal cell, and the filters of
«Заявки» (статус позиции, источник, архив)."""

import html
from functools import lru_cache

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from mprating.core.kept_queries import kept_statements
from mprating.orders.models import OrderLine, OrderStatus, RefusalState, Source

# `html.escape` kept per value: the lists' cells escape ~200-350 values a page (numbers, names,
# e-mails, phones), most of them the same from one request to the next, and the escaped text
# depends on the text alone (issue 13: ~6 Python calls an escape, ~1,000-2,000 a page).
escape_kept = lru_cache(maxsize=4096)(html.escape)


def status_badge(
    status: OrderStatus, count: int | None = None, *, wrap: bool = False
) -> SafeString:
    """A status as the client sees it: its name in its colour, with a swatch (and « × N»).

    The markup of `orders/admin/_status_badge.html` (which the inline's history and the action
    pages include), built here without the template engine: a list cell asks for it on every
    row (issue 13: ~0.5 ms a render on the loaded 2-core machine, the list's biggest cost).
    `test_admin_lists_speed` checks that both give the same HTML."""
    # Kept per value: a page shows the same few statuses on every row.
    return _badge(status.colour, status.name, count, wrap)


@lru_cache(maxsize=512)
def _badge(colour: str, name: str, count: int | None, wrap: bool) -> SafeString:
    colour = conditional_escape(colour)
    name = conditional_escape(name)
    if count:
        name = f"{name} ×&nbsp;{conditional_escape(count)}"
    if wrap:
        return mark_safe(  # nosec B308 B703: every value escaped above
            '<span class="mp-status" style="display:inline-flex;align-items:flex-start;gap:6px;'
            f'white-space:normal;color:{colour};font-weight:600"><span style="display:'
            "inline-block;flex:none;width:10px;height:10px;margin-top:5px;border-radius:9999px;"
            f'background:{colour}"></span><span>{name}</span></span>'
        )
    return mark_safe(  # nosec B308 B703: every value escaped above
        '<span class="mp-status" style="display:inline-flex;align-items:center;gap:6px;'
        f'white-space:nowrap;color:{colour};font-weight:600"><span style="display:'
        "inline-block;flex:none;width:10px;height:10px;border-radius:9999px;"
        f'background:{colour}"></span>{name}</span>'
    )


def history_cell(changes) -> SafeString:
    """A line's «история движения» on the order's page: the markup of
    `orders/admin/_line_history.html`, built without the template engine (issue 13: the
    template took ~1 ms a line on the loaded 2-core machine, the inline's biggest cost).
    `test_history_cell_is_the_template` checks that both give the same HTML."""
    items = []
    for change in changes:
        by = ""
        if change.changed_by_id is not None:
            person = change.changed_by
            by = f", {conditional_escape(person.get_full_name() or person.email)}"
        comment = f" <em>«{conditional_escape(change.comment)}»</em>" if change.comment else ""
        items.append(
            '<li style="margin-bottom:4px"><span style="white-space:nowrap">'
            f"{date_format(template_localtime(change.changed_at), 'd.m.Y H:i')}</span> "
            f"{status_badge(change.status)}{by}{comment}</li>"
        )
    return mark_safe(  # nosec B308 B703: every value escaped above
        '<ul class="mp-history" style="margin:0;padding:0;min-width:280px;list-style:none">'
        f"{''.join(items)}</ul>"
    )


STATUSES_ATTR = "_orders_statuses"


def statuses_of(request: HttpRequest) -> dict[int, OrderStatus]:
    """Every line status by id, read once per request: a handful of rows that the status
    filter lists and the listed lines share (`listed.attach_lines`, `LineChangeList`). Read,
    not kept between requests (managers edit the statuses), with its statement compiled once
    (`core.kept_queries`)."""
    statuses = getattr(request, STATUSES_ATTR, None)
    if statuses is None:
        statuses = {status.pk: status for status in kept_statements(OrderStatus.objects.all())}
        setattr(request, STATUSES_ATTR, statuses)
    return statuses


def render_cell(template: str, **context) -> SafeString:
    """A changelist or inline cell rendered from its template (the markup lives there)."""
    html = render_to_string(f"orders/admin/{template}", context).strip()
    # The templates escape every value; strip() turned the SafeString into a plain str.
    return mark_safe(html)  # nosec B308 B703


class LineStatusFilter(admin.SimpleListFilter):
    """Orders having at least one line in the status."""

    title = "статус позиции"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(status.pk), status.name) for status in statuses_of(request).values()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), status_id=self.value()))
            )
        return queryset


class LineSourceFilter(admin.SimpleListFilter):
    title = "источник"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices

    def queryset(self, request, queryset):
        if self.value() in Source.values:
            return queryset.filter(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), source=self.value()))
            )
        return queryset


class ArchivedFilter(admin.SimpleListFilter):
    title = "архив"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Текущие"), ("yes", "В архиве")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


def refusal_cell(line: OrderLine) -> SafeString:
    """«Отказ и комментарий менеджера»: the refusal state (and, for a refused line, whether
    the client has seen it), then the manager's comment — unless the comment only repeats the
    state, as it does when the client's column reads «Отказ клиента» or «Отказ от заказа на
    рассмотрении» (`transitions`)."""
    # Kept per value: most lines of a page have no refusal and no comment (issue 13).
    return _refusal_html(
        line.refusal_state,
        line.status.role == OrderStatus.Role.REFUSED,
        line.refusal_seen,
        line.manager_comment,
    )


@lru_cache(maxsize=1024)
def _refusal_html(refusal_state: str, refused: bool, seen: bool, manager_comment: str):
    label = str(REFUSAL_LABELS.get(refusal_state, refusal_state)) if refusal_state else ""
    state = label
    if refused:
        seen_text = "клиент просмотрел" if seen else "клиент не просмотрел"
        state = f"{state}, {seen_text}" if state else seen_text.capitalize()
    comment = "" if manager_comment == label else manager_comment
    # Built without the template engine: a cell of every row of «Позиции заказов».
    if state and comment:
        inner = f"<b>{conditional_escape(state)}</b><br>{conditional_escape(comment)}"
    elif state:
        inner = f"<b>{conditional_escape(state)}</b>"
    else:
        inner = conditional_escape(comment) if comment else "—"
    return mark_safe(f'<div style="min-width:160px">{inner}</div>')  # nosec B308 B703


# `get_refusal_state_display()`'s labels.
REFUSAL_LABELS = dict(RefusalState.choices)
