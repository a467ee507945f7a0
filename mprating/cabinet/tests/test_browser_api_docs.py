"""`/api/v1/docs` works offline: Swagger UI comes from django-ninja's vendored static files,
not from a CDN (DESIGN.md §4: no CDN)."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_with_every_outside_request_blocked(live_server, page, screenshot):
    ours = urlsplit(live_server.url).netloc
    blocked: list[str] = []

    def only_the_live_server(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_live_server)

    page.goto(f"{live_server.url}/api/v1/docs")

    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 10
    assert page.get_by_text("/api/v1/cart/lines").first.is_visible()
    assert page.get_by_text("MP Rating API").first.is_visible()
    assert blocked == []
    screenshot("docs")
