"""The back office home («Сводка»): the operator's and the manager's desk.

One section per seed 000 section that has work waiting, each card a number linked to its list
filtered so that the list shows exactly that number: orders today and this week with a chart
of orders per day, refusal requests, VIN requests, imports at work or failed, new clients,
partner applications, package purchases awaiting payment, the marketplace accounts. A card
appears only to whoever may open its list. Every count is one query of the app that owns the
data (a selector); the page costs the same number of queries whatever the data.
"""

import json
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.personal_data import deletion_requests_waiting
from mprating.accounts.selectors import client_counts
from mprating.backoffice.navigation import waiting
from mprating.billing.models import PurchaseStatus
from mprating.billing.selectors import purchases_awaiting_payment
from mprating.catalog.imports.selectors import imports_at_work
from mprating.catalog.models import ImportJob
from mprating.core.charts import bar_chart_options
from mprating.core.desk import DeskCard, desk_cards
from mprating.core.text import days_ru
from mprating.garage.models import VinRequest
from mprating.garage.selectors import vin_requests_waiting
from mprating.marketplaces.selectors import clock as marketplace_clock
from mprating.marketplaces.selectors import counts_with_targets as marketplace_counts
from mprating.marketplaces.selectors import warning_days
from mprating.orders.selectors import orders_per_day, refusal_requests_waiting

CHART_DAYS = 14
RECENT_DAYS = 7  # «новых за 7 дней», «с ошибкой за 7 дней»: today and the six days before


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _days_url(url_name: str, first: date, last: date, **params: str) -> str:
    """A list filtered to whole Moscow days `first`…`last` of `created_at` (the lists'
    «с … по …» filter, `core.admin_filters.DateRangeFilter`)."""
    query = {**params, "created_at_from": _day(first), "created_at_to": _day(last)}
    return f"{reverse(url_name)}?{urlencode(query)}"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _orders_section(request: HttpRequest, today: date) -> dict | None:
    user = request.user
    cards = []
    chart = None
    if user.has_perm("orders.view_order"):
        days = orders_per_day(first_day=today - timedelta(days=CHART_DAYS - 1), last_day=today)
        monday = today - timedelta(days=today.weekday())
        url = "admin:orders_order_changelist"
        cards += [
            DeskCard("Заявок сегодня", days[-1][1], _days_url(url, today, today)),
            DeskCard(
                "Заявок на этой неделе",
                sum(count for day, count in days if day >= monday),
                _days_url(url, monday, today),
            ),
        ]
        chart = {
            "labels": [day.strftime("%d.%m") for day, _ in days],
            "datasets": [
                {
                    "label": "Заявок",
                    "data": [count for _, count in days],
                    "backgroundColor": "var(--color-primary-600)",
                }
            ],
        }
    if user.has_perm("orders.view_orderline"):
        cards.append(
            DeskCard(
                "Отказов на рассмотрении",
                waiting(request, refusal_requests_waiting),
                reverse("admin:orders_orderline_refusals"),
            )
        )
    if not cards:
        return None
    section = {"title": "Управление заявками", "cards": cards}
    if chart:
        section["chart"] = json.dumps(chart, ensure_ascii=False)
        section["chart_options"] = bar_chart_options()
        section["chart_title"] = f"Заявки по дням за {days_ru(CHART_DAYS)}"
    return section


def _vin_section(request: HttpRequest) -> dict | None:
    if not request.user.has_perm("garage.process_vinrequest"):
        return None
    url = reverse("admin:garage_vinrequest_changelist")
    pending = VinRequest.Status.PENDING
    count = waiting(request, vin_requests_waiting)  # the sidebar's badge counted it already
    card = DeskCard("Ожидают обработки", count, f"{url}?status__exact={pending}")
    return {"title": "VIN-запросы", "cards": [card]}


