"""«Подбор по параметрам»: dependent selects, category tree of a modification, its offers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.catalog import selectors
from mprating.catalog.models import Applicability, Category
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.vehicles import selectors as vehicle_selectors
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

pytestmark = pytest.mark.django_db

URL = reverse("catalog:selection")


@pytest.fixture
def signed_in(client):
    account = account_services.client_update_search_settings(
        client=make_client(), markup_percent=Decimal("10"), cross_scheme=1
    )
    client.force_login(account.user)
    return account


@pytest.fixture
def cars():
    lada = Make.objects.get_or_create(name="Lada")[0]
    kia = Make.objects.get_or_create(name="Kia")[0]
    vesta = VehicleModel.objects.get_or_create(make=lada, name="Vesta")[0]
    granta = VehicleModel.objects.get_or_create(make=lada, name="Granta")[0]
    rio = VehicleModel.objects.get_or_create(make=kia, name="Rio")[0]
    vesta_1 = Generation.objects.get_or_create(model=vesta, name="I", defaults={"year_from": 2015})[
        0
    ]
    rio_4 = Generation.objects.get_or_create(
        model=rio, name="IV", defaults={"year_from": 2017, "year_to": 2023}
    )[0]
    return {
        "lada": lada,
        "kia": kia,
        "vesta": vesta,
        "granta": granta,
        "vesta_1": vesta_1,
        "vesta_16": Modification.objects.get_or_create(generation=vesta_1, name="1.6 MT 106 л.с.")[
            0
        ],
        "vesta_18": Modification.objects.get_or_create(generation=vesta_1, name="1.8 AMT 122 л.с.")[
            0
        ],
        "rio_14": Modification.objects.get_or_create(generation=rio_4, name="1.4 MT 100 л.с.")[0],
    }


@pytest.fixture
def tree():
    to = Category.objects.create(code="to", name="ТО и фильтры", sort_order=1)
    brakes = Category.objects.create(code="brakes", name="Тормозная система", sort_order=2)
    return {
        "to": to,
        "oil": Category.objects.create(code="oil", name="Масляные фильтры", parent=to),
        "air": Category.objects.create(code="air", name="Воздушные фильтры", parent=to),
        "pads": Category.objects.create(code="pads", name="Колодки тормозные", parent=brakes),
        "brakes": brakes,
        "ignition": Category.objects.create(code="ignition", name="Зажигание", sort_order=3),
    }


def fits(product, *modifications):
    for modification in modifications:
        Applicability.objects.create(product=product, modification=modification)
    return product


def part(category, article, brand="BOSCH"):
    product = make_product(brand, article, f"Деталь {article}")
    product.category = category
    product.save(update_fields=["category"])
    return product


def test_options_endpoints_return_the_next_list(client, signed_in, cars):
    # when the make is chosen
    models = client.get(reverse("catalog:selection_models"), {"make": cars["lada"].pk})

    # then the models of that make, and the later selects are reset out of band
    page = models.content.decode()
    assert page.lstrip().startswith('<option value="">Модель</option>')
    assert f'<option value="{cars["vesta"].pk}">Vesta</option>' in page
    assert f'<option value="{cars["granta"].pk}">Granta</option>' in page
    assert "Rio" not in page
    assert 'id="sel-generation" hx-swap-oob="innerHTML"' in page
    assert 'id="selection-results" hx-swap-oob="outerHTML"' in page

    generations = client.get(
        reverse("catalog:selection_generations"), {"model": cars["vesta"].pk}
    ).content.decode()
    assert (
        f'<option value="{cars["vesta_1"].pk}">I ({cars["vesta_1"].years})</option>' in generations
    )

    modifications = client.get(
        reverse("catalog:selection_modifications"), {"generation": cars["vesta_1"].pk}
    ).content.decode()
    assert "1.6 MT 106 л.с." in modifications and "1.8 AMT 122 л.с." in modifications
    assert "1.4 MT" not in modifications


def test_options_endpoint_with_bad_or_missing_id_gives_only_the_placeholder(client, signed_in):
    page = client.get(reverse("catalog:selection_models"), {"make": "abc"}).content.decode()
    own_options = page.split("<select", 1)[0]  # what follows are the out-of-band resets
    assert own_options.count("<option") == 1
    assert "Сначала марка" in own_options


def test_arriving_with_a_modification_fixes_the_whole_car(client, signed_in, cars, tree):
    # given
    fits(part(tree["oil"], "OIL-1"), cars["vesta_16"])

    # when
    page = client.get(URL, {"modification": cars["vesta_16"].pk}).content.decode()

    # then every select shows the car and the categories of that car are listed
    assert f'<option value="{cars["lada"].pk}" selected>Lada</option>' in page
    assert f'<option value="{cars["vesta"].pk}" selected>Vesta</option>' in page
    assert (
        f'<option value="{cars["vesta_1"].pk}" selected>I ({cars["vesta_1"].years})</option>'
        in page
    )
    assert f'<option value="{cars["vesta_16"].pk}" selected>1.6 MT 106 л.с.</option>' in page
    assert 'data-testid="categories"' in page
    assert "Масляные фильтры" in page


def test_category_tree_has_only_categories_with_applicable_products_and_counts(cars, tree):
    # given two oil filters and one pad for Vesta 1.6, a spark plug only for Rio
    fits(part(tree["oil"], "OIL-1"), cars["vesta_16"])
    fits(part(tree["oil"], "OIL-2"), cars["vesta_16"], cars["vesta_18"])
    fits(part(tree["pads"], "PAD-1"), cars["vesta_16"])
    fits(part(tree["ignition"], "PLUG-1"), cars["rio_14"])

    # when
    roots = selectors.category_tree_for_modification(cars["vesta_16"].pk)

    # then
    assert [(r.name, r.count) for r in roots] == [("ТО и фильтры", 2), ("Тормозная система", 1)]
    assert [(c.name, c.count) for c in roots[0].children] == [("Масляные фильтры", 2)]
    assert selectors.category_tree_for_modification(cars["vesta_18"].pk)[0].count == 1
    assert selectors.category_tree_for_modification(cars["kia"].pk + 999) == []


def test_category_shows_applicable_products_with_display_prices(client, signed_in, cars, tree):
    # given an oil filter for Vesta 1.6 with an offer, and one for Rio only
    warehouse = make_warehouse(name="Склад Москва")
    vesta_filter = fits(part(tree["oil"], "OIL-VESTA"), cars["vesta_16"])
    rio_filter = fits(part(tree["oil"], "OIL-RIO"), cars["rio_14"])
    offer = make_offer(vesta_filter, warehouse, price="1000.00")
    make_offer(rio_filter, warehouse, price="2000.00")

    # when the parent category is chosen (its subtree counts)
    response = client.get(URL, {"modification": cars["vesta_16"].pk, "category": tree["to"].pk})

    # then
    page = response.content.decode()
    assert page.count('data-testid="offer-row"') == 1
    assert "OIL-VESTA" in page and "OIL-RIO" not in page
    assert "1\u202f100,00\u00a0₽" in page  # +10 %
    assert "1\u202f000,00" not in page
    assert f'id="offer-{offer.pk}-cart"' in page


def test_htmx_modification_change_returns_the_results_block(client, signed_in, cars, tree):
    fits(part(tree["oil"], "OIL-1"), cars["vesta_16"])
    response = client.get(
        URL, {"modification": cars["vesta_16"].pk}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="selection-results">')
    assert "Масляные фильтры" in page


def test_mismatched_ids_are_dropped(client, signed_in, cars):
    # the Kia make with a Lada model: the model is not among Kia's models
    choice = vehicle_selectors.vehicle_choice(make_id=cars["kia"].pk, model_id=cars["vesta"].pk)
    assert choice.make_id == cars["kia"].pk
    assert choice.model_id is None
    assert choice.generations == []
    response = client.get(URL, {"make": "x", "modification": "999999"})
    assert response.status_code == 200
    assert 'data-testid="choose-vehicle"' in response.content.decode()


def test_query_count_is_the_same_for_5_and_50_products(client, signed_in, cars, tree):
    # given 5 oil filters for Vesta 1.6 and 50 for Vesta 1.8, two offers each
    home, transit = make_warehouse(), make_warehouse("transit")
    for modification, n in ((cars["vesta_16"], 5), (cars["vesta_18"], 50)):
        for i in range(n):
            product = fits(part(tree["oil"], f"Q-{modification.pk}-{i}"), modification)
            make_offer(product, home)
            make_offer(product, transit)

    def page(modification):
        return client.get(URL, {"modification": modification.pk, "category": tree["oil"].pk})

    # when / then
    assert count_queries(lambda: page(cars["vesta_16"])) == count_queries(
        lambda: page(cars["vesta_18"])
    )
    assert page(cars["vesta_18"]).content.decode().count('data-testid="offer-row"') == 100
