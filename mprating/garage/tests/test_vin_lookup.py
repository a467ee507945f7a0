"""«Оригинальный каталог»: the VIN lookup — found, not found, make not in our list, frame."""

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.garage import services
from mprating.garage.models import OriginalCatalogLink
from mprating.garage.selectors import vin_lookup
from mprating.garage.tests.vin_factories import (
    FRAME_NUMBER,
    HONDA_VIN,
    LADA_VESTA_VIN,
    UNKNOWN_WMI_VIN,
    clear_reference,
    make_vehicle,
    reference,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vesta():
    clear_reference()
    mods = reference()
    # a second Lada model and a Vesta generation of other years do not confuse the match
    reference("Lada", "Granta", ("I", 2011, 2018), (("1.6 MT 87 л.с.", "ВАЗ-11186", 87),))
    reference("Lada", "Vesta", ("Cross II", 2026, None), (("1.6 MT 106 л.с.", "", 106),))
    return mods


@pytest.fixture
def owner(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _catalog_link(name="ВАЗ"):
    return services.original_catalog_link_save(
        link_id=None,
        make_name=name,
        title=f"Оригинальный каталог {name}",
        url="https://example.org/vaz",
    )


def test_lada_vin_is_identified_down_to_the_modification(vesta):
    result = vin_lookup(LADA_VESTA_VIN)

    assert result.found
    assert result.make.name == "Lada"
    assert result.model.name == "Vesta"
    assert result.generation.name == "I"
    assert result.year == 2018
    assert result.modification == vesta[0]  # engine 21129 → «ВАЗ-21129»


def test_found_opens_selection_with_the_car_fixed(client, owner, vesta):
    vehicle = make_vehicle(owner, vesta[1], vin_or_frame=LADA_VESTA_VIN)

    response = client.get(reverse("garage:vehicle_catalog", args=[vehicle.pk]))

    assert response.status_code == 302
    generation = vesta[0].generation
    assert response["Location"] == (
        f"{reverse('catalog:selection')}?make={generation.model.make_id}&model={generation.model_id}"
        f"&generation={generation.pk}&modification={vesta[0].pk}"
    )


def test_make_known_but_model_not_decoded_shows_not_found_prefilled(client, owner, vesta):
    # vininfo knows Honda but not its models: Honda in our list → make pre-filled
    honda = reference("Honda", "Civic", ("VIII", 2005, 2011), (("1.8 AT 140 л.с.", "R18A", 140),))

    result = vin_lookup(HONDA_VIN)
    assert not result.found and result.make_found
    assert result.make == honda[0].generation.model.make

    page = client.get(reverse("garage:vin_lookup"), {"vin": HONDA_VIN}).content.decode()
    assert "VIN не найден" in page
    assert f"?make={result.make.pk}" in page
    assert "Продолжить поиск по марке, модели и модификации" in page


def test_make_not_in_our_list_shows_special_catalog(client, owner, vesta):
    # given the back office set a special catalog for Honda; Honda is not in the reference
    link = _catalog_link("Honda")

    page = client.get(reverse("garage:vin_lookup"), {"vin": HONDA_VIN}).content.decode()

    assert "VIN не найден" in page
    assert 'data-testid="make-not-listed"' in page
    assert link.url in page and link.title in page


def test_unknown_wmi_continues_from_the_garage_car(client, owner, vesta):
    # given a Lada in the garage with a VIN vininfo cannot read, and the ВАЗ catalog
    link = _catalog_link("ВАЗ")
    vehicle = make_vehicle(owner, vesta[0], vin_or_frame=UNKNOWN_WMI_VIN)

    response = client.get(reverse("garage:vehicle_catalog", args=[vehicle.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "VIN не найден" in page
    assert "из данных автомобиля в гараже" in page
    assert f"modification={vesta[0].pk}" in page
    # «оригинальный каталог ВАЗ» is offered for the car's make Lada
    assert link.url in page


def test_frame_number_is_not_decoded(vesta):
    result = vin_lookup(FRAME_NUMBER)

    assert result.kind == "frame"
    assert not result.found
    assert result.decoded is None


def test_bad_vin_is_shown_next_to_the_field(client, owner, vesta):
    response = client.get(reverse("garage:vin_lookup"), {"vin": "XTAGFL11OJY123456"})

    assert response.status_code == 422
    assert 'data-testid="error-vin"' in response.content.decode()


def test_ambiguous_make_is_not_guessed(vesta):
    # «Lada» and «ВАЗ» as two makes: the lookup does not pick one
    reference("ВАЗ", "2107", ("I", 1982, 2012), (("1.6 MT 75 л.с.", "ВАЗ-2106", 75),))

    assert vin_lookup(LADA_VESTA_VIN).make is None


def test_catalog_link_per_make_is_unique():
    _catalog_link("ВАЗ")

    with pytest.raises(Exception) as error:
        _catalog_link("ваз")

    assert "уже задан" in str(error.value)
    assert OriginalCatalogLink.objects.count() == 1
