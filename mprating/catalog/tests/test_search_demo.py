"""The demo catalog: searchable, deterministic, idempotent."""

import io

import pytest

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.catalog import demo
from mprating.catalog.models import (
    Applicability,
    Brand,
    Category,
    CrossLink,
    Offer,
    Product,
    Warehouse,
)
from mprating.catalog.search import SearchResult, search
from mprating.catalog.services import brand_resolve
from mprating.vehicles.models import Generation, Make, Modification
from mprating.vehicles.reference import DEFAULT_PATH, load_reference

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "products": sorted(Product.objects.values_list("brand__name", "article", "name")),
        "links": CrossLink.objects.count(),
        "offers": sorted(
            Offer.objects.values_list(
                "product__article", "warehouse__code", "price", "quantity", "updated_at"
            )
        ),
        "applicability": Applicability.objects.count(),
        "modifications": Modification.objects.count(),
        "categories": Category.objects.count(),
    }


def test_seed_is_idempotent_searchable_and_prints_examples():
    out = io.StringIO()
    demo.seed(stdout=out)
    first = snapshot()
    demo.seed(stdout=io.StringIO())
    assert snapshot() == first
    assert "0986-452-041" in out.getvalue()
    assert 250 <= len(first["products"]) <= 500
    assert Brand.objects.count() >= 15
    assert set(Warehouse.objects.values_list("kind", flat=True)) == {
        "home",
        "transit",
        "marketplace",
    }

    # and the demo is searchable: schemes give growing results, «OC 205» asks for the brand
    client = make_client()
    counts = []
    for scheme in (1, 2, 3):
        client = account_services.client_update_search_settings(
            client=client, markup_percent=client.markup_percent, cross_scheme=scheme
        )
        result = search(client=client, query="0986-452-041")
        assert result.status == SearchResult.STATUS_FOUND
        assert {row.warehouse_kind for row in result.requested_rows} == {
            "home",
            "transit",
            "marketplace",
        }
        counts.append(len({row.product_id for row in result.analog_rows}))
    assert counts[0] < counts[1] < counts[2]

    ambiguous = search(client=client, query="oc205")
    assert [c.brand for c in ambiguous.brand_choices] == ["KNECHT", "MAHLE"]
    assert brand_resolve("LEMFORDER").name == brand_resolve("Lemfoerder").name == "LEMFÖRDER"
    assert brand_resolve("MOBIS").name == "HYUNDAI/KIA"


def test_plan_is_deterministic():
    first, second = demo.build_plan(), demo.build_plan()
    assert [(p.brand, p.article, p.offers) for p in first.products] == [
        (p.brand, p.article, p.offers) for p in second.products
    ]
    assert first.links == second.links


def test_catalog_demo_cars_are_found_in_the_reference_not_duplicated():
    # given the shipped reference
    load_reference(DEFAULT_PATH)
    sizes = (Generation.objects.count(), Modification.objects.count())

    # when the catalog demo creates its cars by name (get_or_create)
    demo._vehicles()

    # then every one of them already existed
    assert (Generation.objects.count(), Modification.objects.count()) == sizes
    assert Make.objects.filter(name="Lada", sort_order=1).exists()
