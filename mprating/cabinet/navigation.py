"""The cabinet's navigation (seed 004, «Разделы кабинета»): one list, its addresses reversed
once per process (`core.fixed_urls`), so that a page renders a loop instead of a dozen
`{% url %}` tags (issue 13: the frame's fixed cost on every cabinet page)."""

from dataclasses import dataclass

from mprating.core.fixed_urls import reverse_fixed


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    testid: str = ""
    # What the link carries from the frame: "refusals" (unseen refusals) or "chat" (unread
    # manager messages); see cabinet/_nav.html.
    badge: str = ""


# (URL name, label, data-testid, badge), in the order of the page.
SECTIONS = (
    ("catalog:search", "Поиск по артикулу", "", ""),
    ("catalog:selection", "Подбор по параметрам", "", ""),
    ("cart:detail", "Корзина", "", ""),
    ("cart:import", "Загрузить в корзину", "", ""),
    ("orders:lines", "Заказы", "nav-orders", "refusals"),
    ("orders:archive", "Архив", "", ""),
    ("returns:list", "Возвраты", "nav-returns", ""),
    ("garage:vehicles", "Автомобили", "", ""),
    ("garage:requests", "VIN-запросы", "", "chat"),
    ("notifications:preferences", "Уведомления", "", ""),
    ("finance:page", "Финансы", "nav-finance", ""),
    ("billing:packages", "Пакеты", "nav-packages", ""),
    ("cabinet:profile", "Личная информация", "", ""),
)


def cabinet_nav() -> list[NavItem]:
    return [
        NavItem(url=reverse_fixed(name), label=label, testid=testid, badge=badge)
        for name, label, testid, badge in SECTIONS
    ]
