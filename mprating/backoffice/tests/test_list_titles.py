"""A back office list's browser title is the list's name (core/admin_titles.py), not Django's
«Выберите заявка для просмотра» with the model's name in the wrong case."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>\s*(.*?)\s*</title>", response.content.decode(), re.S).group(1)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/backoffice/orders/order/", "Заявки"),
        ("/backoffice/accounts/client/", "Клиенты"),
        ("/backoffice/catalog/category/", "Категории"),
        ("/backoffice/axes/accesslog/", "Логи доступа"),
    ],
)
def test_a_lists_title_is_its_name(boss_browser, url, name):
    title = _title(boss_browser.get(url))
    assert title.startswith(f"{name} |")
    assert "Выберите" not in title


def test_a_popup_keeps_djangos_choose_title(boss_browser):
    title = _title(boss_browser.get("/backoffice/catalog/category/", {"_popup": "1"}))
    assert title.startswith("Выберите")
