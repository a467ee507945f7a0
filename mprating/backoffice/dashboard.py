"""The back office start page: a summary per section the person may open."""

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.selectors import client_counts
from mprating.core.text import days_ru
from mprating.marketplaces.selectors import clock as marketplace_clock
from mprating.marketplaces.selectors import counts_with_targets as marketplace_counts
from mprating.marketplaces.selectors import warning_days


def dashboard_callback(request: HttpRequest, context: dict) -> dict:
    cards = []
    if request.user.has_perm("accounts.view_client"):
        counts = client_counts(since=timezone.now() - timedelta(days=7))
        clients_url = reverse("admin:accounts_client_changelist")
        cards += [
            {"title": "Клиентов всего", "value": counts.total, "url": clients_url},
            {"title": "Активных", "value": counts.active, "url": f"{clients_url}?active=yes"},
            {
                "title": "Заблокированных",
                "value": counts.blocked,
                "url": f"{clients_url}?active=no",
            },
            {"title": "Новых за 7 дней", "value": counts.new_last_7_days, "url": clients_url},
        ]
    sections = []
    if request.user.has_perm("marketplaces.view_marketplaceaccount"):
        _, accounts = marketplace_counts(marketplace_clock())
        dashboard_url = reverse("admin:marketplaces_dashboard")
        accounts_url = reverse("admin:marketplaces_marketplaceaccount_changelist")
        marketplace_cards = [
            {
                "title": "Аккаунтов маркетплейсов в работе / цель",
                "value": f"{accounts.working} / {accounts.target}",
                "url": dashboard_url,
            },
            {
                "title": f"Истекает срок службы в ближайшие {days_ru(warning_days())}",
                "value": accounts.expiring,
                "url": f"{accounts_url}?service=soon",
            },
        ]
        sections.append({"title": "Аккаунты маркетплейсов", "cards": marketplace_cards})
    context["title"] = context["content_title"] = "Сводка"
    context["dashboard_cards"] = cards
    context["dashboard_sections"] = sections
    return context
