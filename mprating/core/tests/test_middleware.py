"""NotFound raised in a page view answers 404 (the cabinet and the back office), carrying its
Russian message to the 404 page."""

import pytest

pytestmark = pytest.mark.urls("mprating.core.tests.urls")


def test_not_found_in_a_view_becomes_404_with_its_message(client):
    response = client.get("/page/")

    assert response.status_code == 404
    assert response.content.decode() == "404: VIN-запрос не найден."
