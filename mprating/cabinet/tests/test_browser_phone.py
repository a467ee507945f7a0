"""In Chromium, on the demo data: every cabinet page at phone width (390 px) and at a laptop's
(1366 px) has no sideways scroll, with a full-page screenshot of each in test-artifacts/; on the
phone the page comes first and the frame folds into «Разделы» and a balance line.

Every page means every GET page of the cabinet's URL confs: `test_every_cabinet_page_is_listed`
fails when a new one is added and not listed here (or among the endpoints that are no pages).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mprating.accounts.models import Client
from mprating.cart import imports
from mprating.cart import services as cart_services
from mprating.cart.tests.files import xlsx_bytes
from mprating.catalog.models import Offer
from mprating.catalog.normalize import normalize_article
from mprating.garage.models import Vehicle, VinRequest
from mprating.orders.models import Order
from mprating.orders.services.archive import order_archive
from mprating.returns.models import ReturnRequest

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
DEMO_EMAIL, DEMO_PASSWORD = "client@demo.mprating.ru", "Klient-2026!"
DEMO_ARTICLE = "0986-452-041"

# GET pages of the cabinet: (URL name, the page's name in the screenshots). The arguments and
# query strings are filled in from the demo data by `_pages`.
PAGES = [
    ("cabinet:home", "home"),
    ("catalog:search", "search"),
    ("catalog:selection", "selection"),
    ("cart:detail", "cart"),
    ("cart:import", "cart-import"),
    ("cart:import_result", "cart-import-result"),
    ("orders:checkout", "checkout"),
    ("orders:placed", "order-placed"),
    ("orders:lines", "orders"),
    ("orders:archive", "archive"),
    ("orders:return_policy", "return-policy"),
    ("orders:line_history", "line-history"),
    ("notifications:preferences", "notifications"),
    ("cabinet:profile", "profile"),
    ("cabinet:password_change", "password"),
    ("garage:vehicles", "vehicles"),
    ("garage:vehicle_add", "vehicle-add"),
    ("garage:vehicle_edit", "vehicle-edit"),
    ("garage:vehicle_delete", "vehicle-delete"),
    ("garage:vehicle_catalog", "vehicle-catalog"),
    ("garage:vin_lookup", "vin-lookup"),
    ("garage:requests", "vin-requests"),
    ("garage:request_new", "vin-request-new"),
    ("garage:chat", "vin-request-chat"),
    ("finance:page", "finance"),
    ("returns:list", "returns"),
    ("returns:create", "return-new"),
    ("returns:detail", "return-detail"),
    ("billing:packages", "packages"),
]

# Cabinet URLs that are no pages: POST actions, htmx partials inside the pages above, files.
NOT_PAGES = {
    "cabinet:profile_personal",
    "cabinet:profile_search_settings",
    "cabinet:profile_deletion_request",
    "cabinet:profile_deletion_cancel",
    "cabinet:personal_data_json",
    "cabinet:personal_data_xlsx",
    "cabinet:api_token_create",
    "cabinet:api_token_revoke",
    "cabinet:package_buy",
    "catalog:selection_models",
    "catalog:selection_generations",
    "catalog:selection_modifications",
    "cart:add",
    "cart:line_quantity",
    "cart:line_remove",
    "cart:import_template",
    "cart:import_row_choose",
    "cart:import_row_add_available",
    "orders:line_refuse",
    "orders:line_refusal_seen",
    "orders:line_reorder",
    "orders:order_archive",
    "garage:options_models",
    "garage:options_generations",
    "garage:options_modifications",
    "garage:request_row",
    "garage:request_resend",
    "garage:chat_messages",
    "garage:chat_read",
    "garage:answer_to_cart",
    "finance:statements",
    "finance:statement_request",
    "finance:statement_file",
    "returns:letters",
    "returns:quote",
    "returns:photo",
    "billing:purchase_cancel",
}


def _cabinet_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}")

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern).startswith("cabinet/"):
            walk(entry.url_patterns, entry.namespace)
    return names


def test_every_cabinet_page_is_listed():
    listed = {name for name, _ in PAGES}
    assert not listed & NOT_PAGES
    assert _cabinet_url_names() == listed | NOT_PAGES


def _demo_state() -> dict:
    """The demo data plus what a working client has: a cart, an archived order, a file
    uploaded into the cart (with rows to choose a brand for, unknown and short)."""
    call_command("seed_demo", clients=0, stdout=io.StringIO())
    client = Client.objects.get(user__email=DEMO_EMAIL)
    offers = Offer.objects.filter(
        product__article_normalized=normalize_article(DEMO_ARTICLE), quantity__gt=5
    ).order_by("pk")[:2]
    for offer in offers:
        cart_services.cart_add(client=client, offer_id=offer.pk, quantity=2)
    finished = next(
        order
        for order in Order.objects.filter(client=client, archived_at=None).order_by("pk")
        if not order.lines.filter(status__is_final=False).exists()
    )
    order_archive(client=client, order_id=finished.pk)
    upload = xlsx_bytes(
        [
            ["BOSCH", DEMO_ARTICLE, 2, "на Ладу"],
            ["", "OC 205", 1, ""],
            ["NONAME", "ZZZ-1", 1, ""],
            ["", "0986452041", 1000, ""],
        ]
    )
    cart_import = imports.cart_import_file(
        client=client, file=io.BytesIO(upload), filename="zakaz.xlsx"
    )
    vehicle = Vehicle.objects.filter(client=client).exclude(vin_or_frame="").order_by("pk").first()
    chat = VinRequest.objects.filter(client=client, messages__isnull=False).order_by("pk").first()
    return {
        "client": client,
        "carted": list(offers),
        "cart_import": cart_import,
        "order": Order.objects.filter(client=client).order_by("pk").first(),
        "vehicle": vehicle,
        "chat": chat,
        "return": ReturnRequest.objects.filter(client=client).order_by("pk").first(),
    }


def _log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill(DEMO_EMAIL)
    page.get_by_label(re.compile(r"^Пароль")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")


def _pages(page, live_server, state: dict) -> list[tuple[str, str]]:
    """(screenshot name, path) of every page in PAGES, from the demo data."""
    order = state["order"]
    vehicle = state["vehicle"]
    line = order.lines.order_by("pk").first()
    # «Создать возврат» and the selection with products: found the way a client finds them.
    page.goto(live_server.url + reverse("orders:lines"))
    return_new = page.locator("a[href*='/cabinet/returns/new/']").first.get_attribute("href")
    page.goto(
        f"{live_server.url}{reverse('catalog:selection')}?modification={vehicle.modification_id}"
    )
    category = page.locator("a.category-link[href*='category=']").last.get_attribute("href")
    selection = category if category.startswith("/") else reverse("catalog:selection") + category
    paths = {
        "catalog:search": f"{reverse('catalog:search')}?q={DEMO_ARTICLE}",
        "catalog:selection": selection,
        "cart:import_result": reverse("cart:import_result", args=[state["cart_import"].pk]),
        "orders:placed": reverse("orders:placed", args=[order.number]),
        "orders:line_history": reverse("orders:line_history", args=[line.pk]),
        "garage:vehicle_edit": reverse("garage:vehicle_edit", args=[vehicle.pk]),
        "garage:vehicle_delete": reverse("garage:vehicle_delete", args=[vehicle.pk]),
        "garage:vehicle_catalog": reverse("garage:vehicle_catalog", args=[vehicle.pk]),
        "garage:vin_lookup": f"{reverse('garage:vin_lookup')}?vin={vehicle.vin_or_frame}",
        "garage:chat": reverse("garage:chat", args=[state["chat"].pk]),
        "returns:create": return_new,
        "returns:detail": reverse("returns:detail", args=[state["return"].pk]),
    }
    pages = [(label, paths.get(name) or reverse(name)) for name, label in PAGES]
    # Pages shown in more than one state: the search with the brand to choose, the selection
    # before a category, the file's added rows.
    pages += [
        ("search-brands", f"{reverse('catalog:search')}?q=OC+205"),
        ("selection-empty", reverse("catalog:selection")),
        ("cart-import-added", paths["cart:import_result"] + "?tab=added"),
    ]
    return pages


# «30.11.26» (a two-digit year) and «1200.72» (a number not formatted as money): what the issue
# found on «Заказы», «Архив» and an import preview; no cabinet page may show either.
SHORT_DATE = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{2}(?![\d.])")
RAW_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d.])")


# Inline scripts and handlers (a content security policy will forbid them): <script> without
# src, on…= attributes, htmx's hx-on.
INLINE_CODE = """() => [...document.querySelectorAll('*')].flatMap(el =>
  (el.tagName === 'SCRIPT' && !el.src ? ['<script>'] : []).concat(
    [...el.attributes].map(a => a.name)
      .filter(n => n.startsWith('on') || n.startsWith('hx-on'))))"""


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_cabinet_page_fits_a_phone_and_a_laptop(live_server, page, screenshot):
    # given: the demo client, signed in
    state = _demo_state()
    _log_in(page, live_server)
    pages = _pages(page, live_server, state)
    assert len(pages) == len(PAGES) + 3

    # when: every page is opened at 390 px and at 1366 px
    too_wide, not_ok, bad_text, inline, refused = [], [], [], [], []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and refused.append((page.url, message.text))
        ),
    )
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        for name, path in pages:
            response = page.goto(live_server.url + path)
            if response.status != 200:
                not_ok.append((size["width"], name, path, response.status))
            if (extra := _overflow(page)) > 0:
                too_wide.append((size["width"], name, extra))
            screenshot(f"{size['width']}-{name}")
            if size is LAPTOP:
                text = page.inner_text("body")
                bad_text += [(name, m) for m in SHORT_DATE.findall(text)]
                bad_text += [(name, m) for m in RAW_DECIMAL.findall(text)]
                inline += [(name, code) for code in page.evaluate(INLINE_CODE)]

    # then: no page scrolls sideways, at either width; dates and money read the Russian way
    assert not not_ok
    assert not too_wide, "pages wider than the window (width, page, extra px): " + repr(too_wide)
    assert not bad_text, "short-year dates or unformatted money: " + repr(bad_text)
    assert not inline, "inline scripts or handlers: " + repr(inline)
    # and the Content-Security-Policy (mprating/core/csp.py) refused nothing on any of them
    assert not refused, refused


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_page_comes_first_and_the_frame_folds(live_server, page, screenshot):
    # given
    _demo_state()
    _log_in(page, live_server)
    page.set_viewport_size(PHONE)

    # when: «Заказы» is opened on a phone
    page.goto(live_server.url + reverse("orders:lines"))

    # then: the heading is in the first screen; the sections and the statuses are folded
    heading = page.get_by_role("heading", name="Заказы", level=1)
    assert heading.bounding_box()["y"] < 200
    nav = page.get_by_role("navigation", name="Разделы кабинета")
    assert not nav.is_visible()
    assert not page.get_by_text("Позиции заказов").is_visible()
    balance_line = page.get_by_test_id("summary-button")
    assert balance_line.is_visible()
    assert "Баланс" in balance_line.inner_text()
    assert "₽" in balance_line.inner_text()
    menu = page.get_by_test_id("menu-button")
    assert menu.get_attribute("aria-expanded") == "false"
    # the badge counts what waits for the client: unseen refusals and unread chat
    assert int(page.get_by_test_id("menu-badge").inner_text()) > 0
    # the filters are folded too, under one button, and open on a press
    filters = page.get_by_test_id("filters")
    assert not filters.is_visible()
    screenshot("orders-folded")
    page.get_by_test_id("filters-toggle").click()
    assert filters.is_visible()
    assert filters.get_by_role("button", name="Найти").is_visible()

    # when: «Разделы» is pressed, then a section is chosen
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    screenshot("menu-open")
    nav.get_by_role("link", name="Финансы").click()
    page.wait_for_url("**/cabinet/finance/")

    # then: the new page starts folded again; the balance line opens the statuses
    assert not page.get_by_role("navigation", name="Разделы кабинета").is_visible()
    page.get_by_test_id("summary-button").click()
    assert page.get_by_text("Позиции заказов").is_visible()
    screenshot("summary-open")

    # and on a laptop the frame is a column again, without the two buttons
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + reverse("orders:lines"))
    assert page.get_by_role("navigation", name="Разделы кабинета").is_visible()
    assert page.get_by_test_id("balance").is_visible()
    assert not page.get_by_test_id("menu-button").is_visible()
    assert not page.get_by_test_id("summary-button").is_visible()
    assert page.get_by_test_id("filters").is_visible()
    assert not page.get_by_test_id("filters-toggle").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_shows_what_is_in_the_cart_after_a_reload(live_server, page, screenshot):
    # given: two offers of the demo article are in the cart (2 pieces each)
    state = _demo_state()
    _log_in(page, live_server)
    page.set_viewport_size(PHONE)
    search = f"{live_server.url}{reverse('catalog:search')}?q={DEMO_ARTICLE}"

    # when: the search page is opened afresh
    page.goto(search)

    # then: the carted offers say how many are in the cart, instead of «В корзину»
    for offer in state["carted"]:
        cell = page.get_by_test_id(f"in-cart-{offer.pk}")
        assert cell.is_visible()
        assert cell.inner_text() == "В корзине: 2 шт."

    # when: one more offer goes into the cart and the page is reloaded
    row = page.locator("[data-testid=offer-row]").filter(
        has=page.get_by_role("button", name="В корзину")
    )
    offer_id = row.first.get_attribute("data-offer")
    row.first.get_by_label("Количество, шт.").fill("3")
    row.first.get_by_role("button", name="В корзину").click()
    assert page.get_by_test_id(f"in-cart-{offer_id}").inner_text() == "В корзине: 3 шт."
    page.reload()

    # then: it is still shown, on the phone's card
    assert page.get_by_test_id(f"in-cart-{offer_id}").inner_text() == "В корзине: 3 шт."
    assert _overflow(page) <= 0
    screenshot("search-in-cart")
