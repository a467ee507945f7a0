"""The back office sidebar, grouped as seed 000 lists its sections.

A section appears only when it exists and the person has the permission to open it; the
sections follow the seed's order: «Пользователи», «Подключенные ПВЗ», «Аккаунты
маркетплейсов», «Монетизация», «Управление заявками», then the store's own («Каталог»,
«Документы», «Финансы») and the superuser's «Настройки».

A work queue's item carries a badge with the number of things waiting in it («Отказы на
рассмотрении», «VIN-запросы»): exact counts, all the badges of a page in one statement
(`core.counting`), read once per page whatever the data. The links are reversed once per URL
configuration, not on every page (issue 13).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from mprating.accounts.personal_data import (
    deletion_requests_waiting,
    deletion_requests_waiting_rows,
)
from mprating.core.counting import counts_run, counts_statement
from mprating.garage.selectors import vin_requests_waiting, vin_requests_waiting_rows
from mprating.orders.selectors import refusal_requests_waiting, refusal_requests_waiting_rows


@dataclass(frozen=True)
class Item:
    title: str
    icon: str
    url_name: str
    permission: str | None  # None: superuser only
    badge: Callable[[], int] | None = None  # how many things wait in the list


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "Пользователи",
        (
            Item("Клиенты", "group", "admin:accounts_client_changelist", "accounts.view_client"),
            Item(
                "Запросы на удаление данных",
                "person_remove",
                "admin:accounts_deletionrequest_changelist",
                "accounts.view_deletionrequest",
                badge=deletion_requests_waiting,
            ),
            Item(
                "Просмотры персональных данных",
                "visibility",
                "admin:accounts_personaldataview_changelist",
                "accounts.view_personaldataview",
            ),
            Item(
                "API-токены",
                "key",
                "admin:accounts_apitoken_changelist",
                "accounts.view_apitoken",
            ),
        ),
    ),
    Section(
        "Подключенные ПВЗ",
        (
            Item(
                "Пункты выдачи",
                "storefront",
                "admin:pickup_points_pickuppoint_changelist",
                "pickup_points.view_pickuppoint",
            ),
            Item(
                "Заявки партнёров",
                "handshake",
                "admin:partners_partnerapplication_changelist",
                "partners.view_partnerapplication",
            ),
        ),
    ),
    Section(
        "Аккаунты маркетплейсов",
        (
            Item(
                "Дашборд",
                "monitoring",
                "admin:marketplaces_dashboard",
                "marketplaces.view_marketplaceaccount",
            ),
            Item(
                "Аккаунты",
                "manage_accounts",
                "admin:marketplaces_marketplaceaccount_changelist",
                "marketplaces.view_marketplaceaccount",
            ),
            Item(
                "Выкупы",
                "shopping_bag",
                "admin:marketplaces_buyout_changelist",
                "marketplaces.view_buyout",
            ),
        ),
    ),
    Section(
        "Монетизация",
        (
            Item("Пакеты", "inventory", "admin:billing_package_changelist", "billing.view_package"),
            Item(
                "Покупки пакетов",
                "shopping_bag",
                "admin:billing_packagepurchase_changelist",
                "billing.view_packagepurchase",
            ),
            Item(
                "Выручка",
                "bar_chart",
                "admin:billing_packagepurchase_revenue",
                "billing.view_packagepurchase",
            ),
        ),
    ),
    Section(
        "Управление заявками",
        (
            Item("Заявки", "receipt_long", "admin:orders_order_changelist", "orders.view_order"),
            Item(
                "Отказы на рассмотрении",
                "assignment_return",
                "admin:orders_orderline_refusals",
                "orders.view_orderline",
                badge=refusal_requests_waiting,
            ),
            Item(
                "Возвраты",
                "keyboard_return",
                "admin:returns_returnrequest_changelist",
                "returns.view_returnrequest",
            ),
        ),
    ),
    Section(
        "Каталог",
        (
            Item(
                "Товары", "inventory_2", "admin:catalog_product_changelist", "catalog.view_product"
            ),
            Item("Предложения", "sell", "admin:catalog_offer_changelist", "catalog.view_offer"),
            Item(
                "Склады",
                "warehouse",
                "admin:catalog_warehouse_changelist",
                "catalog.view_warehouse",
            ),
            Item(
                "Бренды",
                "branding_watermark",
                "admin:catalog_brand_changelist",
                "catalog.view_brand",
            ),
            Item(
                "Кросс-связи",
                "compare_arrows",
                "admin:catalog_crosslink_changelist",
                "catalog.view_crosslink",
            ),
            Item(
                "Категории",
                "account_tree",
                "admin:catalog_category_changelist",
                "catalog.view_category",
            ),
            Item(
                "Применимость",
                "directions_car",
                "admin:catalog_applicability_changelist",
                "catalog.view_applicability",
            ),
            Item(
                "Справочник автомобилей",
                "garage",
                "admin:vehicles_make_changelist",
                "vehicles.view_make",
            ),
            Item(
                "Импорт файлов",
                "upload_file",
                "admin:catalog_importjob_changelist",
                "catalog.view_importjob",
            ),
        ),
    ),
    Section(
        "Документы",
        (
            Item(
                "VIN-запросы",
                "description",
                "admin:garage_vinrequest_changelist",
                "garage.process_vinrequest",
                badge=vin_requests_waiting,
            ),
        ),
    ),
    Section(
        "Финансы",
        (
            Item(
                "Балансы клиентов",
                "account_balance_wallet",
                "admin:finance_clientaccount_changelist",
                "finance.view_clientaccount",
            ),
            Item(
                "Операции по балансу",
                "receipt",
                "admin:finance_ledgerentry_changelist",
                "finance.view_ledgerentry",
            ),
            Item(
                "Акты сверки",
                "request_quote",
                "admin:finance_statement_changelist",
                "finance.view_statement",
            ),
        ),
    ),
    Section(
        "Настройки",
        (
            Item(
                "Статусы",
                "palette",
                "admin:orders_orderstatus_changelist",
                "orders.view_orderstatus",
            ),
            Item(
                "Причины возврата",
                "list",
                "admin:returns_returnreason_changelist",
                "returns.view_returnreason",
            ),
            Item(
                "E-mail для VIN-запросов",
                "mail",
                "admin:garage_vinsettings_changelist",
                "garage.change_vinsettings",
            ),
            Item(
                "Оригинальные каталоги марок",
                "menu_book",
                "admin:garage_originalcataloglink_changelist",
                "garage.view_originalcataloglink",
            ),
            Item(
                "Письма", "mail", "admin:core_outgoingemail_changelist", "core.view_outgoingemail"
            ),
            Item(
                "Цели по аккаунтам маркетплейсов",
                "flag",
                "admin:marketplaces_marketplacesettings_changelist",
                None,
            ),
            Item(
                "Статусы позиций для выкупов",
                "swap_horiz",
                "admin:marketplaces_buyoutlinestatus_changelist",
                None,
            ),
            Item(
                "ПВЗ: статус ожидания",
                "pin_drop",
                "admin:partners_partnersettings_changelist",
                None,
            ),
            Item("Сотрудники", "badge", "admin:accounts_user_changelist", None),
            Item("Роли и права", "admin_panel_settings", "admin:auth_group_changelist", None),
            Item(
                "Фоновые задачи",
                "schedule",
                "admin:django_tasks_database_dbtaskresult_changelist",
                None,
            ),
        ),
    ),
)


# What each badge counts, so that a page's badges are counted in one statement.
BADGE_ROWS = {
    deletion_requests_waiting: deletion_requests_waiting_rows,
    refusal_requests_waiting: refusal_requests_waiting_rows,
    vin_requests_waiting: vin_requests_waiting_rows,
}

_links: dict[tuple, str] = {}


def _link(url_name: str, where: tuple[str, str] | None = None) -> str:
    """`reverse(url_name)`, kept per script prefix and URL configuration (`where`, when the
    caller has read them once for all its links)."""
    prefix, urlconf = where or (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    key = (url_name, prefix, urlconf)
    link = _links.get(key)
    if link is None:
        link = _links[key] = reverse(url_name)
    return link


def _allowed(request: HttpRequest, item: Item) -> bool:
    user = request.user
    if item.permission is None:
        return user.is_superuser
    return user.has_perm(item.permission)


def waiting(request: HttpRequest, count: Callable[[], int]) -> int:
    """`count()` once per request: the home's cards show the same numbers as the badges."""
    counted = request.__dict__.setdefault("_backoffice_waiting", {})
    if count not in counted:
        counted[count] = count()
    return counted[count]


