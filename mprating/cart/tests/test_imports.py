"""«Загрузить в корзину»: refused files add nothing; each row gets its outcome."""

import gc
import io

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.cart import imports, selectors, services
from mprating.cart.models import CartImport, CartImportRow, CartLine
from mprating.cart.tests.files import csv_bytes, xls_bytes, xlsx_bytes
from mprating.catalog import services as catalog_services
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db
Outcome = CartImportRow.Outcome


def run(client, data: bytes, filename: str = "zakaz.xlsx") -> CartImport:
    return imports.cart_import_file(client=client, file=io.BytesIO(data), filename=filename)


def outcomes(cart_import: CartImport) -> dict[int, tuple[str, str]]:
    return {r.row_number: (r.outcome, r.reason) for r in cart_import.rows.all()}


@pytest.fixture
def buyer():
    return make_client()


@pytest.fixture
def bosch_filter():
    product = make_product(brand="BOSCH", article="0 986 452 041", name="Фильтр масляный")
    return make_offer(product=product, price="450.00", quantity=10)


# ---- refused files add nothing ----------------------------------------------------------------


def refused(client, data: bytes, filename: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        run(client, data, filename)
    assert not CartLine.objects.exists()
    assert not CartImport.objects.exists()
    return error.value


def test_wrong_extension_is_refused(buyer, bosch_filter):
    error = refused(buyer, b"%PDF-1.4 ...", "zakaz.pdf")
    assert error.code == "bad_extension"


def test_disguised_file_is_refused(buyer, bosch_filter):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert refused(buyer, png, "zakaz.xlsx").code == "disguised_file"
    csv_called_xlsx = csv_bytes([["BOSCH", "0986452041", 1, ""]])
    assert refused(buyer, csv_called_xlsx, "zakaz.xlsx").code == "disguised_file"


def test_empty_file_is_refused(buyer):
    assert refused(buyer, b"", "zakaz.csv").code == "empty_file"


def test_broken_xlsx_is_refused(buyer):
    assert refused(buyer, b"PK\x03\x04garbage", "zakaz.xlsx").code == "broken_file"


def test_file_without_needed_columns_is_refused(buyer, bosch_filter):
    data = xlsx_bytes([["BOSCH", "0986452041"]], header=["Бренд", "Артикул"])
    error = refused(buyer, data, "zakaz.xlsx")
    assert error.code == "missing_columns"
    assert "«Количество»" in error.message


def test_file_without_header_is_refused(buyer, bosch_filter):
    data = xlsx_bytes([["BOSCH", "0986452041", 2]], header=None)
    assert refused(buyer, data, "zakaz.xlsx").code == "missing_columns"


def test_header_only_file_is_refused(buyer):
    assert refused(buyer, xlsx_bytes([]), "zakaz.xlsx").code == "no_rows"


def test_formula_cells_are_refused(buyer, bosch_filter):
    data = xlsx_bytes([["BOSCH", "0986452041", 2, ""], ["BOSCH", "0986452041", "=B2*2", ""]])
    error = refused(buyer, data, "zakaz.xlsx")
    assert error.code == "formula_cell"


def test_too_many_rows_are_refused(buyer, bosch_filter, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    data = csv_bytes([["BOSCH", "0986452041", 1, ""]] * 4)
    error = refused(buyer, data, "zakaz.csv")
    assert error.code == "too_many_rows"


def test_ten_thousand_rows_limit_message(buyer, bosch_filter):
    data = csv_bytes([["BOSCH", "0986452041", 1, ""]] * 10_001)
    error = refused(buyer, data, "zakaz.csv")
    assert "больше 10\u00a0000 строк" in error.message


def test_too_big_file_is_refused(buyer, bosch_filter):
    row = ["BOSCH", "0986452041", 1, "x" * 200]
    data = csv_bytes([row] * 26_000)
    assert len(data) > 5 * 1024 * 1024
    error = refused(buyer, data, "zakaz.csv")
    assert error.code == "file_too_big"
    assert "5 МБ" in error.message


# ---- row outcomes -----------------------------------------------------------------------------


def test_good_rows_are_added_and_bad_rows_listed(buyer, bosch_filter):
    mann = make_offer(product=make_product(brand="MANN", article="W 712/95"), quantity=2)
    short = make_offer(product=make_product(brand="SACHS", article="315 678"), quantity=1)
    minimum = make_offer(
        product=make_product(brand="NGK", article="BKR6E"), quantity=40, min_order_quantity=4
    )
    make_product(brand="FEBI", article="AMB-1")
    make_product(brand="TRW", article="AMB-1")
    data = xlsx_bytes(
        [
            ["BOSCH", "0 986 452 041", 2, "ТО-1"],  # 2 added
            ["", "W712/95", "1 шт.", ""],  # 3 added by article alone
            ["", "NOPE-1", 1, ""],  # 4 not found
            ["", "AMB1", 1, ""],  # 5 ambiguous
            ["SACHS", "315678", 3, ""],  # 6 not enough
            ["BOSCH", "0986452041", "два", ""],  # 7 bad quantity
            ["NGK", "BKR6E", 2, ""],  # 8 below minimum
            ["BOSCH", "0986452041", 1.5, ""],  # 9 bad quantity (not whole)
        ]
    )

    cart_import = run(buyer, data)

    result = outcomes(cart_import)
    assert result[2] == (Outcome.ADDED, "")
    assert result[3] == (Outcome.ADDED, "")
    assert result[4] == (Outcome.NOT_FOUND, "не найден")
    assert result[5] == (Outcome.AMBIGUOUS, "несколько брендов — выберите")
    assert result[6] == (Outcome.NOT_ENOUGH, "недостаточно на складе (есть 1)")
    assert result[7] == (Outcome.BAD_QUANTITY, "некорректное количество")
    assert result[8] == (Outcome.BELOW_MIN, "ниже минимального заказа (4 шт.)")
    assert result[9][0] == Outcome.BAD_QUANTITY
    lines = {line.offer_id: line for line in CartLine.objects.filter(client=buyer)}
    assert set(lines) == {bosch_filter.pk, mann.pk}
    assert lines[bosch_filter.pk].quantity == 2 and lines[bosch_filter.pk].comment == "ТО-1"
    assert short.pk not in lines and minimum.pk not in lines
    assert cart_import.rows_total == 8


def test_rows_of_the_same_offer_add_up_and_respect_stock(buyer, bosch_filter):
    services.cart_add(client=buyer, offer_id=bosch_filter.pk, quantity=4)
    data = xlsx_bytes([["BOSCH", "0986452041", 5, ""], ["BOSCH", "0986452041", 2, ""]])

    cart_import = run(buyer, data)

    assert outcomes(cart_import)[2] == (Outcome.ADDED, "")
    assert outcomes(cart_import)[3] == (Outcome.NOT_ENOUGH, "недостаточно на складе (есть 1)")
    assert CartLine.objects.get(client=buyer).quantity == 9


def test_lines_already_in_the_cart_get_the_quantity_and_the_comment_of_the_file(buyer):
    warehouse = make_warehouse()
    renamed, kept, refused = (
        make_offer(product=make_product(brand="BOSCH", article=article), warehouse=warehouse)
        for article in ("CMT-1", "CMT-2", "CMT-3")
    )
    services.cart_add(client=buyer, offer_id=renamed.pk, quantity=1, comment="старый")
    services.cart_add(client=buyer, offer_id=kept.pk, quantity=1, comment="оставить")
    services.cart_add(client=buyer, offer_id=refused.pk, quantity=1, comment="как было")
    data = xlsx_bytes(
        [
            ["BOSCH", "CMT-1", 2, "новый"],  # more pieces and a new comment
            ["BOSCH", "CMT-2", 3, ""],  # more pieces, the comment stays
            ["BOSCH", "CMT-3", 500, "не добавится"],  # not enough: nothing changes
        ]
    )

    cart_import = run(buyer, data)

    assert [outcome for outcome, _ in outcomes(cart_import).values()] == [
        Outcome.ADDED,
        Outcome.ADDED,
        Outcome.NOT_ENOUGH,
    ]
    lines = {line.offer_id: (line.quantity, line.comment) for line in CartLine.objects.all()}
    assert lines == {
        renamed.pk: (3, "новый"),
        kept.pk: (4, "оставить"),
        refused.pk: (1, "как было"),
    }


def test_best_offer_is_in_stock_then_cheapest(buyer):
    product = make_product(brand="MANN", article="HU 816 X")
    make_offer(product=product, price="100.00", quantity=0)
    make_offer(product=product, price="300.00", quantity=5, delivery_days=1)
    cheapest = make_offer(product=product, price="200.00", quantity=5, delivery_days=7)
    make_offer(
        product=product, price="150.00", quantity=9, warehouse=make_warehouse(is_active=False)
    )

    run(buyer, xlsx_bytes([["MANN", "HU816X", 1, ""]]))

    assert CartLine.objects.get(client=buyer).offer_id == cheapest.pk


def test_brand_alias_finds_the_product(buyer):
    product = make_product(brand="LEMFÖRDER", article="30706 01")
    offer = make_offer(product=product)
    make_product(brand="TRW", article="3070601")
    catalog_services.brand_alias_add(brand=product.brand, alias="LEMFOERDER")

    cart_import = run(
        buyer,
        xlsx_bytes([["LEMFORDER", "30706-01", 1, ""], ["lemfoerder", "3070601", 1, ""]]),
    )

    assert {o for o, _ in outcomes(cart_import).values()} == {Outcome.ADDED}
    assert CartLine.objects.get(client=buyer).offer_id == offer.pk


@pytest.mark.parametrize(
    "spelling", ["0 986 452 041", "0986-452-041", "0986.452/041", "0986452041"]
)
def test_article_spellings(buyer, bosch_filter, spelling):
    run(buyer, xlsx_bytes([["", spelling, 1, ""]]))

    assert CartLine.objects.get(client=buyer).offer_id == bosch_filter.pk


def test_known_brand_without_that_article_is_not_found(buyer, bosch_filter):
    make_product(brand="MANN", article="W1")

    cart_import = run(buyer, xlsx_bytes([["MANN", "0986452041", 1, ""]]))

    outcome, reason = outcomes(cart_import)[2]
    assert outcome == Outcome.NOT_FOUND
    assert reason == "не найден у бренда MANN (есть у: BOSCH)"


def test_unknown_brand_with_unique_article_uses_the_article(buyer, bosch_filter):
    run(buyer, xlsx_bytes([["БОШ", "0986452041", 1, ""]]))

    assert CartLine.objects.get(client=buyer).offer_id == bosch_filter.pk


def test_csv_cp1251_semicolon(buyer, bosch_filter):
    data = csv_bytes([["BOSCH", "0986452041", 2, "Фильтр в машину"]], encoding="cp1251")

    cart_import = run(buyer, data, "zakaz.csv")

    assert cart_import.file_format == "csv"
    line = CartLine.objects.get(client=buyer)
    assert line.quantity == 2 and line.comment == "Фильтр в машину"


def test_csv_utf8_comma_english_headers(buyer, bosch_filter):
    data = csv_bytes(
        [["BOSCH", "0986452041", 3, "ok"]],
        header=["Brand", "Article", "Qty", "Comment"],
        sep=",",
    )

    run(buyer, data, "order.csv")

    assert CartLine.objects.get(client=buyer).quantity == 3


def test_xls_file(buyer, bosch_filter):
    data = xls_bytes([["BOSCH", "0986452041", 2, ""]], header=["Производитель", "Номер", "Кол-во"])

    cart_import = run(buyer, data, "zakaz.xls")

    assert cart_import.file_format == "xls"
    assert CartLine.objects.get(client=buyer).quantity == 2


def test_import_is_one_transaction(buyer, bosch_filter, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("диск заполнен")

    monkeypatch.setattr(CartImport.objects, "create", boom)  # after the cart lines

    with pytest.raises(RuntimeError):
        run(buyer, xlsx_bytes([["BOSCH", "0986452041", 2, ""]]))

    assert not CartLine.objects.exists()
    assert not CartImport.objects.exists()


def test_the_cycle_collector_is_back_on_after_an_import_refused_or_not(buyer, bosch_filter):
    assert gc.isenabled()

    run(buyer, xlsx_bytes([["BOSCH", "0986452041", 1, ""]]))
    assert gc.isenabled()
    with pytest.raises(ApplicationError):
        run(buyer, b"not a spreadsheet", "zakaz.xlsx")
    assert gc.isenabled()


def _rows(n: int) -> list[list]:
    return [["BOSCH" if i % 2 else "", f"ART-{i:05d}", 1, ""] for i in range(n)]


def test_import_query_count_does_not_grow_with_rows(buyer):
    warehouse = make_warehouse()
    for i in range(200):
        make_offer(product=make_product(brand="BOSCH", article=f"ART-{i:05d}"), warehouse=warehouse)
    small, large = xlsx_bytes(_rows(10)), xlsx_bytes(_rows(200))

    ten = count_queries(lambda: run(buyer, small))
    CartLine.objects.all().delete()
    two_hundred = count_queries(lambda: run(buyer, large))

    assert ten == two_hundred
    assert CartLine.objects.filter(client=buyer).count() == 200


# ---- resolving rows ---------------------------------------------------------------------------


def test_choose_brand_for_ambiguous_row(buyer):
    febi = make_offer(product=make_product(brand="FEBI", article="AMB-1"), quantity=5)
    make_offer(product=make_product(brand="TRW", article="AMB-1"), quantity=5)
    cart_import = run(buyer, xlsx_bytes([["", "AMB1", 2, "передние"]]))
    row = cart_import.rows.get()

    resolved = imports.cart_import_row_choose(
        client=buyer, import_id=cart_import.pk, row_id=row.pk, product_id=febi.product_id
    )

    assert resolved.outcome == Outcome.ADDED and resolved.resolved
    line = CartLine.objects.get(client=buyer)
    assert line.offer_id == febi.pk and line.quantity == 2 and line.comment == "передние"


def test_choose_product_with_other_article_is_refused(buyer, bosch_filter):
    make_product(brand="FEBI", article="AMB-1")
    make_product(brand="TRW", article="AMB-1")
    cart_import = run(buyer, xlsx_bytes([["", "AMB1", 2, ""]]))

    with pytest.raises(ApplicationError):
        imports.cart_import_row_choose(
            client=buyer,
            import_id=cart_import.pk,
            row_id=cart_import.rows.get().pk,
            product_id=bosch_filter.product_id,
        )
    assert not CartLine.objects.exists()


def test_choose_short_brand_offers_available_quantity(buyer):
    febi = make_offer(product=make_product(brand="FEBI", article="AMB-1"), quantity=1)
    make_offer(product=make_product(brand="TRW", article="AMB-1"), quantity=5)
    cart_import = run(buyer, xlsx_bytes([["", "AMB1", 2, ""]]))
    row = cart_import.rows.get()

    resolved = imports.cart_import_row_choose(
        client=buyer, import_id=cart_import.pk, row_id=row.pk, product_id=febi.product_id
    )

    assert resolved.outcome == Outcome.NOT_ENOUGH and resolved.available == 1
    assert not CartLine.objects.exists()


def test_add_available_quantity(buyer):
    offer = make_offer(product=make_product(brand="SACHS", article="315 678"), quantity=3)
    cart_import = run(buyer, xlsx_bytes([["SACHS", "315678", 5, ""]]))
    row = cart_import.rows.get()
    assert row.available == 3

    resolved = imports.cart_import_row_add_available(
        client=buyer, import_id=cart_import.pk, row_id=row.pk
    )

    assert resolved.outcome == Outcome.ADDED
    assert resolved.reason == "добавлено 3 шт. из 5"
    assert CartLine.objects.get(client=buyer, offer=offer).quantity == 3


def test_deleting_an_offer_empties_the_rows_judged_against_it(buyer):
    offer = make_offer(product=make_product(brand="SACHS", article="315 678"), quantity=3)
    cart_import = run(buyer, xlsx_bytes([["SACHS", "315678", 5, ""]]))

    offer.delete()

    assert cart_import.rows.get().offer_id is None  # Django's SET_NULL, not the database's


def test_add_available_when_the_offer_is_gone_says_so(buyer):
    offer = make_offer(product=make_product(brand="SACHS", article="315 678"), quantity=3)
    cart_import = run(buyer, xlsx_bytes([["SACHS", "315678", 5, ""]]))
    row = cart_import.rows.get()
    # Removed behind Django's back: the row keeps no database constraint on its offer.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_offer WHERE id = %s", [offer.pk])

    with pytest.raises(ApplicationError) as error:
        imports.cart_import_row_add_available(client=buyer, import_id=cart_import.pk, row_id=row.pk)

    assert error.value.code == "no_offer"
    assert not CartLine.objects.exists()
    # The result page reads the row's offer with a LEFT JOIN: nothing to show, no error.
    (shown,) = selectors.cart_import_rows(cart_import=cart_import, tab="problems")
    assert shown.offer is None


def test_other_client_cannot_resolve_rows(buyer):
    make_product(brand="FEBI", article="AMB-1")
    trw = make_offer(product=make_product(brand="TRW", article="AMB-1"))
    cart_import = run(buyer, xlsx_bytes([["", "AMB1", 2, ""]]))

    with pytest.raises(ApplicationError) as error:
        imports.cart_import_row_choose(
            client=make_client(),
            import_id=cart_import.pk,
            row_id=cart_import.rows.get().pk,
            product_id=trw.product_id,
        )
    assert error.value.code == "not_found"


def test_template_is_a_valid_order_file(buyer):
    bosch = make_offer(product=make_product(brand="BOSCH", article="0986452041"))
    lemforder = make_offer(product=make_product(brand="LEMFÖRDER", article="3070601"))

    cart_import = run(buyer, imports.cart_import_template(), "shablon.xlsx")

    assert {o for o, _ in outcomes(cart_import).values()} == {Outcome.ADDED}
    assert set(CartLine.objects.values_list("offer_id", flat=True)) == {bosch.pk, lemforder.pk}


@pytest.mark.parametrize("quantity", ["99999999999", "1E999999999", "100001"])
def test_a_huge_quantity_is_a_row_message_not_a_crash(buyer, bosch_filter, quantity):
    data = csv_bytes([["BOSCH", "0986452041", quantity, ""], ["BOSCH", "0986452041", "1", ""]])

    cart_import = run(buyer, data, "zakaz.csv")

    result = outcomes(cart_import)
    assert result[2] == (
        Outcome.BAD_QUANTITY,
        "слишком большое количество (не больше 100\u00a0000 шт.)",
    )
    assert result[3] == (Outcome.ADDED, "")
    row = cart_import.rows.get(row_number=2)
    assert (row.quantity_text, row.quantity) == (quantity, None)
    assert CartLine.objects.get(client=buyer).quantity == 1
