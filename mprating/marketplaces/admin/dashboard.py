"""«Аккаунты маркетплейсов → Дашборд» (seed 000: «Разделу обязательно нужен дашборд, который бы
показывал актуальную информацию по учетным записям»):

- «Истекает срок службы учетной записи»: every account whose service life ends within
  `MARKETPLACE_EXPIRY_WARNING_DAYS` days, with the explicit «через N дней учетная запись
  перейдёт из статуса Активен в Не активен»;
- «Целевое количество активных учетных записей» against «Текущее количество»;
- «Количество учетных записей в статусах: Активен, Неактивен, Занят» — per marketplace and in
  total;
- a chart of the accounts in service over the coming 90 days.

Served by the accounts' ModelAdmin (`get_urls`), rendered in unfold's layout; four queries
whatever the number of accounts (`selectors.dashboard`).
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from mprating.core.text import days_ru
from mprating.marketplaces import selectors
from mprating.marketplaces.admin.common import expiry_message
from mprating.marketplaces.models import AccountStatus, Marketplace

COLOURS = {
    Marketplace.WILDBERRIES.value: "#a21caf",
    Marketplace.OZON.value: "#2563eb",
    "total": "#16a34a",
    "target": "#dc2626",
}


def _chart(board: selectors.Dashboard) -> tuple[str, str]:
    """The data and the options of unfold's line chart (Chart.js, vendored in unfold)."""
    datasets = [
        {
            "label": title,
            "data": board.forecast[value],
            "borderColor": COLOURS[value],
            "backgroundColor": COLOURS[value],
            "borderWidth": 2,
            "pointRadius": 0,
            "tension": 0,
        }
        for value, title in Marketplace.choices
    ]
    datasets.append(
        {
            "label": "Всего",
            "data": board.forecast["total"],
            "borderColor": COLOURS["total"],
            "backgroundColor": COLOURS["total"],
            "borderWidth": 3,
            "pointRadius": 0,
        }
    )
    if board.total.target:
        datasets.append(
            {
                "label": "Цель (всего)",
                "data": [board.total.target] * len(board.forecast_labels),
                "borderColor": COLOURS["target"],
                "backgroundColor": COLOURS["target"],
                "borderWidth": 1,
                "borderDash": [6, 4],
                "pointRadius": 0,
            }
        )
    options = {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "interaction": {"mode": "index", "intersect": False},
        "plugins": {"legend": {"display": True, "position": "bottom"}},
        "scales": {
            "x": {"ticks": {"maxTicksLimit": 7, "autoSkip": True}},
            "y": {
                "beginAtZero": True,
                "suggestedMax": max([board.total.target, *board.forecast["total"], 0]) + 1,
                "ticks": {"precision": 0},
            },
        },
    }
    data = {"labels": board.forecast_labels, "datasets": datasets}
    return json.dumps(data, ensure_ascii=False), json.dumps(options)


class DashboardMixin:
    """The dashboard page of the accounts' ModelAdmin."""

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        board = selectors.dashboard()
        changelist = reverse("admin:marketplaces_marketplaceaccount_changelist")
        expiring = [
            {
                "account": account,
                "days": selectors.days_until_inactive(account.service_until, board.at.today),
                "message": expiry_message(
                    selectors.days_until_inactive(account.service_until, board.at.today)
                ),
                "status": AccountStatus(account.effective_status).label,
                "url": reverse("admin:marketplaces_marketplaceaccount_change", args=[account.pk]),
            }
            for account in board.expiring
        ]
        rows = []
        for counts in [*board.rows, board.total]:
            query = f"marketplace__exact={counts.marketplace}&" if counts.marketplace else ""
            rows.append(
                {
                    "counts": counts,
                    "links": {
                        status: f"{changelist}?{query}status={status}"
                        for status in AccountStatus.values
                    },
                    "expiring_link": f"{changelist}?{query}service=soon",
                }
            )
        chart_data, chart_options = _chart(board)
        context = {
            **self.admin_site.each_context(request),
            # No `opts`: unfold's header then reads «content_title».
            "title": "Аккаунты маркетплейсов: дашборд",
            "content_title": "Аккаунты маркетплейсов: дашборд",
            "warning_phrase": days_ru(board.warning_days),
            "board": board,
            "rows": rows,
            "expiring": expiring,
            "expiring_more": max(0, board.total.expiring - len(expiring)),
            "expiring_url": f"{changelist}?service=soon",
            "chart_data": chart_data,
            "chart_options": chart_options,
            "can_edit_targets": request.user.is_superuser,
            "targets_url": reverse("admin:marketplaces_marketplacesettings_changelist"),
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "marketplaces/admin/dashboard.html", context)
