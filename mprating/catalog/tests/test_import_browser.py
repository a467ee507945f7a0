"""In Chromium: a manager uploads a price list in the back office, checks the guessed columns
and the preview, starts the import, watches the progress reach 100 % and reads the report."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_staff
from mprating.catalog.imports import services as import_services
from mprating.catalog.models import ImportJob, Offer
from mprating.catalog.tests.factories import make_warehouse

# Roles come from data migrations; a transactional test flushes them, so restore them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRICE_LIST = (
    "Бренд;Артикул;Наименование;Цена;Остаток;Срок поставки\n"
    "BOSCH;0 986 452 041;Фильтр масляный;455,50;12;2\n"
    "MANN-FILTER;W 712/75;Фильтр масляный;389;7;3\n"
    "LEMFÖRDER;33456 01;Рычаг подвески;abc;2;5\n"
    "FEBI;22530;Тяга стабилизатора;1 290;>10;1-2\n"
).encode()


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/")


def test_manager_imports_a_price_list(live_server, page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_staff(roles.MANAGER, email="manager@example.ru")
    warehouse = make_warehouse(name="Склад Москва", code="msk")
    log_in(page, live_server, "manager@example.ru")

    page.get_by_role("link", name="Импорт файлов").click()
    page.wait_for_url("**/catalog/importjob/")
    page.goto(f"{live_server.url}/backoffice/catalog/importjob/add/")
    page.locator("select[name=kind]").select_option("price_list")
    page.locator("select[name=warehouse]").select_option(str(warehouse.pk))
    page.locator("input[name=file]").set_input_files(
        {"name": "прайс.csv", "mimeType": "text/csv", "buffer": PRICE_LIST}
    )
    screenshot("1-upload")
    page.get_by_role("button", name="Загрузить и перейти к столбцам").click()

    page.wait_for_url("**/mapping/")
    assert page.locator("select[name=article]").input_value() == "1"
    assert page.locator("select[name=quantity]").input_value() == "4"
    assert page.locator("select[name=min_order_quantity]").input_value() == ""
    screenshot("2-mapping")
    page.get_by_role("button", name="Показать первые строки").click()

    page.wait_for_url("**/preview/")
    preview = page.get_by_test_id("preview-table")
    assert preview.get_by_text("Цена «abc» — не число.").is_visible()
    screenshot("3-preview")
    page.get_by_role("button", name="Запустить импорт").click()

    progress = page.get_by_test_id("import-progress")
    page.locator("[data-testid=import-progress][data-status=done]").wait_for()
    assert progress.get_by_test_id("import-percent").inner_text() == "100%"
    assert page.get_by_test_id("count-created").inner_text() == "3"
    assert page.get_by_test_id("count-rejected").inner_text() == "1"
    report = page.get_by_test_id("rejected-report")
    assert report.get_by_text("Цена «abc» — не число.").is_visible()
    screenshot("4-report")
    assert Offer.objects.filter(warehouse=warehouse).count() == 3

    with page.expect_download() as download:
        report.get_by_role("link", name="Скачать XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Все импорты").click()
    page.get_by_text("прайс.csv").wait_for()
    screenshot("5-imports-list")
    page.get_by_role("link", name="Предложения").click()
    page.get_by_text("0 986 452 041").wait_for()
    screenshot("6-offers")


def test_progress_bar_refreshes_itself_until_done(
    live_server, page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    job = import_services.import_job_create(
        kind=ImportJob.Kind.CROSSES,
        upload=SimpleUploadedFile(
            "cross.csv", "Бренд 1;Артикул 1;Бренд 2;Артикул 2\nA;1;B;2\n".encode()
        ),
        warehouse=None,
        zero_missing=False,
        actor=manager,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", total_rows=1000, processed_rows=400
    )
    log_in(page, live_server, "manager@example.ru")

    page.goto(f"{live_server.url}/backoffice/catalog/importjob/{job.pk}/change/")
    assert page.get_by_test_id("import-percent").inner_text() == "40%"
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=800, created_count=790)
    page.get_by_text("80%").wait_for()
    screenshot("1-running")
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", processed_rows=1000, created_count=1000
    )

    page.get_by_test_id("rejected-report").wait_for()  # the page reloaded into the report
    assert page.get_by_test_id("import-percent").inner_text() == "100%"
    assert page.get_by_test_id("count-created").inner_text() == "1\u00a0000"
    screenshot("2-done")
