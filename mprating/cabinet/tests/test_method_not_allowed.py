"""An action's address opened as a page answers the site's Russian 405 page and changes nothing;
the API keeps its JSON shape."""

import pytest
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff

pytestmark = pytest.mark.django_db


def test_a_post_only_cabinet_address_opened_as_a_page_is_explained_in_russian(client):
    client.force_login(make_client().user)

    response = client.get(reverse("cabinet:package_buy"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Это действие выполняется кнопкой на странице" in html
    assert "ничего не изменилось" in html


def test_a_post_only_back_office_address_too(client):
    client.force_login(make_staff(roles.OPERATOR))

    response = client.get(reverse("admin:catalog_importjob_start", args=[1]))

    assert response.status_code == 405
    assert "Это действие выполняется кнопкой на странице" in response.content.decode()


def test_the_api_keeps_its_json_405(client):
    client.force_login(make_client().user)

    response = client.delete("/api/v1/profile")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
