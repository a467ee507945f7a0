"""Every sidebar link opens for the people who see it."""

import pytest
from django.test import Client as BrowserClient

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.backoffice.navigation import sidebar

pytestmark = pytest.mark.django_db


def _links_for(user, rf) -> list[str]:
    request = rf.get("/backoffice/")
    request.user = user
    return [item["link"] for group in sidebar(request) for item in group["items"]]


@pytest.mark.parametrize(
    ("groups", "superuser"),
    [((), True), ((roles.OPERATOR,), False), ((roles.MANAGER,), False)],
)
def test_every_sidebar_link_opens(rf, groups, superuser):
    user = make_staff(*groups, email="someone@example.ru", superuser=superuser)
    browser = BrowserClient()
    browser.force_login(user)

    links = _links_for(user, rf)

    assert links
    for link in links:
        assert browser.get(link, follow=True).status_code == 200, link
    assert browser.get("/backoffice/").status_code == 200


def test_superuser_sees_every_section(rf):
    user = make_staff(email="root@example.ru", superuser=True)
    request = rf.get("/backoffice/")
    request.user = user

    titles = [group["title"] for group in sidebar(request)]

    assert titles == [
        "Пользователи",
        "Подключенные ПВЗ",
        "Аккаунты маркетплейсов",
        "Монетизация",
        "Управление заявками",
        "Каталог",
        "Документы",
        "Финансы",
        "Настройки",
    ]


def test_back_office_chrome_is_in_russian(client):
    client.force_login(make_staff(email="root@example.ru", superuser=True))

    page = client.get("/backoffice/catalog/importjob/").content.decode()

    assert "Фильтры" in page
    assert "Ничего не найдено" in page
    assert "No results found" not in page


def test_navigation_shows_catalog_items_by_permission(rf):
    def titles(user) -> dict[str, list[str]]:
        request = rf.get("/")
        request.user = user
        return {g["title"]: [i["title"] for i in g["items"]] for g in sidebar(request)}

    manager = titles(make_staff(roles.MANAGER, email="m@example.ru"))
    operator = titles(make_staff(roles.OPERATOR, email="o@example.ru"))
    nobody = titles(make_staff(email="n@example.ru"))

    assert list(manager)[:6] == [
        "Пользователи",
        "Подключенные ПВЗ",
        "Аккаунты маркетплейсов",
        "Монетизация",
        "Управление заявками",
        "Каталог",
    ]
    assert "Импорт файлов" in manager["Каталог"]
    assert "Справочник автомобилей" in manager["Каталог"]
    assert manager["Каталог"] == operator["Каталог"]
    assert "Каталог" not in nobody
