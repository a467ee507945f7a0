"""The garage («Автомобили», seed 004): dependent selects, the generated name, edit, delete."""

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.core.testing import count_queries
from mprating.garage import services
from mprating.garage.models import Vehicle
from mprating.garage.tests.vin_factories import (
    LADA_VESTA_VIN,
    LADA_VESTA_VIN_BAD_CHECK,
    clear_reference,
    make_vehicle,
    reference,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vesta():
    clear_reference()
    return reference()


@pytest.fixture
def owner(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _post_data(modification, **extra):
    generation = modification.generation
    data = {
        "make": generation.model.make_id,
        "model": generation.model_id,
        "generation": generation.pk,
        "modification": modification.pk,
        "year": "2019",
        "power_hp": "106",
        "vin_or_frame": "",
        "comment": "машина жены",
    }
    data.update(extra)
    return data


def test_name_is_make_model_generation(vesta):
    # given the reference Lada → Vesta → I
    # when a car is added
    vehicle = make_vehicle(make_client(), vesta[0])

    # then seed 004: «Марка Модель Поколение»
    assert vehicle.name == "Lada Vesta I"


def test_add_through_the_form_saves_the_car(client, owner, vesta):
    response = client.post(reverse("garage:vehicle_add"), _post_data(vesta[0]))

    assert response.status_code == 302
    vehicle = Vehicle.objects.get(client=owner)
    assert (vehicle.name, vehicle.year, vehicle.power_hp, vehicle.comment) == (
        "Lada Vesta I",
        2019,
        106,
        "машина жены",
    )
    assert vehicle.modification == vesta[0]


def test_selects_narrow_each_other(client, owner, vesta):
    # given another make with its own model
    kia = reference("Kia", "Rio", ("IV", 2017, 2023), (("1.6 AT 123 л.с.", "G4FG", 123),))
    lada = vesta[0].generation.model.make
    vesta_model = vesta[0].generation.model

    # when the make is chosen, then only its models come back, later selects are reset
    models = client.get(reverse("garage:options_models"), {"make": lada.pk}).content.decode()
    assert "Vesta" in models and "Rio" not in models
    assert 'id="id_generation" hx-swap-oob' in models

    generations = client.get(
        reverse("garage:options_generations"), {"model": vesta_model.pk}
    ).content.decode()
    assert "I (2015–н. в.)" in generations and "IV" not in generations

    mods = client.get(
        reverse("garage:options_modifications"), {"generation": vesta[0].generation_id}
    ).content.decode()
    assert "1.6 MT 106 л.с." in mods and "1.8 AMT 122 л.с." in mods
    assert kia[0].name not in mods
    # the year select gets the generation's years
    assert '<option value="2015">2015</option>' in mods


def test_model_of_another_make_is_refused(client, owner, vesta):
    kia = reference("Kia", "Rio", ("IV", 2017, 2023), (("1.6 AT 123 л.с.", "G4FG", 123),))
    data = _post_data(vesta[0], model=kia[0].generation.model_id)

    response = client.post(reverse("garage:vehicle_add"), data)

    assert response.status_code == 422
    assert "Выберите модель из списка." in response.content.decode()
    assert not Vehicle.objects.exists()


def test_a_missing_make_is_asked_for_in_the_accusative(client, owner, vesta):
    data = _post_data(vesta[0], make="", model="", generation="")

    response = client.post(reverse("garage:vehicle_add"), data)

    page = response.content.decode()
    assert response.status_code == 422
    assert "Выберите марку." in page
    assert "Выберите поколение." in page
    assert "Выберите марка" not in page


def test_service_checks_the_chain_too(vesta):
    kia = reference("Kia", "Rio", ("IV", 2017, 2023), (("1.6 AT 123 л.с.", "G4FG", 123),))
    data = services.VehicleData(
        make_id=vesta[0].generation.model.make_id,
        model_id=vesta[0].generation.model_id,
        generation_id=kia[0].generation_id,
    )

    with pytest.raises(ApplicationError) as error:
        services.vehicle_create(client=make_client(), data=data)

    assert error.value.field == "generation"


def test_year_outside_the_generation_is_refused(vesta):
    data = services.VehicleData(
        make_id=vesta[0].generation.model.make_id,
        model_id=vesta[0].generation.model_id,
        generation_id=vesta[0].generation_id,
        year=2010,
    )

    with pytest.raises(ApplicationError) as error:
        services.vehicle_create(client=make_client(), data=data)

    assert error.value.code == "year_out_of_generation"


def test_power_must_be_a_whole_number(client, owner, vesta):
    response = client.post(reverse("garage:vehicle_add"), _post_data(vesta[0], power_hp="10.5"))

    assert response.status_code == 422
    assert "Мощность — целое число лошадиных сил." in response.content.decode()


def test_vin_with_bad_letters_is_shown_next_to_the_field(client, owner, vesta):
    data = _post_data(vesta[0], vin_or_frame="XTAGFL11OJY123456")

    response = client.post(reverse("garage:vehicle_add"), data)

    assert response.status_code == 422
    assert 'data-testid="error-vin_or_frame"' in response.content.decode()
    assert not Vehicle.objects.exists()


def test_bad_check_digit_saves_with_a_warning(client, owner, vesta):
    data = _post_data(vesta[0], vin_or_frame=LADA_VESTA_VIN_BAD_CHECK.lower())

    response = client.post(reverse("garage:vehicle_add"), data, follow=True)

    assert Vehicle.objects.get().vin_or_frame == LADA_VESTA_VIN_BAD_CHECK
    assert "Контрольный знак VIN" in response.content.decode()


def test_edit_form_is_filled_and_saves(client, owner, vesta):
    vehicle = make_vehicle(owner, vesta[0], year=2018)
    url = reverse("garage:vehicle_edit", args=[vehicle.pk])

    page = client.get(url).content.decode()
    assert '<option value="2018" selected>2018</option>' in page
    assert "1.8 AMT 122 л.с." in page  # the modifications of its generation are offered

    client.post(url, _post_data(vesta[1], vin_or_frame=LADA_VESTA_VIN, power_hp="122"))
    vehicle.refresh_from_db()
    assert (vehicle.modification, vehicle.power_hp, vehicle.vin_or_frame) == (
        vesta[1],
        122,
        LADA_VESTA_VIN,
    )


def test_delete_asks_then_deletes_for_good(client, owner, vesta):
    vehicle = make_vehicle(owner, vesta[0])
    url = reverse("garage:vehicle_delete", args=[vehicle.pk])

    assert "Удалить навсегда" in client.get(url).content.decode()
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()

    client.post(url)
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_another_clients_car_is_404(client, owner, vesta):
    foreign = make_vehicle(make_client(email="other@example.ru"), vesta[0])

    for name in ["garage:vehicle_edit", "garage:vehicle_delete", "garage:vehicle_catalog"]:
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert client.post(reverse("garage:vehicle_delete", args=[foreign.pk])).status_code == 404
    assert Vehicle.objects.filter(pk=foreign.pk).exists()


def test_list_shows_the_seed_buttons_and_links_to_selection(client, owner, vesta):
    vehicle = make_vehicle(owner, vesta[0], vin_or_frame=LADA_VESTA_VIN, year=2019, power_hp=106)

    page = client.get(reverse("garage:vehicles")).content.decode()

    assert "Lada Vesta I" in page and LADA_VESTA_VIN in page and "106 л.с." in page
    assert "Оригинальный каталог" in page
    generation = vesta[0].generation
    expected = (
        f"{reverse('catalog:selection')}?make={generation.model.make_id}"
        f"&amp;model={generation.model_id}&amp;generation={generation.pk}"
        f"&amp;modification={vesta[0].pk}"
    )
    assert expected in page
    assert reverse("garage:vehicle_edit", args=[vehicle.pk]) in page


def test_list_query_count_does_not_grow(client, owner, vesta):
    def cars(n):
        for i in range(n):
            make_vehicle(owner, vesta[i % 2], comment=f"машина {i}")

    url = reverse("garage:vehicles")
    cars(5)
    five = count_queries(lambda: client.get(url))
    cars(45)
    fifty = count_queries(lambda: client.get(url))

    assert five == fifty


def test_staff_has_no_garage(client, vesta):
    from mprating.accounts.tests.factories import make_staff

    client.force_login(make_staff(email="staff@example.ru"))

    assert client.get(reverse("garage:vehicles")).status_code == 403
