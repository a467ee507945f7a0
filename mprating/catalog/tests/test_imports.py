"""Catalog imports in the back office (issue 3): price lists, crosses, categories,
applicability — upload, mapping, preview, the task, the report, re-import, errors."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.catalog import services
from mprating.catalog.imports import importers, runner
from mprating.catalog.imports import services as import_services
from mprating.catalog.models import (
    Applicability,
    Brand,
    Category,
    CrossLink,
    ImportJob,
    ImportRejectedRow,
    Offer,
    Product,
)
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries, xlsx_bomb
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

pytestmark = pytest.mark.django_db

ADD = reverse("admin:catalog_importjob_add")
PRICE_HEADER = [
    "Бренд",
    "Артикул",
    "Наименование",
    "Цена",
    "Остаток",
    "Срок поставки",
    "Невозвратный",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


@pytest.fixture
def warehouse():
    return make_warehouse(name="Склад Москва", code="msk")


def csv_file(rows: list[list[str]], *, encoding: str = "utf-8", sep: str = ";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(
    client, content: bytes, *, name="price.csv", kind="price_list", warehouse=None, zero=False
):
    data = {"kind": kind, "file": _named(content, name)}
    if warehouse is not None:
        data["warehouse"] = warehouse.pk
    if zero:
        data["zero_missing"] = "on"
    return client.post(ADD, data)


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def last_job() -> ImportJob:
    return ImportJob.objects.order_by("-id").first()


def run_flow(client, django_capture_on_commit_callbacks, content, **kwargs) -> ImportJob:
    """Upload → keep the guessed mapping → preview → «Запустить импорт»."""
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = last_job()
    mapping = {name: "" if index is None else index for name, index in _guessed(job).items()}
    response = client.post(reverse("admin:catalog_importjob_mapping", args=[job.pk]), mapping)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get(reverse("admin:catalog_importjob_preview", args=[job.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:catalog_importjob_start", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def _guessed(job: ImportJob) -> dict:
    fields = importers.IMPORTERS[job.kind].fields
    return {spec.name: job.column_map.get(spec.name) for spec in fields}


def rejected(job: ImportJob) -> dict[int, str]:
    return dict(job.rejected_rows.values_list("row_number", "reason"))


# ---- upload: refused files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 something", "price.pdf", "XLSX, XLS или CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "price.csv", "а внутри не таблица"),
        (b"Brand;Article\nBOSCH;1", "price.xlsx", "а внутри CSV"),
        (b"", "price.csv", "Файл пустой"),
        (b"\n\n", "price.csv", "нет ни одной строки"),
        ("Бренд;Артикул;Цена;Остаток\n".encode(), "price.csv", "нет ни одной строки с данными"),
        (b"PK\x03\x04 broken zip", "price.xlsx", "Файл повреждён"),
    ],
)
def test_bad_files_are_refused_at_upload(client, manager, warehouse, content, name, message):
    response = upload(client, content, name=name, warehouse=warehouse)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_formula_cells_are_refused(client, manager, warehouse):
    content = xlsx_file([["Бренд", "Артикул", "Цена", "Остаток"], ["BOSCH", "1", "=2*3", 1]])

    response = upload(client, content, name="price.xlsx", warehouse=warehouse)

    assert "содержит формулу" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_price_list_needs_a_warehouse(client, manager):
    response = upload(client, csv_file([PRICE_HEADER, ["BOSCH", "1", "", "10", "1", "", ""]]))

    assert "выберите его" in response.content.decode()
    assert not ImportJob.objects.exists()


# ---- mapping and preview -----------------------------------------------------------------------


def test_mapping_is_guessed_from_russian_and_english_headers(client, manager, warehouse):
    header = ["Brand", "Номер", "Name", "Price", "Qty", "Days", "Мин. заказ", "Возврат дней"]
    upload(
        client,
        csv_file([header, ["BOSCH", "1", "x", "1", "1", "1", "1", "14"]]),
        warehouse=warehouse,
    )
    job = last_job()

    assert job.column_map == {
        "brand": 0,
        "article": 1,
        "name": 2,
        "price": 3,
        "quantity": 4,
        "delivery_days": 5,
        "min_order_quantity": 6,
        "return_days": 7,
    }
    page = client.get(reverse("admin:catalog_importjob_mapping", args=[job.pk])).content.decode()
    assert 'value="1" selected' in page  # «B: Номер» chosen for the article


def test_missing_required_column_is_refused_and_the_job_stays_a_draft(client, manager, warehouse):
    upload(
        client,
        csv_file([["Бренд", "Код товара", "Цена", "Остаток"], ["BOSCH", "1", "1", "1"]]),
        warehouse=warehouse,
    )
    job = last_job()
    assert "article" not in job.column_map

    response = client.post(
        reverse("admin:catalog_importjob_mapping", args=[job.pk]),
        {"brand": 0, "article": "", "price": 2, "quantity": 3},
    )
    start = client.post(reverse("admin:catalog_importjob_start", args=[job.pk]))

    assert "Выберите столбец для поля «Артикул»" in response.content.decode()
    assert start.status_code == 302 and start["Location"].endswith("/mapping/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DRAFT


def test_one_column_cannot_serve_two_fields(client, manager, warehouse):
    upload(
        client,
        csv_file([PRICE_HEADER, ["BOSCH", "1", "x", "1", "1", "1", ""]]),
        warehouse=warehouse,
    )
    job = last_job()

    response = client.post(
        reverse("admin:catalog_importjob_mapping", args=[job.pk]),
        {"brand": 0, "article": 1, "price": 3, "quantity": 3},
    )

    assert "уже выбран для поля «Цена»" in response.content.decode()


def test_preview_shows_the_first_20_rows_with_their_checks(client, manager, warehouse):
    rows = [
        PRICE_HEADER,
        ["", "1", "", "10", "1", "", ""],
        ["BOSCH", "2", "", "1,2,3", "1", "", ""],
    ]
    rows += [["BOSCH", str(n), "", "10", "1", "", ""] for n in range(3, 40)]
    upload(client, csv_file(rows), warehouse=warehouse)
    job = last_job()

    page = client.get(reverse("admin:catalog_importjob_preview", args=[job.pk])).content.decode()

    assert "Не заполнено поле «Бренд»" in page
    assert "Цена «1,2,3» — не число." in page
    assert page.count("<tr") == 21  # header + 20 rows
    assert "С ошибками: 2" in page


def test_preview_shows_prices_as_money(client, manager, warehouse):
    rows = [
        PRICE_HEADER,
        ["BOSCH", "1", "", "1200.72", "1", "", ""],
        ["BOSCH", "2", "", "1 200,5", "1", "", ""],
        ["BOSCH", "3", "", "дорого", "1", "", ""],
    ]
    upload(client, csv_file(rows), warehouse=warehouse)
    job = last_job()

    page = client.get(reverse("admin:catalog_importjob_preview", args=[job.pk])).content.decode()

    assert "1\u202f200,72\u00a0₽" in page
    assert "1\u202f200,50\u00a0₽" in page
    assert "1200.72" not in page
    assert "<td>дорого</td>" in page  # unreadable: as in the file, next to its error


# ---- price lists -------------------------------------------------------------------------------


def test_price_list_import_creates_offers_products_and_brands(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    make_product("BOSCH", "0 986 452 041", name="Фильтр масляный")
    content = csv_file(
        [
            PRICE_HEADER,
            ["Bosch", "0986-452-041", "Фильтр", "1 234,50", "12", "2-3 дн.", "нет"],
            ["ЛЕМФОРДЕР", "33 456 01", "Рычаг", "5600", ">10", "", "да"],
        ],
        encoding="cp1251",
    )

    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)

    assert job.status == ImportJob.Status.DONE, job.error_message
    assert (job.total_rows, job.processed_rows, job.created_count, job.rejected_count) == (
        2,
        2,
        2,
        0,
    )
    bosch = Offer.objects.get(product__article_normalized="0986452041")
    assert (bosch.price, bosch.quantity, bosch.delivery_days, bosch.is_returnable) == (
        Decimal("1234.50"),
        12,
        3,
        True,
    )
    assert bosch.product.name == "Фильтр масляный"  # an existing name is kept
    lever = Offer.objects.get(product__article_normalized="3345601")
    assert (lever.quantity, lever.is_returnable, lever.product.name) == (10, False, "Рычаг")
    assert Brand.objects.filter(name_normalized="ЛЕМФОРДЕР").exists()
    assert Product.objects.count() == 2


def test_bad_rows_are_rejected_with_russian_reasons(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    content = csv_file(
        [
            PRICE_HEADER,
            ["", "1", "", "10", "1", "", ""],
            ["BOSCH", "", "", "10", "1", "", ""],
            ["BOSCH", "3", "", "1,2,3", "1", "", ""],
            ["BOSCH", "4", "", "-5", "1", "", ""],
            ["BOSCH", "5", "", "10", "много", "", ""],
            ["BOSCH", "6", "", "10", "-1", "", ""],
            ["BOSCH", "7", "", "10", "1", "завтра", ""],
            ["BOSCH", "8", "", "10", "1", "", "может быть"],
            ["BOSCH", "---", "", "10", "1", "", ""],
            ["BOSCH", "10", "", "10", "1", "", ""],
        ]
    )

    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)

    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.rejected_count) == (1, 9)
    assert rejected(job) == {
        2: "Не заполнено поле «Бренд».",
        3: "Не заполнено поле «Артикул».",
        4: "Цена «1,2,3» — не число.",
        5: "Цена не может быть отрицательной: «-5».",
        6: "Остаток «много» — не целое число.",
        7: "Остаток не может быть отрицательным: «-1».",
        8: "Срок поставки «завтра» — не целое число.",
        9: "Невозвратный: «может быть» — укажите «да» или «нет».",
        10: "Артикул «---» не содержит букв или цифр.",
    }
    page = client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).content.decode()
    assert "Цена «1,2,3» — не число." in page and "Скачать CSV" in page


def test_reimport_updates_instead_of_duplicating(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    rows = [PRICE_HEADER] + [["BOSCH", f"A-{n}", "", "100", "5", "1", ""] for n in range(5)]
    first = run_flow(
        client, django_capture_on_commit_callbacks, csv_file(rows), warehouse=warehouse
    )
    rows[1][3] = "150"  # one price changed
    rows.append(["BOSCH", "A-new", "", "10", "1", "1", ""])

    second = run_flow(
        client, django_capture_on_commit_callbacks, csv_file(rows), warehouse=warehouse
    )

    assert (first.created_count, first.updated_count, first.unchanged_count) == (5, 0, 0)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (1, 1, 4)
    assert Offer.objects.count() == 6 and Product.objects.count() == 6
    assert Offer.objects.get(product__article_normalized="A0").price == Decimal("150.00")


def test_unmapped_optional_column_keeps_the_current_value(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    offer = make_offer(make_product("BOSCH", "X1"), warehouse, price="10", delivery_days=7)
    content = csv_file([["Бренд", "Артикул", "Цена", "Остаток"], ["BOSCH", "X1", "20", "3"]])

    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)

    offer.refresh_from_db()
    assert job.updated_count == 1
    assert (offer.price, offer.quantity, offer.delivery_days) == (Decimal("20.00"), 3, 7)


def test_duplicate_rows_in_one_file_keep_the_first(
    client, manager, warehouse, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(importers.PriceListImporter, "batch_size", 2)
    content = csv_file(
        [
            PRICE_HEADER,
            ["BOSCH", "D-1", "", "10", "1", "", ""],
            ["BOSCH", "D 1", "", "11", "1", "", ""],  # same batch
            ["BOSCH", "X", "", "12", "1", "", ""],
            ["BOSCH", "D.1", "", "13", "1", "", ""],  # a later batch
        ]
    )

    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)

    assert (job.created_count, job.rejected_count) == (2, 2)
    assert rejected(job) == {
        3: "Этот товар уже есть в строке 2 — строка пропущена.",
        5: "Этот товар уже был выше в файле — строка пропущена.",
    }
    assert Offer.objects.get(product__article_normalized="D1").price == Decimal("10.00")


def test_zero_missing_option_zeroes_only_this_warehouse(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    other = make_warehouse(name="Другой")
    kept = make_offer(make_product("BOSCH", "K1"), warehouse, quantity=5)
    gone = make_offer(make_product("BOSCH", "G1"), warehouse, quantity=7)
    bad_row = make_offer(make_product("BOSCH", "B1"), warehouse, quantity=9)
    elsewhere = make_offer(make_product("BOSCH", "E1"), other, quantity=4)
    content = csv_file(
        [
            PRICE_HEADER,
            ["BOSCH", "K1", "", "10", "6", "", ""],
            ["BOSCH", "B1", "", "oops", "1", "", ""],
        ]
    )

    job = run_flow(
        client, django_capture_on_commit_callbacks, content, warehouse=warehouse, zero=True
    )

    quantities = {o.pk: o.quantity for o in Offer.objects.all()}
    assert quantities == {kept.pk: 6, gone.pk: 0, bad_row.pk: 9, elsewhere.pk: 4}
    assert job.zeroed_count == 1 and job.zero_missing


def test_xlsx_price_list(client, manager, warehouse, django_capture_on_commit_callbacks):
    content = xlsx_file([["Brand", "Article", "Price", "Stock"], ["MANN", "W 712/75", 455.5, 3]])

    job = run_flow(
        client, django_capture_on_commit_callbacks, content, name="p.xlsx", warehouse=warehouse
    )

    assert job.status == ImportJob.Status.DONE and job.file_format == "xlsx"
    assert Offer.objects.get().price == Decimal("455.50")


def test_a_failing_batch_is_rolled_back_and_the_job_marked_failed(
    client, manager, warehouse, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(importers.PriceListImporter, "batch_size", 2)
    original = importers.PriceListImporter.process
    calls = []

    def process(self, rows):
        result = original(self, rows)  # the offers of the batch are written …
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("диск переполнен")  # … and then something breaks
        return result

    monkeypatch.setattr(importers.PriceListImporter, "process", process)
    rows = [PRICE_HEADER] + [["BOSCH", f"F{n}", "", "10", "1", "", ""] for n in range(5)]

    job = run_flow(client, django_capture_on_commit_callbacks, csv_file(rows), warehouse=warehouse)

    assert job.status == ImportJob.Status.FAILED
    assert "Непредвиденная ошибка в строках 4–5: диск переполнен" in job.error_message
    assert sorted(Offer.objects.values_list("product__article", flat=True)) == ["F0", "F1"]
    assert job.processed_rows == 2
    page = client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).content.decode()
    assert "диск переполнен" in page and "Запустить заново" in page

    monkeypatch.setattr(importers.PriceListImporter, "process", original)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:catalog_importjob_restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.unchanged_count) == (3, 2)
    assert Offer.objects.count() == 5


def test_task_is_idempotent(client, manager, warehouse, django_capture_on_commit_callbacks):
    content = csv_file([PRICE_HEADER, ["BOSCH", "1", "", "10", "1", "", ""]])
    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)
    before = ImportJob.objects.values().get(pk=job.pk)

    runner.run_import(job.pk)  # the worker delivers the task a second time
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:catalog_importjob_start", args=[job.pk]))  # a second click

    assert ImportJob.objects.values().get(pk=job.pk) == before
    assert Offer.objects.count() == 1


def test_a_draft_job_is_not_run_by_a_stray_task(manager, warehouse):
    content = csv_file([PRICE_HEADER, ["BOSCH", "1", "", "10", "1", "", ""]])
    job = import_services.import_job_create(
        kind="price_list",
        upload=_named(content, "p.csv"),
        warehouse=warehouse,
        zero_missing=False,
        actor=manager,
    )

    runner.run_import(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DRAFT and not Offer.objects.exists()


# ---- progress and report -----------------------------------------------------------------------


def test_progress_fragment_polls_while_running_and_reloads_when_done(client, manager, warehouse):
    content = csv_file([PRICE_HEADER, ["BOSCH", "1", "", "10", "1", "", ""]])
    job = import_services.import_job_create(
        kind="price_list",
        upload=_named(content, "p.csv"),
        warehouse=warehouse,
        zero_missing=False,
        actor=manager,
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running", total_rows=200, processed_rows=50)
    url = reverse("admin:catalog_importjob_progress", args=[job.pk])

    running = client.get(url, {"reload": 1}, headers={"HX-Request": "true"})
    queries = count_queries(lambda: client.get(url, {"reload": 1}))
    ImportJob.objects.filter(pk=job.pk).update(status="done", processed_rows=200)
    done = client.get(url, {"reload": 1}, headers={"HX-Request": "true"})

    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body and "25%" in body and "<html" not in body
    assert "HX-Refresh" not in running.headers
    assert done.headers["HX-Refresh"] == "true" and "100%" in done.content.decode()
    assert "hx-trigger" not in done.content.decode()
    assert queries <= 5


def test_rejected_rows_download_as_csv_and_xlsx(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    content = csv_file(
        [PRICE_HEADER, ["BOSCH", "1", "", "=1+2", "1", "", ""], ["", "2", "", "1", "1", "", ""]]
    )
    job = run_flow(client, django_capture_on_commit_callbacks, content, warehouse=warehouse)

    as_csv = client.get(reverse("admin:catalog_importjob_rejected", args=[job.pk, "csv"]))
    as_xlsx = client.get(reverse("admin:catalog_importjob_rejected", args=[job.pk, "xlsx"]))

    text = b"".join(as_csv.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["Строка", "Причина", *PRICE_HEADER]
    assert lines[1][:2] == ["2", "Цена «=1+2» — не число."] and lines[1][5] == "'=1+2"
    assert lines[2][:2] == ["3", "Не заполнено поле «Бренд»."]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [c.value for c in sheet[3]][:2] == [3, "Не заполнено поле «Бренд»."]


# ---- crosses -----------------------------------------------------------------------------------

CROSS_HEADER = ["Бренд 1", "Артикул 1", "Бренд 2", "Артикул 2", "Источник"]


def test_cross_list_both_directions_self_duplicates_and_unknown_brands(
    client, manager, django_capture_on_commit_callbacks
):
    services.brand_get_or_create(name="MANN-FILTER")
    lemforder = services.brand_get_or_create(name="LEMFORDER")
    services.brand_alias_add(brand=lemforder, alias="LEMFÖRDER AG")
    services.brand_get_or_create(name="FEBI")
    content = csv_file(
        [
            CROSS_HEADER,
            ["MANN-FILTER", "W 712/75", "FEBI", "22530", "TecDoc"],
            ["FEBI", "22-530", "MANN FILTER", "W712/75", ""],  # the same pair reversed
            ["LEMFÖRDER AG", "33456 01", "FEBI", "22530", ""],  # brand through an alias
            ["FEBI", "1", "Febi", "1.", ""],  # itself
            ["NONAME", "1", "FEBI", "2", ""],
            ["FEBI", "", "FEBI", "2", ""],
        ]
    )

    job = run_flow(
        client, django_capture_on_commit_callbacks, content, name="cross.csv", kind="crosses"
    )
    again = run_flow(
        client, django_capture_on_commit_callbacks, content, name="cross.csv", kind="crosses"
    )

    assert (job.created_count, job.unchanged_count, job.rejected_count) == (2, 1, 3)
    assert rejected(job) == {
        5: "Товар указан аналогом самого себя.",
        6: "Бренд «NONAME» не найден в справочнике: добавьте бренд или его синоним и загрузите "
        "файл ещё раз.",
        7: "Не заполнено поле «Артикул 1».",
    }
    assert CrossLink.objects.count() == 2
    assert set(CrossLink.objects.values_list("source", flat=True)) == {"TecDoc", "cross.csv"}
    assert all(link.product_a_id < link.product_b_id for link in CrossLink.objects.all())
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert Product.objects.count() == 3


# ---- categories --------------------------------------------------------------------------------


def test_category_tree_with_parents_after_children_cycles_and_unknown_parents(
    client, manager, django_capture_on_commit_callbacks
):
    Category.objects.create(code="old", name="Старая")
    content = csv_file(
        [
            ["Код", "Название", "Код родителя"],
            ["oil-engine", "Масло моторное", "oils"],
            ["oils", "Масла и жидкости", ""],
            ["filters", "Фильтры", "old"],
            ["a", "А", "b"],
            ["b", "Б", "a"],
            ["lost", "Потерянная", "nowhere"],
            ["oils", "Ещё раз", ""],
            ["плохой код", "Кириллица", ""],
        ]
    )

    job = run_flow(
        client, django_capture_on_commit_callbacks, content, name="cats.csv", kind="categories"
    )

    assert job.status == ImportJob.Status.DONE, job.error_message
    tree = dict(Category.objects.values_list("code", "parent__code"))
    assert tree == {"old": None, "oils": None, "oil-engine": "oils", "filters": "old"}
    reasons = rejected(job)
    assert reasons[5] == reasons[6] == "Цикл в дереве категорий: a → b → a."
    assert reasons[7] == "Родительской категории «nowhere» нет."
    assert reasons[8] == "Код «oils» уже есть в строке 3."
    assert reasons[9].startswith("Код «плохой код»")
    assert job.created_count == 3

    content2 = csv_file(
        [
            ["Код", "Название", "Код родителя"],
            ["oils", "Масла", ""],
            ["oil-engine", "Масло моторное", "oils"],
        ]
    )
    again = run_flow(
        client, django_capture_on_commit_callbacks, content2, name="cats.csv", kind="categories"
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 1)


# ---- applicability -----------------------------------------------------------------------------


def test_applicability_needs_known_cars_and_products(
    client, manager, django_capture_on_commit_callbacks
):
    make = Make.objects.create(name="Тестовая Лада")
    model = VehicleModel.objects.create(make=make, name="Веста")
    generation = Generation.objects.create(model=model, name="I", year_from=2015)
    modification = Modification.objects.create(generation=generation, name="1.6 MT 106 л.с.")
    make_product("BOSCH", "0 986 452 041")
    header = ["Бренд", "Артикул", "Марка", "Модель", "Поколение", "Модификация"]
    content = csv_file(
        [
            header,
            ["BOSCH", "0986452041", "ТЕСТОВАЯ  ЛАДА", "Веста", "I", "1.6  MT 106 л.с."],
            ["BOSCH", "0986452041", "Тестовая Лада", "Веста", "I", "1.6 MT 106 л.с."],
            ["BOSCH", "0986452041", "Тестовая Лада", "Гранта", "I", "1.6"],
            ["BOSCH", "0986452041", "Тестовая Лада", "Веста", "I", "1.8 AT"],
            ["BOSCH", "NOPE", "Тестовая Лада", "Веста", "I", "1.6 MT 106 л.с."],
            ["BOSCH", "0986452041", "Несуществующая", "S", "I", "P100D"],
        ]
    )

    job = run_flow(
        client, django_capture_on_commit_callbacks, content, name="app.csv", kind="applicability"
    )

    assert (job.created_count, job.unchanged_count, job.rejected_count) == (1, 1, 4)
    assert list(Applicability.objects.values_list("modification_id", flat=True)) == [
        modification.pk
    ]
    reasons = rejected(job)
    assert reasons[4] == "Модели «Гранта» у марки Тестовая Лада нет в справочнике."
    assert reasons[5].startswith("Модификации «1.8 AT»")
    assert reasons[6].startswith("Товара BOSCH NOPE нет в каталоге")
    assert reasons[7] == "Марки «Несуществующая» нет в справочнике автомобилей."
    assert not Make.objects.filter(name="Несуществующая").exists()


# ---- permissions -------------------------------------------------------------------------------


def test_staff_without_the_permission_gets_403_everywhere(
    client, warehouse, django_capture_on_commit_callbacks
):
    manager = make_staff(roles.MANAGER, email="m@example.ru")
    client.force_login(manager)
    job = run_flow(
        client,
        django_capture_on_commit_callbacks,
        csv_file([PRICE_HEADER, ["B", "1", "", "x", "1", "", ""]]),
        warehouse=warehouse,
    )
    client.force_login(make_staff(email="nobody@example.ru"))

    urls = [
        ADD,
        reverse("admin:catalog_importjob_changelist"),
        reverse("admin:catalog_importjob_change", args=[job.pk]),
        reverse("admin:catalog_importjob_mapping", args=[job.pk]),
        reverse("admin:catalog_importjob_preview", args=[job.pk]),
        reverse("admin:catalog_importjob_progress", args=[job.pk]),
        reverse("admin:catalog_importjob_rejected", args=[job.pk, "csv"]),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)
    assert client.post(reverse("admin:catalog_importjob_start", args=[job.pk])).status_code == 403


def test_operator_sees_reports_but_cannot_import(
    client, warehouse, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(roles.MANAGER, email="m@example.ru"))
    job = run_flow(
        client,
        django_capture_on_commit_callbacks,
        csv_file([PRICE_HEADER, ["B", "1", "", "x", "1", "", ""]]),
        warehouse=warehouse,
    )
    client.force_login(make_staff(roles.OPERATOR, email="o@example.ru"))

    assert client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).status_code == 200
    assert (
        client.get(reverse("admin:catalog_importjob_rejected", args=[job.pk, "xlsx"])).status_code
        == 200
    )
    assert client.get(ADD).status_code == 403
    assert upload(client, csv_file([PRICE_HEADER]), warehouse=warehouse).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(ADD)

    assert response.status_code == 302 and "login" in response["Location"]
    assert ImportRejectedRow.objects.count() == 0


def test_zip_bomb_xlsx_is_refused_at_upload_before_reading(client, manager, warehouse):
    bomb = xlsx_bomb(
        [["Бренд", "Артикул", "Цена", "Остаток"], ["BOSCH", "1", "10", "1"]], unpacked_mb=120
    )

    response = upload(client, bomb, name="price.xlsx", warehouse=warehouse)

    assert response.status_code == 200
    assert "в распакованном виде занимает 120 МБ" in response.content.decode()
    assert not ImportJob.objects.exists() and not Offer.objects.exists()


def test_restart_selected_asks_first_and_restarts_only_failed_jobs(
    client, manager, warehouse, django_capture_on_commit_callbacks
):
    content = csv_file([["Бренд", "Артикул", "Цена", "Остаток"], ["BOSCH", "1", "10", "1"]])
    upload(client, content, warehouse=warehouse)
    failed = last_job()
    ImportJob.objects.filter(pk=failed.pk).update(
        status=ImportJob.Status.FAILED, error_message="сбой"
    )
    upload(client, content, warehouse=warehouse)
    draft = last_job()
    changelist = reverse("admin:catalog_importjob_changelist")
    picked = {"action": "restart_selected", "_selected_action": [failed.pk, draft.pk]}

    asked = client.post(changelist, picked)
    failed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        # the confirmation page offers only the failed job
        done = client.post(
            changelist,
            {"action": "restart_selected", "_selected_action": [failed.pk], "confirm": "yes"},
            follow=True,
        )

    assert asked.status_code == 200 and "Запустить заново" in asked.content.decode()
    assert f'value="{draft.pk}"' not in asked.content.decode()
    assert failed.status == ImportJob.Status.FAILED
    assert "Запущено заново: 1." in done.content.decode()
    failed.refresh_from_db()
    draft.refresh_from_db()
    assert failed.status == ImportJob.Status.DONE
    assert draft.status == ImportJob.Status.DRAFT
