"""No state change on GET, and none without the CSRF token, anywhere in the back office
(DESIGN.md §5; issue 9: «Принят», «Обрабатывается», «Выполнен» used to be links whose GET set
the VIN request's status).

Every URL a ModelAdmin adds — django-unfold's `actions_detail` / `actions_list` /
`actions_row` / `actions_submit_line` and each custom `get_urls` page — plus each model's list
and object page, is opened by a superuser on real objects (the demo data, one object per
status where the model has one), and the whole database is compared before and after: not a
row may differ. Then each of those URLs gets the POST its confirmation page would send, but
without the CSRF token: refused with 403, nothing changed. A new admin URL is covered without
touching this test; a URL it cannot fill in fails it (`_kwargs`).
"""

import io
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.urls import reverse

from mprating.accounts.models import User
from mprating.catalog.imports import services as import_services
from mprating.core.admin_actions import CONFIRM_FIELD, CONFIRM_VALUE
from mprating.finance.models import Statement
from mprating.finance.onec.models import OneCClientState

pytestmark = pytest.mark.django_db

# Not business state: the session (messages of the admin live there) and django-axes' log of
# sign-ins.
UNCOMPARED_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt"}
# Audit logs a GET appends to by design, and nothing else: 152-ФЗ (issue 12) wants every look
# at a client's personal data journaled, and a look is a GET. Only appends are allowed: the
# rows that were there before must stay as they were (`_changed`).
AUDIT_LOGS_WRITTEN_ON_GET = {"accounts_personaldataview"}
# Object pages that are the standard ones, not added by our admins.
STANDARD_URLS = {"changelist", "add", "history", "delete", "change", "autocomplete"}
PER_MODEL_OBJECTS = 6


def _tables() -> dict[str, object]:
    models = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in UNCOMPARED_TABLES:
            continue
        models[meta.db_table] = model
    return models


def _snapshot() -> dict[str, list[tuple]]:
    return {
        table: list(model._base_manager.order_by("pk").values_list())
        for table, model in _tables().items()
    }


def _changed(before: dict, after: dict) -> list[str]:
    changed = []
    for table in before:
        if table in AUDIT_LOGS_WRITTEN_ON_GET:
            if after[table][: len(before[table])] != before[table]:
                changed.append(table)  # an audit log only grows: an old row changed or went
        elif before[table] != after[table]:
            changed.append(table)
    return sorted(changed)


def _objects(model) -> list:
    """Up to PER_MODEL_OBJECTS objects: one per status when the model has one (so that each
    step of a workflow finds an object it applies to), otherwise the first ones."""
    queryset = model._default_manager.order_by("pk")
    field_names = {f.name for f in model._meta.get_fields()}
    if "status" in field_names and model._meta.get_field("status").concrete:
        chosen, seen = [], set()
        for obj in queryset.iterator():
            if obj.status not in seen:
                seen.add(obj.status)
                chosen.append(obj)
            if len(chosen) == PER_MODEL_OBJECTS:
                break
        return chosen
    return list(queryset[:2])


def _kwargs(pattern, obj) -> dict:
    """The URL's arguments for `obj`: its key, and a valid value for the other parts."""
    kwargs = {}
    for name in pattern.pattern.converters:
        if name in {"object_id", "job_id", "state_id", "point_id", "id"}:
            kwargs[name] = obj.pk
        elif name == "fmt":
            kwargs[name] = "csv"
        elif name == "kind":
            kwargs[name] = "pdf"
        else:
            raise AssertionError(f"{pattern.name}: cannot fill in the URL part «{name}»")
    return kwargs


def _admin_urls() -> list[tuple[str, object, bool, object]]:
    """(name, ModelAdmin's model, whether it is one of ours, pattern) for every URL of every
    ModelAdmin: the custom ones and the list and object pages."""
    found = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name:
                continue
            suffix = name.removeprefix(prefix)
            custom = suffix not in STANDARD_URLS
            if suffix in {"changelist", "change"} or custom:
                found.append((name, model, custom, pattern))
    return found


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", clients=2, stdout=io.StringIO())
    superuser = User.objects.create_superuser(email="root@example.ru", password="Root-2026!")
    csv = "Бренд;Артикул;Цена;Остаток\nBOSCH;1;10;1\n".encode()
    client = apps.get_model("accounts", "Client").objects.order_by("pk").first()
    OneCClientState.objects.create(client=client)
    statement = Statement.objects.create(
        client=client,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        status=Statement.Status.DONE,
    )
    statement.pdf.save("act.pdf", ContentFile(b"%PDF-1.4 demo"), save=False)
    statement.xlsx.save("act.xlsx", ContentFile(b"PK demo"))
    import_services.import_job_create(
        kind="price_list",
        upload=SimpleUploadedFile("price.csv", csv),
        warehouse=apps.get_model("catalog", "Warehouse").objects.first(),
        zero_missing=False,
        actor=superuser,
    )
    return superuser


def _get_every_url(client, demo) -> None:
    client.force_login(demo)
    opened, without_objects = [], []
    before = _snapshot()  # then each page's «after» is the next one's «before»

    for name, model, custom, pattern in _admin_urls():
        needs_object = bool(pattern.pattern.converters)
        targets = (_objects(model) if custom else _objects(model)[:1]) if needs_object else [None]
        if not targets:
            # A custom URL must be tried; a standard object page of a table the demo leaves
            # empty (django-axes, 1С's cache, task results) is Django's own.
            if custom:
                without_objects.append(name)
            continue
        for obj in targets:
            url = reverse(f"admin:{name}", kwargs=_kwargs(pattern, obj) if obj else {})
            response = client.get(url)
            after = _snapshot()

            # 403: unfold hides an action that does not apply to the object (its permission check)
            assert response.status_code in {200, 302, 403, 404, 405}, (url, response.status_code)
            changed = _changed(before, after)
            assert changed == [], f"GET {url} changed {changed}"
            opened.append(url)
            before = after

    assert not without_objects, f"no object to open these URLs on: {without_objects}"
    assert len(opened) > 100
    # The VIN request's status steps are among them (issue 9).
    assert any(url.endswith("/accept/") for url in opened)


def _post_every_url_without_csrf(demo) -> None:
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(demo)
    refused = 0
    before = _snapshot()

    for name, model, custom, pattern in _admin_urls():
        if not custom:
            continue
        needs_object = bool(pattern.pattern.converters)
        targets = _objects(model)[:1] if needs_object else [None]
        for obj in targets:
            url = reverse(f"admin:{name}", kwargs=_kwargs(pattern, obj) if obj else {})
            data = {CONFIRM_FIELD: CONFIRM_VALUE, ACTION_CHECKBOX_NAME: [obj.pk] if obj else []}
            response = browser.post(url, data)
            after = _snapshot()

            assert response.status_code == 403, (url, response.status_code)
            assert _changed(before, after) == [], f"POST {url} without CSRF changed something"
            refused += 1
            before = after

    assert refused > 40


def test_no_back_office_url_changes_anything_on_get_nor_on_a_post_without_csrf(client, demo):
    # One test for both: the demo data take a third of its time.
    _get_every_url(client, demo)
    _post_every_url_without_csrf(demo)
