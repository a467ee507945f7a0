"""The back office speaks Russian: counts in the three Russian forms, dates and empty values the
Russian way, permissions and background tasks named in Russian, the project's catalog of
translations compiled (the whole-site check is the demo crawl, mprating/demo/tests)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client as BrowserClient
from django.utils import translation
from django.utils.formats import date_format

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.backoffice.counts import NOUN_FORMS, records_ru

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def superuser_browser(db):
    browser = BrowserClient()
    browser.force_login(make_staff(superuser=True, email="root@example.ru"))
    return browser


def test_every_back_office_list_has_the_russian_forms_of_its_noun():
    listed = set()
    for model, model_admin in admin.site._registry.items():
        listed.add(model._meta.label_lower)
        for inline in model_admin.inlines:
            if getattr(inline, "per_page", None):  # unfold paginates it and prints the count
                listed.add(inline.model._meta.label_lower)

    assert sorted(listed - set(NOUN_FORMS)) == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 клиент"), (21, "21 клиент"), (3, "3 клиента"), (11, "11 клиентов"), (41, "41 клиент")],
)
def test_records_are_counted_in_russian(count, expected):
    assert records_ru("accounts.client", count) == expected


def test_a_model_outside_the_table_is_counted_as_records():
    assert records_ru("somewhere.else", 5) == "5 записей"


def test_the_clients_list_counts_clients_in_russian(superuser_browser):
    for n in range(3):
        make_client(email=f"c{n}@example.ru")

    page = superuser_browser.get("/backoffice/accounts/client/").content.decode()

    assert re.search(r"\b3 клиента\b", page)
    assert "3 клиенты" not in page


def test_a_day_of_a_month_is_in_the_genitive():
    with translation.override("ru"):
        assert date_format(date(2026, 11, 30), "MONTH_DAY_FORMAT") == "30 ноября"


def test_the_roles_page_names_default_permissions_in_russian(superuser_browser):
    from django.contrib.auth.models import Group

    group = Group.objects.order_by("pk").first()

    page = superuser_browser.get(f"/backoffice/auth/group/{group.pk}/change/").content.decode()

    assert "Can add" not in page
    assert "Can view" not in page
    assert "клиент | Добавление" in page


def test_the_tasks_list_is_russian_with_a_dash_for_what_has_not_happened(superuser_browser):
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        task_path="mprating.orders.tasks.auto_archive_orders",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )

    page = superuser_browser.get("/backoffice/django_tasks_database/dbtaskresult/")

    text = page.content.decode()
    assert page.status_code == 200
    for english in ["Task name", "Enqueued", "Ready", "Task Results", "Tasks Database Backend"]:
        assert english not in text
    assert "Фоновые задачи" in text
    assert "В очереди" in text  # the status
    assert "1 задача" in text
    # not started, not finished: Django's hyphen would be «-»
    assert re.search(r">\s*—\s*<", text)
    assert not re.search(r">\s*-\s*<", text)


def _po_entries(text: str) -> list[tuple[str, str, str | None, list[str]]]:
    """(context, msgid, msgid_plural, msgstrs) of every entry of a .po file but its header."""
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif key:
                fields[key].append(line.strip()[1:-1])
        joined = {
            k: "".join(v).encode().decode("unicode_escape").encode("latin-1").decode()
            for k, v in fields.items()
        }
        if joined.get("msgid"):
            strs = [v for k, v in sorted(joined.items()) if k.startswith("msgstr")]
            entries.append(
                (joined.get("msgctxt", ""), joined["msgid"], joined.get("msgid_plural"), strs)
            )
    return entries


def test_the_compiled_catalog_has_every_translation_of_the_po_file():
    """locale/ru/LC_MESSAGES/django.mo is committed: recompile it (`manage.py compilemessages
    -l ru`) after editing the .po, or the site keeps the old strings."""
    entries = _po_entries(PO_FILE.read_text())
    stale = []
    with translation.override("ru"):
        for context, msgid, plural, msgstrs in entries:
            if plural:
                got = translation.ngettext(msgid, plural, 1)
            elif context:
                got = translation.pgettext(context, msgid)
            else:
                got = translation.gettext(msgid)
            if got != msgstrs[0]:
                stale.append(msgid)

    assert len(entries) > 90
    assert stale == []


def test_a_filter_the_list_cannot_take_is_explained_in_russian(superuser_browser):
    response = superuser_browser.get("/backoffice/orders/order/?pk__exact=нет&e=1")

    page = response.content.decode()
    assert "Фильтр не подходит" in page
    assert "База данных" not in page and "базы данных" not in page
    assert 'href="?"' in page


def test_deleting_several_records_is_asked_in_russian_without_a_wrong_case(superuser_browser):
    from mprating.catalog import services

    brands = [services.brand_get_or_create(name=name) for name in ["BOSCH", "FEBI", "MAHLE"]]

    changelist = superuser_browser.get("/backoffice/catalog/brand/").content.decode()
    confirm = superuser_browser.post(
        "/backoffice/catalog/brand/",
        {"action": "delete_selected", "_selected_action": [brand.pk for brand in brands]},
    ).content.decode()

    assert "Удалить выбранные записи" in changelist
    assert "Удалить выбранные записи?" in confirm
    assert "выбранные бренды" not in confirm
