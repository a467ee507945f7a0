import pytest

from mprating.catalog import services
from mprating.catalog.normalize import normalize_article, normalize_brand
from mprating.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "spelling", ["0 986 452 041", "0986-452-041", "0986.452/041", " 0986452041 ", "0986_452\\041"]
)
def test_article_spellings_normalize_to_one(spelling):
    assert normalize_article(spelling) == "0986452041"


def test_article_normalization_upper_cases_letters():
    assert normalize_article("oc 90 of") == "OC90OF"


@pytest.mark.parametrize(
    ("raw", "key"),
    [("LEMFÖRDER", "LEMFORDER"), ("Lemforder", "LEMFORDER"), ("Mercedes-Benz", "MERCEDESBENZ")],
)
def test_brand_normalization(raw, key):
    assert normalize_brand(raw) == key


def test_brand_found_through_diacritics_and_alias():
    brand = services.brand_get_or_create(name="LEMFÖRDER")
    mb = services.brand_get_or_create(name="MERCEDES-BENZ")
    services.brand_alias_add(brand=mb, alias="MB")

    assert services.brand_resolve("Lemforder") == brand
    assert services.brand_get_or_create(name="LEMFORDER") == brand
    assert services.brand_resolve("mb") == mb


def test_cross_pair_is_stored_once_in_either_direction():
    first, second = make_product(article="A-1"), make_product(article="B-1")

    one = services.cross_link_add(product_1=second, product_2=first)
    two = services.cross_link_add(product_1=first, product_2=second)

    assert one == two
    assert one.product_a_id < one.product_b_id
    assert services.cross_link_add(product_1=first, product_2=first) is None


def test_product_upsert_finds_the_article_in_any_spelling():
    first = make_product(brand="BOSCH", article="0 986 452 041")
    again = make_product(brand="Bosch", article="0986-452-041")

    assert first == again
    assert first.article == "0 986 452 041"
