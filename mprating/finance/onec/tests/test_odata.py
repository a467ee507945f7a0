"""The OData client against the fake 1С: URLs, auth, paging, BOM, errors, batching."""

from datetime import datetime
from decimal import Decimal

import pytest

from mprating.finance.onec.odata import (
    ODataClient,
    OneCError,
    batches,
    datetime_literal,
    service_root,
    string_literal,
)
from mprating.finance.onec.tests.fake_onec import COUNTERPARTIES, PASSWORD, USER


def _client(onec, **overrides) -> ODataClient:
    options = {
        "base_url": onec.base_url,
        "username": USER,
        "password": PASSWORD,
        "timeout": 5,
        "page_size": 2,
    }
    return ODataClient(**{**options, **overrides})


@pytest.mark.parametrize(
    "base",
    [
        "https://1c.example.ru/trade",
        "https://1c.example.ru/trade/",
        "https://1c.example.ru/trade/odata/standard.odata",
        "https://1c.example.ru/trade/odata/standard.odata/$metadata",
    ],
)
def test_the_service_root_is_found_from_any_form_of_the_address(base):
    assert service_root(base) == "https://1c.example.ru/trade/odata/standard.odata/"


def test_literals_follow_1c():
    assert string_literal("ООО 'Рога'") == "'ООО ''Рога'''"
    assert datetime_literal(datetime(2026, 1, 2, 3, 4, 5, 678)) == "datetime'2026-01-02T03:04:05'"


def test_batches_drop_duplicates_and_the_empty_guid():
    keys = ["a", "b", "a", "00000000-0000-0000-0000-000000000000", "", "c"]
    assert list(batches(keys, 2)) == [["a", "b"], ["c"]]


def test_rows_are_read_page_by_page_with_top_and_skip(onec):
    for number in range(5):
        onec.add_counterparty(inn=f"77000000{number:02d}", name=f"Контрагент {number}")

    rows = list(_client(onec).iterate(COUNTERPARTIES, select=["Ref_Key", "Description"]))

    assert [row["Description"] for row in rows] == [f"Контрагент {n}" for n in range(5)]
    assert [r.split("$skip=")[1].split("&")[0] for r in onec.requests_to(COUNTERPARTIES)] == [
        "0",
        "2",
        "4",
    ]
    assert all("$format=json" in r for r in onec.requests)


def test_a_filter_with_cyrillic_and_quotes_reaches_1c_intact(onec):
    onec.add_counterparty(inn="7707083893", name="ООО 'Рога'")

    name = string_literal("ООО 'Рога'")

    rows = list(_client(onec).iterate(COUNTERPARTIES, filter=f"Description eq {name}"))

    assert [row["Description"] for row in rows] == ["ООО 'Рога'"]


@pytest.mark.django_db
def test_amounts_are_decimals_never_floats(onec, history):
    rows = list(_client(onec).iterate("AccumulationRegister_РасчетыСКлиентами_RecordType"))

    amounts = {row["Сумма"] for row in rows}
    assert Decimal("12345.60") in amounts
    assert all(isinstance(a, Decimal | int) for a in amounts)


def test_a_utf8_bom_before_the_json_is_skipped(onec):
    onec.add_counterparty(inn="7707083893", name="Альфа")
    onec.fail("bom")

    rows = list(_client(onec).iterate(COUNTERPARTIES))

    assert rows[0]["Description"] == "Альфа"


def test_wrong_password_is_a_clear_auth_error(onec):
    with pytest.raises(OneCError) as error:
        _client(onec, password="не тот").rows(COUNTERPARTIES)

    assert error.value.kind == "auth"
    assert "не приняла логин или пароль" in error.value.message


def test_a_slow_1c_is_a_timeout_not_a_hang(onec):
    onec.sleep_seconds = 1.0
    onec.fail("timeout")

    with pytest.raises(OneCError) as error:
        _client(onec, timeout=0.2).rows(COUNTERPARTIES)

    assert error.value.kind == "timeout"
    assert "1С не ответила за 0,2 с" in error.value.message


def test_http_500_carries_1cs_own_message(onec):
    onec.fail("500")

    with pytest.raises(OneCError) as error:
        _client(onec).rows(COUNTERPARTIES)

    assert error.value.kind == "server"
    assert "Произошла внутренняя ошибка OData сервиса" in error.value.message


def test_malformed_json_is_a_bad_response(onec):
    onec.fail("bad_json")

    with pytest.raises(OneCError) as error:
        _client(onec).rows(COUNTERPARTIES)

    assert error.value.kind == "bad_response"


def test_an_unpublished_set_is_not_found(onec):
    onec.unpublished.add(COUNTERPARTIES)

    with pytest.raises(OneCError) as error:
        _client(onec).rows(COUNTERPARTIES)

    assert error.value.kind == "not_found"
    assert error.value.status == 404


def test_an_unknown_field_in_select_is_1cs_path_segment_error(onec):
    with pytest.raises(OneCError) as error:
        _client(onec).rows(COUNTERPARTIES, {"$select": "НетТакогоПоля"})

    assert error.value.status == 400
    assert "Сегмент пути НетТакогоПоля не найден!" in error.value.message


def test_nobody_listening_is_unreachable():
    client = ODataClient(base_url="http://127.0.0.1:9/trade", username="u", password="p", timeout=2)

    with pytest.raises(OneCError) as error:
        client.rows(COUNTERPARTIES)

    assert error.value.kind == "unreachable"
    assert "Не удалось подключиться к 1С (127.0.0.1:9)" in error.value.message


def test_keys_are_asked_in_or_chains_of_at_most_the_batch_size(onec):
    keys = [onec.add_counterparty(inn="", name=f"К{n}") for n in range(7)]

    rows = list(
        _client(onec, page_size=100).iterate_by_keys(
            COUNTERPARTIES, field="Ref_Key", keys=keys, batch_size=3, select=["Ref_Key"]
        )
    )

    assert sorted(row["Ref_Key"] for row in rows) == sorted(keys)
    chains = [r.count(" or ") + 1 for r in onec.requests_to(COUNTERPARTIES)]
    assert chains == [3, 3, 1]


@pytest.mark.parametrize("base", ["ftp://1c.example.ru/trade", "file:///etc/trade"])
def test_only_http_and_https_addresses_are_ever_opened(base):
    client = ODataClient(base_url=base, username=USER, password=PASSWORD, timeout=5)

    with pytest.raises(OneCError) as caught:
        client.get_json("Catalog_Контрагенты")

    assert caught.value.kind == "unreachable"
    assert "http://" in caught.value.message
