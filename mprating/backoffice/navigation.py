"""The back office sidebar, grouped as seed 000 lists its sections.

A section appears only when it exists and the person has the permission to open it; the
sections of seed 000 not built yet («Подключенные ПВЗ», «Аккаунты маркетплейсов»,
«Монетизация», «Управление заявками») are added here by the issues that build them.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Item:
    title: str
    icon: str
    url_name: str
    permission: str | None  # None: superuser only


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "Пользователи",
        (Item("Клиенты", "group", "admin:accounts_client_changelist", "accounts.view_client"),),
    ),
    Section(
        "Настройки",
        (
            Item("Сотрудники", "badge", "admin:accounts_user_changelist", None),
            Item("Роли и права", "admin_panel_settings", "admin:auth_group_changelist", None),
            Item(
                "Фоновые задачи",
                "schedule",
                "admin:django_tasks_db_dbtaskresult_changelist",
                None,
            ),
        ),
    ),
)


def _allowed(request: HttpRequest, item: Item) -> bool:
    user = request.user
    if item.permission is None:
        return user.is_superuser
    return user.has_perm(item.permission)


def sidebar(request: HttpRequest) -> list[dict]:
    groups = []
    for section in SECTIONS:
        items = [
            {"title": item.title, "icon": item.icon, "link": reverse(item.url_name)}
            for item in section.items
            if _allowed(request, item)
        ]
        if items:
            groups.append({"title": section.title, "separator": True, "items": items})
    return groups
