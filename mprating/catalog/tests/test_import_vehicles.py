"""Import kind «Справочник автомобилей» (issue 5 «Vehicle reference»): «Managers import more
from CSV in the back office (same preview / report / re-import rules as price lists)».

The rules of a row are those of `vehicles/reference.py` (tested in
vehicles/tests/test_reference.py); here: the flow of the back office with them — mapping,
preview, batches, report, re-import, permissions.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.catalog.imports import importers, runner
from mprating.catalog.imports import services as import_services
from mprating.catalog.imports.fields import VEHICLE_FIELDS
from mprating.catalog.models import ImportJob
from mprating.catalog.tests.test_imports import (
    ADD,
    csv_file,
    last_job,
    rejected,
    run_flow,
    upload,
    xlsx_file,
)
from mprating.core.testing import count_queries
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.reference import COLUMNS, DEFAULT_PATH, OPTIONAL_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = [
    "Марка",
    "Модель",
    "Поколение",
    "Год с",
    "Год по",
    "Модификация",
    "Двигатель",
    "Объём",
    "Мощность",
    "Топливо",
    "Кузов",
    "Привод",
    "КПП",
]


def car(**fields) -> list[str]:
    values = {
        "make": "Тест-Моторс",
        "model": "Альфа",
        "generation": "I",
        "year_from": "2015",
        "year_to": "2020",
        "modification": "1.6 MT 106 л.с.",
        "engine": "TM-16",
        "volume_l": "1.6",
        "power_hp": "106",
        "fuel": "бензин",
        "body": "седан",
        "drive": "fwd",
        "gearbox": "МКПП",
    }
    values.update(fields)
    return list(values.values())


GOOD = [
    HEADER,
    car(),
    car(modification="1.8 AT 140 л.с.", volume_l="1,8", power_hp="140", gearbox="at"),
    car(
        model="Бета",
        generation="II рестайлинг",
        year_from="2019",
        year_to="",
        modification="2.0d AT 150 л.с. 4WD",
        engine="",
        volume_l="2.0",
        power_hp="150",
        fuel="diesel",
        body="кроссовер",
        drive="полный",
        gearbox="АКПП",
    ),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


def import_vehicles(client, callbacks, rows, *, name="cars.csv") -> ImportJob:
    content = xlsx_file(rows) if name.endswith(".xlsx") else csv_file(rows)
    return run_flow(client, callbacks, content, name=name, kind="vehicles")


def test_mapping_is_guessed_from_russian_and_english_headers(client, manager):
    # given a file with Russian headers and a file with the English names of the loader's format
    english = [
        "Make",
        "Model",
        "Generation",
        "Year from",
        "Year to",
        "Modification",
        "Engine",
        "Volume",
        "Power",
        "Fuel",
        "Body",
        "Drive",
        "Gearbox",
    ]
    for header in (HEADER, english, [*COLUMNS, *OPTIONAL_COLUMNS]):
        # when it is uploaded
        response = upload(client, csv_file([header, car()]), name="cars.csv", kind="vehicles")

        # then every column is found, in the order of the reference's columns
        assert response.status_code == 302
        job = last_job()
        expected = {name: index for index, name in enumerate(COLUMNS)}
        if len(header) > len(COLUMNS):
            expected["make_sort_order"] = len(COLUMNS)
        assert job.column_map == expected
    # and the import's fields are the loader's columns
    assert [spec.name for spec in VEHICLE_FIELDS] == [*COLUMNS, *OPTIONAL_COLUMNS]
    page = client.get(reverse("admin:catalog_importjob_mapping", args=[job.pk]))
    assert "Пустая ячейка — поколение выпускается по настоящее время." in page.content.decode()


def test_good_file_creates_the_reference(client, manager, django_capture_on_commit_callbacks):
    # given an empty make «Тест-Моторс»
    assert not Make.objects.filter(name="Тест-Моторс").exists()

    # when the file is imported
    job = import_vehicles(client, django_capture_on_commit_callbacks, GOOD)

    # then makes, models, generations and modifications are created with their fields
    assert job.status == ImportJob.Status.DONE, job.error_message
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    assert job.rejected_count == 0
    make = Make.objects.get(name="Тест-Моторс")
    assert make.sort_order == 100  # no «Порядок марки» column: the model's default
    assert set(VehicleModel.objects.filter(make=make).values_list("name", flat=True)) == {
        "Альфа",
        "Бета",
    }
    beta = Generation.objects.get(model__make=make, model__name="Бета")
    assert (beta.name, beta.year_from, beta.year_to) == ("II рестайлинг", 2019, None)
    diesel = Modification.objects.get(generation=beta)
    assert (diesel.name, diesel.engine, diesel.volume_l, diesel.power_hp) == (
        "2.0d AT 150 л.с. 4WD",
        "",
        Decimal("2.0"),
        150,
    )
    assert (diesel.fuel, diesel.body, diesel.drive, diesel.gearbox) == (
        "diesel",
        "кроссовер",
        "awd",
        "at",
    )
    automatic = Modification.objects.get(
        name="1.8 AT 140 л.с.",
        generation__model__name="Альфа",
        generation__model__make__name="Тест-Моторс",
    )
    assert (automatic.volume_l, automatic.gearbox) == (Decimal("1.8"), "at")
    # the job's page shows the report
    page = client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).content.decode()
    assert "Справочник автомобилей" in page


def test_reimport_updates_changed_fields_and_adds_missing(
    client, manager, django_capture_on_commit_callbacks
):
    # given the reference imported from the file
    import_vehicles(client, django_capture_on_commit_callbacks, GOOD)
    first = Modification.objects.get(
        name="1.6 MT 106 л.с.",
        generation__model__name="Альфа",
        generation__model__make__name="Тест-Моторс",
    )

    # when an XLSX says the generation ended in 2021, the engine was renamed, and adds a row
    rows = [
        HEADER,
        car(year_to="2021", engine="TM-16M"),
        car(modification="1.8 AT 140 л.с.", year_to="2021", volume_l="1.8", power_hp="140"),
        GOOD[3],
        car(model="Гамма", year_from="2022", year_to="", modification="1.5 CVT 120 л.с."),
    ]
    job = import_vehicles(client, django_capture_on_commit_callbacks, rows, name="cars.xlsx")

    # then rows are updated in place (the generation's years count for every row of it), the
    # new model is created, nothing is duplicated
    assert job.status == ImportJob.Status.DONE, job.error_message
    # (the row of «Бета» is as it was)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 2, 1)
    first.refresh_from_db()
    assert (first.engine, first.generation.year_to) == ("TM-16M", 2021)
    assert (
        Modification.objects.filter(
            name="1.6 MT 106 л.с.", generation__model__make__name="Тест-Моторс"
        ).count()
        == 1
    )
    assert Modification.objects.filter(generation__model__make__name="Тест-Моторс").count() == 4
    assert (
        Modification.objects.get(
            name="1.8 AT 140 л.с.", generation__model__make__name="Тест-Моторс"
        ).gearbox
        == "mt"
    )  # «МКПП» of car()


def test_unmapped_optional_column_keeps_current_values(
    client, manager, django_capture_on_commit_callbacks
):
    # given the reference imported with every column
    import_vehicles(client, django_capture_on_commit_callbacks, GOOD)

    # when a file without «Двигатель», «Мощность» and «Кузов» columns is imported
    keep = {HEADER.index("Двигатель"), HEADER.index("Мощность"), HEADER.index("Кузов")}
    rows = [[cell for i, cell in enumerate(row) if i not in keep] for row in GOOD]
    job = import_vehicles(client, django_capture_on_commit_callbacks, rows)

    # then the existing modifications keep them and nothing counts as changed
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    first = Modification.objects.get(
        name="1.6 MT 106 л.с.",
        generation__model__name="Альфа",
        generation__model__make__name="Тест-Моторс",
    )
    assert (first.engine, first.power_hp, first.body) == ("TM-16", 106, "седан")


def test_bad_rows_are_rejected_with_reasons_and_good_rows_go_in(
    client, manager, django_capture_on_commit_callbacks, monkeypatch
):
    # given batches of two rows, so that the checks across rows span batches
    monkeypatch.setattr(importers.VehicleReferenceImporter, "batch_size", 2)
    rows = [
        HEADER,
        car(),  # 2
        car(modification="1.6 XX 106 л.с.", gearbox="коробка"),  # 3: bad gearbox
        car(modification="1.4 MT 90 л.с.", year_from="2020", year_to="2015"),  # 4: years
        car(modification="", power_hp="сто"),  # 5: no modification, bad power
        car(modification="1.8 MT 120 л.с.", year_to=""),  # 6: years differ from row 2
        car(),  # 7: repeats row 2
        car(modification="1.8 MT 120 л.с."),  # 8: good
    ]

    # when the file is imported
    job = import_vehicles(client, django_capture_on_commit_callbacks, rows)

    # then the good rows are in and each bad one is in the report with its reason
    assert job.status == ImportJob.Status.DONE, job.error_message
    assert (job.created_count, job.rejected_count) == (2, 5)
    assert set(
        Modification.objects.filter(generation__model__make__name="Тест-Моторс").values_list(
            "name", flat=True
        )
    ) == {"1.6 MT 106 л.с.", "1.8 MT 120 л.с."}
    reasons = rejected(job)
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert reasons[3] == (
        "КПП (gearbox) «коробка» — допустимо: mt, at, amt, cvt (или МКПП, АКПП, робот, вариатор)."
    )
    assert reasons[4].startswith("Год окончания выпуска 2015 раньше года начала 2020 (пустой")
    assert reasons[5].startswith("Не заполнено поле «модификация» (modification); ")
    assert "мощность (power_hp) «сто»" in reasons[5]
    assert reasons[6] == (
        "Годы поколения «Тест-Моторс Альфа I» (2015–н. в.) не совпадают со строкой 2 (2015–2020)."
    )
    assert reasons[7] == "Модификация «Тест-Моторс Альфа I 1.6 MT 106 л.с.» уже есть в строке 2."
    # the report keeps the cells of the rejected row
    assert job.rejected_rows.get(row_number=3).values[HEADER.index("КПП")] == "коробка"


def test_preview_shows_each_rows_check(client, manager):
    # given an uploaded file with a good row, a bad one and a repeat of the first
    upload(
        client,
        csv_file([HEADER, car(), car(volume_l="1.65"), car()]),
        name="cars.csv",
        kind="vehicles",
    )
    job = last_job()

    # when the preview is opened
    page = client.get(reverse("admin:catalog_importjob_preview", args=[job.pk]))

    # then each row carries the message the import will give it, and nothing is written
    html = page.content.decode()
    assert page.status_code == 200
    assert "Объём (volume_l) «1.65» — нужны литры с одним знаком после точки" in html
    assert "Модификация «Тест-Моторс Альфа I 1.6 MT 106 л.с.» уже есть в строке 2." in html
    assert not Make.objects.filter(name="Тест-Моторс").exists()
    assert job.status == ImportJob.Status.DRAFT


def test_reimport_of_the_same_file_changes_nothing(
    client, manager, django_capture_on_commit_callbacks
):
    # given the file imported once
    import_vehicles(client, django_capture_on_commit_callbacks, GOOD)
    before = list(
        Modification.objects.order_by("pk").values_list(
            "pk", "name", "engine", "power_hp", "generation_id", "generation__year_to"
        )
    )

    # when it is imported again
    job = import_vehicles(client, django_capture_on_commit_callbacks, GOOD)

    # then every row is «без изменений» and the reference is the same
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    after = list(
        Modification.objects.order_by("pk").values_list(
            "pk", "name", "engine", "power_hp", "generation_id", "generation__year_to"
        )
    )
    assert after == before


def test_shipped_reference_imported_through_the_back_office_changes_nothing(
    client, manager, django_capture_on_commit_callbacks
):
    # given the starter reference, loaded by the migration from vehicles/data/vehicles.csv
    sizes = (Make.objects.count(), Modification.objects.count())

    # when that very file is imported in the back office
    job = run_flow(
        client,
        django_capture_on_commit_callbacks,
        DEFAULT_PATH.read_bytes(),
        name="vehicles.csv",
        kind="vehicles",
    )

    # then every row is found and unchanged
    assert job.status == ImportJob.Status.DONE, job.error_message
    assert job.rejected_count == 0
    assert (job.created_count, job.updated_count) == (0, 0)
    assert job.unchanged_count == job.total_rows == sizes[1]
    assert (Make.objects.count(), Modification.objects.count()) == sizes


def test_missing_required_column_is_refused_and_the_job_stays_a_draft(client, manager):
    # given a file without the «Год по» column
    header = [h for h in HEADER if h != "Год по"]
    row = car()
    del row[HEADER.index("Год по")]
    upload(client, csv_file([header, row]), name="cars.csv", kind="vehicles")
    job = last_job()
    mapping = {spec.name: job.column_map.get(spec.name, "") for spec in VEHICLE_FIELDS}

    # when the guessed mapping is submitted
    response = client.post(reverse("admin:catalog_importjob_mapping", args=[job.pk]), mapping)

    # then the page says which field has no column, and the job cannot be started
    assert response.status_code == 200
    assert "Выберите столбец для поля «Год по»." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DRAFT
    with pytest.raises(Exception, match="Не выбран столбец для поля «Год по»"):
        import_services.import_job_start(job_id=job.pk)


def test_one_column_for_two_fields_is_refused(client, manager):
    upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles")
    job = last_job()
    mapping = {spec.name: job.column_map.get(spec.name, "") for spec in VEHICLE_FIELDS}
    mapping["engine"] = mapping["modification"]

    response = client.post(reverse("admin:catalog_importjob_mapping", args=[job.pk]), mapping)

    assert response.status_code == 200
    assert "Этот столбец уже выбран для поля «Модификация»." in response.content.decode()
    job.refresh_from_db()
    assert "engine" in job.column_map and job.column_map["engine"] != job.column_map["modification"]


def test_wrongly_mapped_columns_reject_rows_instead_of_writing_garbage(
    client, manager, django_capture_on_commit_callbacks
):
    # given a file whose «Год с» and «Мощность» are mapped to each other's columns
    upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles")
    job = last_job()
    mapping = {spec.name: job.column_map.get(spec.name, "") for spec in VEHICLE_FIELDS}
    mapping["year_from"], mapping["power_hp"] = mapping["power_hp"], mapping["year_from"]
    client.post(reverse("admin:catalog_importjob_mapping", args=[job.pk]), mapping)

    # when the preview is opened and the import started
    preview = client.get(reverse("admin:catalog_importjob_preview", args=[job.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:catalog_importjob_start", args=[job.pk]))
    job.refresh_from_db()

    # then the preview warns and every row is rejected with the reason; nothing was written
    assert "Год начала выпуска (year_from) «106» — нужен год от 1900" in preview.content.decode()
    assert job.status == ImportJob.Status.DONE
    assert (job.rejected_count, job.created_count) == (3, 0)
    assert "Год начала выпуска (year_from) «106»" in rejected(job)[2]
    assert not Make.objects.filter(name="Тест-Моторс").exists()


def test_query_count_of_a_batch_does_not_grow_with_its_rows(manager, tmp_path):
    def job_with(count: int, tag: str) -> ImportJob:
        rows = [HEADER] + [
            car(
                make=f"Марка {tag}{i % 3}",
                model=f"Модель {i % 7}",
                generation=f"G{i % 11}",
                modification=f"1.{i} MT {100 + i} л.с.",
                volume_l="1.6",
            )
            for i in range(count)
        ]
        from django.core.files.uploadedfile import SimpleUploadedFile

        job = import_services.import_job_create(
            kind="vehicles",
            upload=SimpleUploadedFile("cars.csv", csv_file(rows)),
            warehouse=None,
            zero_missing=False,
            actor=manager,
        )
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
        return job

    small, large = job_with(5, "a"), job_with(50, "b")

    assert count_queries(lambda: runner.run_import(small.pk)) == count_queries(
        lambda: runner.run_import(large.pk)
    )
    assert ImportJob.objects.get(pk=large.pk).created_count == 50


# ---- permissions -------------------------------------------------------------------------------


def _importer_without_reference_rights(email: str):
    """Staff who may import catalog files but not change the vehicle reference."""
    user = make_staff(email=email)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalog",
            codename__in=["add_importjob", "view_importjob", "view_warehouse"],
        )
    )
    return user


def test_vehicles_need_the_reference_permissions_on_top_of_imports(
    client, django_capture_on_commit_callbacks
):
    # given a vehicle job of a manager, and an importer without rights on the reference
    client.force_login(make_staff(roles.MANAGER, email="m@example.ru"))
    assert "Справочник автомобилей" in client.get(ADD).content.decode()
    job = import_vehicles(client, django_capture_on_commit_callbacks, GOOD)
    draft = upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles")
    draft_job = last_job()
    assert draft.status_code == 302
    client.force_login(_importer_without_reference_rights("i@example.ru"))

    # when they open the upload page, upload a vehicle file and open the vehicle jobs
    page = client.get(ADD)
    response = upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles")

    # then the kind is not offered, the upload is refused, editing a vehicle job is 403,
    # while the report stays readable and other kinds work
    assert page.status_code == 200
    assert 'value="vehicles"' not in page.content.decode()
    assert 'value="crosses"' in page.content.decode()
    assert response.status_code == 200
    assert ImportJob.objects.count() == 2
    for name in ("mapping", "preview"):
        url = reverse(f"admin:catalog_importjob_{name}", args=[draft_job.pk])
        assert client.get(url).status_code == 403
    start = reverse("admin:catalog_importjob_start", args=[draft_job.pk])
    assert client.post(start).status_code == 403
    assert ImportJob.objects.get(pk=draft_job.pk).status == ImportJob.Status.DRAFT
    assert client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).status_code == 200
    assert (
        upload(
            client,
            csv_file([["Бренд 1", "Артикул 1", "Бренд 2", "Артикул 2"]] * 2),
            name="x.csv",
            kind="crosses",
        ).status_code
        == 302
    )


def test_service_refuses_a_vehicle_upload_without_the_reference_permissions():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mprating.core.errors import ApplicationError

    user = _importer_without_reference_rights("s@example.ru")
    with pytest.raises(ApplicationError, match="нет права загружать «Справочник автомобилей»"):
        import_services.import_job_create(
            kind="vehicles",
            upload=SimpleUploadedFile("cars.csv", csv_file(GOOD)),
            warehouse=None,
            zero_missing=False,
            actor=user,
        )


def test_operator_and_staff_without_import_permission_get_403(
    client, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(roles.MANAGER, email="m@example.ru"))
    job = import_vehicles(client, django_capture_on_commit_callbacks, GOOD)

    client.force_login(make_staff(roles.OPERATOR, email="o@example.ru"))
    assert upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles").status_code == 403
    assert client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).status_code == 200

    client.force_login(make_staff(email="nobody@example.ru"))
    assert upload(client, csv_file(GOOD), name="cars.csv", kind="vehicles").status_code == 403
    assert client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1


# ---- in Chromium -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manager_imports_vehicles_in_the_browser(live_server, page, screenshot, settings, tmp_path):
    from mprating.catalog.tests.test_import_browser import log_in

    # given a manager and a file with a good row, a bad row and a new modification
    settings.MEDIA_ROOT = tmp_path
    make_staff(roles.MANAGER, email="manager@example.ru")
    rows = [HEADER, car(), car(modification="1.6 MT 87 л.с.", fuel="керосин"), GOOD[2]]
    log_in(page, live_server, "manager@example.ru")

    # when they upload it as «Справочник автомобилей»
    page.goto(f"{live_server.url}/backoffice/catalog/importjob/add/")
    page.locator("select[name=kind]").select_option("vehicles")
    page.locator("input[name=file]").set_input_files(
        {"name": "автомобили.csv", "mimeType": "text/csv", "buffer": csv_file(rows)}
    )
    screenshot("vehicles-1-upload")
    page.get_by_role("button", name="Загрузить и перейти к столбцам").click()

    # then the columns are guessed, the preview marks the bad row, the report lists it
    page.wait_for_url("**/mapping/")
    assert page.locator("select[name=gearbox]").input_value() == str(HEADER.index("КПП"))
    assert page.locator("select[name=make_sort_order]").input_value() == ""
    screenshot("vehicles-2-mapping")
    page.get_by_role("button", name="Показать первые строки").click()
    page.wait_for_url("**/preview/")
    reason = "Топливо (fuel) «керосин» — допустимо: petrol, diesel, hybrid, electric, gas"
    assert (
        page.get_by_test_id("preview-table").get_by_text(re.compile(re.escape(reason))).is_visible()
    )
    screenshot("vehicles-3-preview")
    page.get_by_test_id("preview-table").get_by_text(
        re.compile(re.escape(reason))
    ).scroll_into_view_if_needed()
    screenshot("vehicles-3b-preview-check")
    page.get_by_role("button", name="Запустить импорт").click()
    page.locator("[data-testid=import-progress][data-status=done]").wait_for()
    assert page.get_by_test_id("count-created").inner_text() == "2"
    assert page.get_by_test_id("count-rejected").inner_text() == "1"
    report = page.get_by_test_id("rejected-report")
    assert report.get_by_text(re.compile(re.escape(reason))).is_visible()
    screenshot("vehicles-4-report")
    assert Modification.objects.filter(generation__model__make__name="Тест-Моторс").count() == 2
