"""Back office lists against a vanilla Django `ModelAdmin` of the same table, side by side
(issue 13, target 3: «Back office lists ≥ 3× faster than a vanilla ModelAdmin changelist on the
same table and page size, measured side by side in one run»).

    .venv/bin/python bench/backoffice_lists.py --runs 15

The script builds, in this process only, a second `AdminSite` («vanilla») that is not the
project's: for each measured model a plain `django.contrib.admin.ModelAdmin` with the real
list's plain-field columns (a computed column is replaced by the model field it shows, or
dropped when it has none — «состав», «текущий статус»), the same `list_per_page`, no filters,
Django's own templates (a second template engine without unfold, so the vanilla page is
Django's, not unfold's). A urlconf module made here mounts it at /bench-vanilla/ next to the
project's urls, and `ROOT_URLCONF` points at it. Both lists are then requested alternately
through Django's test client as the same superuser, `--runs` times each after a warm-up: median
and p95 server time, queries, database time, HTML size, and the ratio vanilla ÷ real (> 1: the
real list is faster). The machine is shared: ratios matter more than the milliseconds.

Results are appended to `bench/results/backoffice_lists.md` with the load average.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common

RESULTS_FILE = _common.RESULTS_DIR / "backoffice_lists.md"
URLCONF_NAME = "bench_backoffice_lists_urls"
VANILLA_PREFIX = "bench-vanilla/"

# (label, "app_label.Model", {computed column of the real list: plain field it shows}).
# The real list's plain fields are kept as they are; a computed column with no field is dropped.
LISTS = [
    (
        "orders · заявки",
        "orders.Order",
        {
            "number_display": "number",
            "client_display": "client",
            "comment_display": "comment",
            "phone_display": "recipient_phone",
        },
    ),
    (
        "orders · позиции заказов",
        "orders.OrderLine",
        {
            "order_link": "order",
            "created": "created_at",
            "client_display": "client",
            "status_display": "status",
            "refusal_display": "refusal_state",
        },
    ),
    (
        "accounts · клиенты",
        "accounts.Client",
        {"full_name": "user", "email": "inn", "phone": "company_name", "access": "created_at"},
    ),
    ("accounts · пользователи", "accounts.User", {"full_name": "last_name"}),
    (
        "catalog · предложения",
        "catalog.Offer",
        {
            "article": "product",
            "brand": None,
            "product_name": None,
            "warehouse_name": "warehouse",
            "price_rub": "price",
            "returns": "is_returnable",
        },
    ),
    (
        "catalog · товары",
        "catalog.Product",
        {"brand_name": "brand", "category_name": "category"},
    ),
]


def vanilla_columns(model, real_admin, equivalents: dict) -> list[str]:
    fields = {f.name for f in model._meta.get_fields() if f.concrete}
    columns = []
    for name in real_admin.list_display:
        if not isinstance(name, str):
            continue
        plain = equivalents.get(name, name if name in fields else None)
        if plain and plain in fields and plain not in columns:
            columns.append(plain)
    return columns or ["pk"]


def build_vanilla_site():
    """The vanilla admin site and, per list, (label, real url, vanilla url, columns)."""
    from django.apps import apps
    from django.contrib import admin
    from django.db import models as db_models
    from django.template.response import TemplateResponse

    class VanillaSite(admin.AdminSite):
        site_header = "vanilla"

    site = VanillaSite(name="vanilla")

    class VanillaAdmin(admin.ModelAdmin):
        """Plain Django; its pages render with the engine that has no unfold templates."""

        def changelist_view(self, request, extra_context=None):
            response = super().changelist_view(request, extra_context)
            if isinstance(response, TemplateResponse):
                response.using = "vanilla"
            return response

    plans = []
    for label, dotted, equivalents in LISTS:
        model = apps.get_model(dotted)
        real_admin = admin.site._registry[model]
        columns = vanilla_columns(model, real_admin, equivalents)
        related = [
            name
            for name in columns
            if isinstance(
                model._meta.get_field(name), db_models.ForeignKey | db_models.OneToOneField
            )
        ]
        # str() of a client or an order line's client is the user's name.
        related += [f"{name}__user" for name in related if name == "client"]
        if model.__name__ == "Offer":
            related = ["product__brand", "warehouse"]
        attrs = {
            "list_display": columns,
            "list_per_page": real_admin.list_per_page,
            "list_select_related": related or False,
        }
        site.register(model, type(f"Vanilla{model.__name__}Admin", (VanillaAdmin,), attrs))
        meta = model._meta
        plans.append(
            (label, f"{meta.app_label}_{meta.model_name}", columns, real_admin.list_per_page)
        )
    return site, plans


def install_urlconf(site) -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType(URLCONF_NAME)
    module.urlpatterns = [path(VANILLA_PREFIX, site.urls), path("", include("config.urls"))]
    sys.modules[URLCONF_NAME] = module
    settings.ROOT_URLCONF = URLCONF_NAME
    clear_url_caches()


def install_vanilla_engine() -> None:
    """A second template engine: Django's admin templates first, no unfold."""
    from pathlib import Path as P

    import django.contrib.admin
    from django.conf import settings
    from django.template import engines

    admin_templates = P(django.contrib.admin.__file__).parent / "templates"
    real = settings.TEMPLATES[0]
    vanilla = {
        "BACKEND": real["BACKEND"],
        "NAME": "vanilla",
        "DIRS": [admin_templates],
        "APP_DIRS": False,
        "OPTIONS": {
            **real.get("OPTIONS", {}),
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
    settings.TEMPLATES = [{**real, "NAME": "django"}, vanilla]
    # Static URLs without the manifest (no collectstatic needed in a worktree), for both lists.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The engines were read from settings already (or not yet): read them again.
    engines.__dict__.pop("templates", None)
    engines._engines = {}


def measure_pair(browser, urls: tuple[str, str], runs: int) -> list[dict]:

    for url in urls:
        for _ in range(2):
            response = browser.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
    samples = [{"totals": [], "db": [], "queries": 0, "kb": 0.0} for _ in urls]
    for _ in range(runs):
        for url, sample in zip(urls, samples, strict=True):
            with _common.sql_spent() as spent:
                started = time.perf_counter()
                response = browser.get(url)
                sample["totals"].append((time.perf_counter() - started) * 1000)
            sample["db"].append(spent[0] * 1000)
            sample["queries"] = spent[1]
            sample["kb"] = len(response.content) / 1024
    return [
        {
            "median": statistics.median(s["totals"]),
            "p95": _common.percentile(s["totals"], 0.95),
            "db": statistics.median(s["db"]),
            "queries": s["queries"],
            "kb": s["kb"],
        }
        for s in samples
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--note", default="")
    parser.add_argument("--only", help="a part of the label, e.g. «заявки»")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    url = _common.database_url(args.database_url)
    _common.setup_django(url, debug=False)
    install_vanilla_engine()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as Browser
    from django.urls import reverse

    # The back office reads every app's tables (the sidebar's badges, sessions), not only the
    # ones the generators migrate; as bench/pages.py does.
    call_command("migrate", verbosity=0)
    site, plans = build_vanilla_site()
    install_urlconf(site)

    User = get_user_model()
    admin_user = User.objects.filter(email="bench-admin@mprating.local").first()
    if admin_user is None:
        admin_user = User.objects.create_superuser(
            email="bench-admin@mprating.local", password="bench-admin-Pass-2026"
        )
    browser = Browser(HTTP_HOST="127.0.0.1")
    browser.force_login(admin_user)
    with connection.cursor() as cursor:
        info = _common.machine_info(cursor)
        cursor.execute("SELECT count(*) FROM orders_order")
        orders = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM orders_orderline")
        lines_count = cursor.fetchone()[0]

    _common.freeze_like_gunicorn()
    lines = [
        f"\n## {info['date']} — {orders:,} orders, {lines_count:,} order lines"
        + (f" ({args.note})" if args.note else ""),
        "",
        f"- Machine: {info['cpus']} CPUs, {info['ram']} RAM; PostgreSQL {info['postgresql']}",
        f"- Runs per list: {args.runs} (real and vanilla alternately); "
        f"load average before: {info['load']}",
        "",
        "| list | rows/page | real: queries | DB, ms | median, ms | p95, ms | HTML, KB "
        "| vanilla: queries | DB, ms | median, ms | p95, ms | HTML, KB "
        "| vanilla ÷ real (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    vanilla_columns_note = []
    for label, name, columns, per_page in plans:
        if args.only and args.only not in label:
            continue
        real_url = reverse(f"admin:{name}_changelist")
        vanilla_url = reverse(f"vanilla:{name}_changelist")
        real, vanilla = measure_pair(browser, (real_url, vanilla_url), args.runs)
        row = (
            f"| {label} | {per_page} | {real['queries']} | {real['db']:.1f} | "
            f"{real['median']:.1f} | {real['p95']:.1f} | {real['kb']:.0f} | "
            f"{vanilla['queries']} | {vanilla['db']:.1f} | {vanilla['median']:.1f} | "
            f"{vanilla['p95']:.1f} | {vanilla['kb']:.0f} | "
            f"**{vanilla['median'] / real['median']:.2f}×** |"
        )
        print(row, flush=True)
        lines.append(row)
        vanilla_columns_note.append(f"{label}: {', '.join(columns)}")
    lines.append("")
    lines.append("Vanilla columns: " + "; ".join(vanilla_columns_note) + ".")
    lines.append(f"\nLoad average after: {_common.load_now()}")
    print(lines[-1])
    if args.no_save:
        return
    if not RESULTS_FILE.exists():
        RESULTS_FILE.write_text(
            "# Back office lists vs a vanilla ModelAdmin (bench/backoffice_lists.py)\n\n"
            + __doc__.split("\n\n", 2)[2]
        )
    with RESULTS_FILE.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