@functools.cache
def _badge_model(count: Callable[[], int]) -> type:
    return BADGE_ROWS[count]().model


@functools.lru_cache(maxsize=64)
def _badges_statement(
    counts: tuple[Callable[[], int], ...], using: str, vendor: str
) -> tuple[str, tuple]:
    """The one statement counting `counts`, compiled once per process, database and set of
    badges: the querysets are the same on every page (no per-request value in them), and
    building and compiling them cost ~1.3 ms of a back office page (issue 13). The count runs
    on every page: the numbers stay exact."""
    return counts_statement(*(BADGE_ROWS[count]().using(using) for count in counts))


def _count_badges(request: HttpRequest, counts: list[Callable[[], int]]) -> None:
    """The badges `counts` not counted yet in this request, in one statement."""
    counted = request.__dict__.setdefault("_backoffice_waiting", {})
    missing = tuple(c for c in dict.fromkeys(counts) if c not in counted and c in BADGE_ROWS)
    if not missing:
        return
    using = router.db_for_read(_badge_model(missing[0]))
    sql, params = _badges_statement(missing, using, connections[using].vendor)
    numbers = counts_run(using, sql, params)
    counted.update(zip(missing, numbers, strict=True))


def _entry(request: HttpRequest, item: Item, where: tuple[str, str]) -> dict:
    entry = {"title": item.title, "icon": item.icon, "link": _link(item.url_name, where)}
    if item.badge is not None and (number := waiting(request, item.badge)):
        # Not a string: unfold shows the number itself (a string would be a callback path).
        entry.update(badge=number, badge_variant="primary")
    return entry


def sidebar(request: HttpRequest) -> list[dict]:
    allowed = [
        (section, [item for item in section.items if _allowed(request, item)])
        for section in SECTIONS
    ]
    _count_badges(request, [i.badge for _, items in allowed for i in items if i.badge])
    groups = []
    where = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    for section, allowed_items in allowed:
        items = [_entry(request, item, where) for item in allowed_items]
        if items:
            groups.append({"title": section.title, "separator": True, "items": items})
    _mark_active(request, groups)
    return groups


def _mark_active(request: HttpRequest, groups: list[dict]) -> None:
    """Only the item with the longest link under the current address is active: a page that
    lives under a list's address («Аккаунты маркетплейсов → Дашборд» under «Аккаунты») lights
    its own item, not both (unfold alone marks every link the address contains)."""
    path = getattr(request, "path", "") or ""
    links = [item["link"] for group in groups for item in group["items"]]
    matching = [link for link in links if link and link in path]
    best = max(matching, key=len) if matching else None
    for group in groups:
        for item in group["items"]:
            item["active"] = item["link"] == best
