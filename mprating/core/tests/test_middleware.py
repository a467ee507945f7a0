"""NotFound raised in a page view answers 404 (the cabinet and the back office), carrying its
Russian message to the 404 page."""

import pytest

pytestmark = pytest.mark.urls("mprating.core.tests.urls")


def test_not_found_in_a_view_becomes_404_with_its_message(client):
    response = client.get("/page/")

    assert response.status_code == 404
    assert response.content.decode() == "404: VIN-запрос не найден."


def test_the_permissions_policy_header_is_written_from_the_setting():
    from mprating.core.middleware import permissions_policy_header

    header = permissions_policy_header(
        {"camera": [], "fullscreen": ["self"], "payment": ["self", "https://pay.example.ru"]}
    )

    assert header == 'camera=(), fullscreen=(self), payment=(self "https://pay.example.ru")'