def _clients_section(request: HttpRequest, today: date) -> dict | None:
    user = request.user
    if not user.has_perm("accounts.view_client"):
        return None
    first = today - timedelta(days=RECENT_DAYS - 1)
    counts = client_counts(since=_start_of(first))
    url = "admin:accounts_client_changelist"
    return {
        "title": "Пользователи",
        "cards": [
            DeskCard(
                f"Новых клиентов за {days_ru(RECENT_DAYS)}",
                counts.new_last_7_days,
                _days_url(url, first, today),
            ),
            DeskCard("Заблокированных клиентов", counts.blocked, f"{reverse(url)}?active=no"),
            *_deletion_cards(request),
        ],
    }


def _deletion_cards(request: HttpRequest) -> list[DeskCard]:
    """Issue 12 (152-ФЗ): the clients' requests to delete their data that wait."""
    if not request.user.has_perm("accounts.view_deletionrequest"):
        return []
    url = reverse("admin:accounts_deletionrequest_changelist")
    count = waiting(request, deletion_requests_waiting)  # the sidebar's badge counted it
    return [DeskCard("Запросов на удаление данных", count, f"{url}?status__exact=pending")]


def _marketplaces_section(user) -> dict | None:
    if not user.has_perm("marketplaces.view_marketplaceaccount"):
        return None
    _, accounts = marketplace_counts(marketplace_clock())
    accounts_url = reverse("admin:marketplaces_marketplaceaccount_changelist")
    return {
        "title": "Аккаунты маркетплейсов",
        "cards": [
            DeskCard(
                "Аккаунтов в работе / цель",
                f"{accounts.working} / {accounts.target}",
                reverse("admin:marketplaces_dashboard"),
            ),
            DeskCard(
                f"Истекает срок службы в ближайшие {days_ru(warning_days())}",
                accounts.expiring,
                f"{accounts_url}?service=soon",
            ),
        ],
    }


def _billing_section(user) -> dict | None:
    if not user.has_perm("billing.view_packagepurchase"):
        return None
    url = reverse("admin:billing_packagepurchase_changelist")
    card = DeskCard(
        "Покупок пакетов ждут оплаты",
        purchases_awaiting_payment(),
        f"{url}?status__exact={PurchaseStatus.AWAITING_PAYMENT}",
    )
    return {"title": "Монетизация", "cards": [card]}


def _imports_section(user, today: date) -> dict | None:
    if not user.has_perm("catalog.view_importjob"):
        return None
    first = today - timedelta(days=RECENT_DAYS - 1)
    imports = imports_at_work(failed_since=_start_of(first))
    url = reverse("admin:catalog_importjob_changelist")
    at_work = ",".join([ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
    return {
        "title": "Импорт файлов",
        "cards": [
            DeskCard(
                "Импортов в очереди и в работе", imports.running, f"{url}?status__in={at_work}"
            ),
            DeskCard(
                f"Импортов с ошибкой за {days_ru(RECENT_DAYS)}",
                imports.failed,
                _days_url(
                    "admin:catalog_importjob_changelist",
                    first,
                    today,
                    status__exact=ImportJob.Status.FAILED,
                ),
            ),
        ],
    }


def desk_sections(request: HttpRequest) -> list[dict]:
    """The home's sections for `user`: work queues first, then seed 000's sections in its
    order (Пользователи, Подключенные ПВЗ, Аккаунты маркетплейсов, Монетизация), then imports."""
    user = request.user
    today = timezone.localdate()
    registered = desk_cards(user)  # sections of the apps beside the back office (partners)
    sections = [
        _orders_section(request, today),
        _vin_section(request),
        _clients_section(request, today),
        *({"title": title, "cards": cards} for title, cards in registered),
        _marketplaces_section(user),
        _billing_section(user),
        _imports_section(user, today),
    ]
    return [section for section in sections if section]


def dashboard_callback(request: HttpRequest, context: dict) -> dict:
    context["title"] = context["content_title"] = "Сводка"
    context["dashboard_sections"] = desk_sections(request)
    return context
