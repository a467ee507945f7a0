"""The demo's map of pages for the crawl tests (`test_crawl.py`): every URL of the URL conf
that a GET can open, its parameters filled from the seeded demo, with the query strings and
htmx requests its pages make.

A URL pattern with parameters that no rule here can fill makes `demo_urls` fail: a new page is
never skipped silently; add a line to `KWARGS` (or, for a back office model without any demo
object, to `NO_DEMO_OBJECT` with the reason).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from mprating.demo.tests.crawl_objects import Demo


@dataclass(frozen=True)
class Visit:
    """One GET of the crawl: the URL (query string included) and whether htmx asks for it."""

    name: str
    url: str
    htmx: bool = False


def _obj(attr: str) -> Callable[[Demo], dict]:
    return lambda demo: {"object_id": getattr(demo, attr).pk}


# Parameters of every named URL that has some, from the demo's objects. Back office change /
# history / delete pages and the app index pages are filled from the admin registry below.
KWARGS: dict[str, Callable[[Demo], dict]] = {
    "accounts:password_reset_confirm": lambda demo: {
        "uidb64": urlsafe_base64_encode(force_bytes(demo.client_user.pk)),
        "token": default_token_generator.make_token(demo.client_user),
    },
    "cabinet:api_token_revoke": lambda demo: {"token_id": demo.api_token.pk},
    "cart:line_quantity": lambda demo: {"line_id": demo.cart_line.pk},
    "cart:line_remove": lambda demo: {"line_id": demo.cart_line.pk},
    "cart:import_result": lambda demo: {"import_id": demo.cart_import.pk},
    "cart:import_row_choose": lambda demo: {
        "import_id": demo.cart_import.pk,
        "row_id": demo.cart_import.rows.order_by("pk").first().pk,
    },
    "cart:import_row_add_available": lambda demo: {
        "import_id": demo.cart_import.pk,
        "row_id": demo.cart_import.rows.order_by("pk").first().pk,
    },
    "orders:line_history": lambda demo: {"line_id": demo.line.pk},
    "orders:line_refuse": lambda demo: {"line_id": demo.line.pk},
    "orders:line_refusal_seen": lambda demo: {"line_id": demo.line.pk},
    "orders:line_reorder": lambda demo: {"line_id": demo.line.pk},
    "orders:order_archive": lambda demo: {"order_id": demo.line.order_id},
    "orders:placed": lambda demo: {"number": demo.line.order.number},
    "garage:vehicle_edit": lambda demo: {"pk": demo.vehicle.pk},
    "garage:vehicle_delete": lambda demo: {"pk": demo.vehicle.pk},
    "garage:vehicle_catalog": lambda demo: {"pk": demo.vehicle.pk},
    "garage:request_resend": lambda demo: {"pk": demo.vin_request.pk},
    "garage:chat": lambda demo: {"pk": demo.vin_request.pk},
    "garage:chat_messages": lambda demo: {"pk": demo.vin_request.pk},
    "garage:chat_read": lambda demo: {"pk": demo.vin_request.pk},
    "garage:answer_to_cart": lambda demo: {"pk": demo.vin_answer.pk},
    "finance:statement_file": lambda demo: {"statement_id": demo.statement.pk, "kind": "pdf"},
    "returns:create": lambda demo: {"line_id": demo.line.pk},
    "returns:quote": lambda demo: {"line_id": demo.line.pk},
    "returns:detail": lambda demo: {"return_id": demo.return_request.pk},
    "returns:photo": lambda demo: {"photo_id": demo.return_photo.pk},
    "billing:purchase_cancel": lambda demo: {"purchase_id": demo.purchase.pk},
    "partners:point": lambda demo: {"point_id": demo.point.pk},
    "partners:point_export": lambda demo: {"point_id": demo.point.pk},
    "partners:line_hand_out": lambda demo: {"line_id": demo.waiting_line.pk},
    "partners:line_return": lambda demo: {"line_id": demo.waiting_line.pk},
    # The raw token exists only in the invitation e-mail: a wrong one shows the «link is not
    # valid» page, which is what a GET of a stale link renders.
    "partners:invitation": lambda demo: {"token": "ustarevshaya-ssylka"},
    "api:cart_line_update": lambda demo: {"line_id": demo.cart_line.pk},
    "api:cart_line_delete": lambda demo: {"line_id": demo.cart_line.pk},
    "api:order_get": lambda demo: {"number": demo.line.order.number},
    "api:returns_get": lambda demo: {"return_id": demo.return_request.pk},
    "api:returns_line_get": lambda demo: {"line_id": demo.line.pk},
    "api:returns_photo": lambda demo: {"photo_id": demo.return_photo.pk},
    "api:finance_statement_get": lambda demo: {"statement_id": demo.statement.pk},
    "api:finance_statement_file": lambda demo: {"statement_id": demo.statement.pk, "kind": "pdf"},
    "api:packages_purchase_get": lambda demo: {"purchase_id": demo.purchase.pk},
    "api:packages_purchase_cancel": lambda demo: {"purchase_id": demo.purchase.pk},
    "api:packages_buy": lambda demo: {"package_id": demo.purchase.package_id},
    "api:order_archive": lambda demo: {"number": demo.line.order.number},
    "api:line_history": lambda demo: {"line_id": demo.line.pk},
    "api:line_refuse": lambda demo: {"line_id": demo.line.pk},
    "api:line_seen": lambda demo: {"line_id": demo.line.pk},
    "api:line_reorder": lambda demo: {"line_id": demo.line.pk},
    "api:vehicle_get": lambda demo: {"vehicle_id": demo.vehicle.pk},
    "api:vehicle_update": lambda demo: {"vehicle_id": demo.vehicle.pk},
    "api:vehicle_delete": lambda demo: {"vehicle_id": demo.vehicle.pk},
    "api:vehicle_vin_lookup": lambda demo: {"vehicle_id": demo.vehicle.pk},
    "api:vin_request_get": lambda demo: {"request_id": demo.vin_request.pk},
    "api:vin_request_resend": lambda demo: {"request_id": demo.vin_request.pk},
    "api:answer_to_cart": lambda demo: {"answer_id": demo.vin_answer.pk},
    "api:chat_list": lambda demo: {"request_id": demo.vin_request.pk},
    "api:chat_post": lambda demo: {"request_id": demo.vin_request.pk},
    "api:chat_read": lambda demo: {"request_id": demo.vin_request.pk},
    # Back office pages of their own (object tools, steps with a confirmation page).
    "admin:view_on_site": lambda demo: {
        "content_type_id": ContentType.objects.get_for_model(demo.client).pk,
        "object_id": demo.client.pk,
    },
    "admin:auth_user_password_change": lambda demo: {"id": demo.client_user.pk},
    "admin:catalog_importjob_mapping": lambda demo: {"job_id": demo.import_job.pk},
    "admin:catalog_importjob_preview": lambda demo: {"job_id": demo.import_job.pk},
    "admin:catalog_importjob_start": lambda demo: {"job_id": demo.import_job.pk},
    "admin:catalog_importjob_restart": lambda demo: {"job_id": demo.import_job.pk},
    "admin:catalog_importjob_progress": lambda demo: {"job_id": demo.import_job.pk},
    "admin:catalog_importjob_rejected": lambda demo: {"job_id": demo.import_job.pk, "fmt": "csv"},
    "admin:pickup_points_pickuppoint_statistics": _obj("point"),
    "admin:pickup_points_pickuppoint_disable": _obj("point"),
    "admin:pickup_points_pickuppoint_enable": _obj("point"),
    "admin:pickup_points_pickuppoint_register_owner": _obj("point"),
    "admin:pickup_points_pickuppoint_change_owner": _obj("point"),
    "admin:pickup_points_pickuppoint_resend_invitation": _obj("point"),
    "admin:finance_statement_file": lambda demo: {"object_id": demo.statement.pk, "kind": "pdf"},
    "admin:finance_clientaccount_correct": _obj("client"),
    "admin:finance_clientaccount_change_limit": _obj("client"),
    "admin:finance_clientaccount_open_ledger": _obj("client"),
    "admin:billing_packagepurchase_confirm": _obj("purchase"),
    "admin:billing_packagepurchase_cancel": _obj("purchase"),
    "admin:orders_order_lines_status": lambda demo: {"object_id": demo.line.order_id},
    "admin:orders_order_lines_confirm": lambda demo: {"object_id": demo.line.order_id},
    "admin:orders_order_lines_decline": lambda demo: {"object_id": demo.line.order_id},
    "admin:orders_order_lines_refuse": lambda demo: {"object_id": demo.line.order_id},
    "admin:orders_order_lines_comment": lambda demo: {"object_id": demo.line.order_id},
    "admin:garage_vinrequest_chat": _obj("vin_request"),
    "admin:garage_vinrequest_chat_messages": _obj("vin_request"),
    "admin:garage_vinrequest_chat_read": _obj("vin_request"),
    "admin:garage_vinrequest_accept": _obj("vin_request"),
    "admin:garage_vinrequest_take": _obj("vin_request"),
    "admin:garage_vinrequest_complete": _obj("vin_request"),
    "admin:garage_vinrequest_open_chat": _obj("vin_request"),
    "admin:returns_returnrequest_step_review": _obj("return_request"),
    "admin:returns_returnrequest_step_approve": _obj("return_request"),
    "admin:returns_returnrequest_step_reject": _obj("return_request"),
    "admin:returns_returnrequest_step_receive": _obj("return_request"),
    "admin:returns_returnrequest_step_refund": _obj("return_request"),
    "admin:partners_pointstatistics_detail": lambda demo: {"point_id": demo.point.pk},
    "admin:partners_pointstatistics_export": lambda demo: {"point_id": demo.point.pk},
}


def _first_of(label: str) -> Callable[[Demo], dict]:
    def fill(demo: Demo) -> dict:
        from django.apps import apps

        return {"object_id": demo.first(apps.get_model(label)).pk}

    return fill


for _action in ("take", "release", "deactivate", "activate", "open_buyouts"):
    KWARGS[f"admin:marketplaces_marketplaceaccount_{_action}"] = _first_of(
        "marketplaces.MarketplaceAccount"
    )
for _action in ("to_in_transit", "to_at_point", "to_received", "cancel"):
    KWARGS[f"admin:marketplaces_buyout_{_action}"] = _first_of("marketplaces.Buyout")
for _action in ("approve", "decline", "open_point"):
    KWARGS[f"admin:partners_partnerapplication_{_action}"] = _first_of(
        "partners.PartnerApplication"
    )
for _action in ("deactivate", "reactivate"):
    KWARGS[f"admin:accounts_client_{_action}"] = _first_of("accounts.Client")
# 152-ФЗ (issue 12): the demo has one client's deletion request waiting (seed_demo).
KWARGS["admin:accounts_deletionrequest_confirm"] = _first_of("accounts.DeletionRequest")
# 1С is not connected in the demo: there is no client state, the page answers 404.
KWARGS["admin:finance_onecclientstate_sync"] = lambda demo: {"state_id": 1}

# Registered back office models the demo has no object of, and why: their changelists and add
# forms are still crawled, only the change / history / delete pages of an object are not.
NO_DEMO_OBJECT = {
    "axes.accessattempt": "only failed sign-ins create one",
    "axes.accessfailurelog": "only failed sign-ins create one",
    "axes.accesslog": "only sign-ins through the form create one",
    "finance.onecconnection": "the demo keeps the embedded ledger, 1С is not connected",
    "finance.oneccounterpartylink": "the demo keeps the embedded ledger, 1С is not connected",
    "finance.onecclientstate": "the demo keeps the embedded ledger, 1С is not connected",
    "finance.onecchange": "the demo keeps the embedded ledger, 1С is not connected",
}

# Unnamed patterns, by view: the admin's old «/<id>/» address of every model (a redirect to its
# change page) and its catch-all (404 for any other path, crawled as «/backoffice/no-such-page/»).
UNNAMED_NOT_PAGES = {
    "django.views.generic.base.RedirectView",
    "django.contrib.admin.sites.AdminSite.catch_all_view",
}

# The query strings the pages' own links and forms use.
QUERIES: dict[str, Callable[[Demo], list[dict]]] = {
    "catalog:search": lambda demo: [
        {"q": "0986-452-041"},
        {"q": "OC 205"},
        {"q": "0986-452-041", "sort": "price", "in_stock": "1"},
        {"q": "нет-такого-артикула"},
        {"q": ""},
    ],
    "catalog:selection": lambda demo: [_vehicle_params(demo), {"make": "x"}],
    "catalog:selection_models": lambda demo: [{"make": demo.vehicle.make_id}],
    "catalog:selection_generations": lambda demo: [{"model": demo.vehicle.model_id}],
    "catalog:selection_modifications": lambda demo: [{"generation": demo.vehicle.generation_id}],
    "garage:options_models": lambda demo: [{"make": demo.vehicle.make_id}],
    "garage:options_generations": lambda demo: [{"model": demo.vehicle.model_id}],
    "garage:options_modifications": lambda demo: [{"generation": demo.vehicle.generation_id}],
    "garage:vin_lookup": lambda demo: [{"vin": demo.vehicle.vin_or_frame or "XTA210990Y2765432"}],
    "garage:request_new": lambda demo: [{"vehicle": demo.vehicle.pk}],
    "orders:lines": lambda demo: [
        {"status": demo.line.status_id, "refusals": "on"},
        {"number": demo.line.order.number, "date_from": "01.01.2026", "date_to": "31.12.2026"},
        {"date_from": "вчера"},
    ],
    "orders:archive": lambda demo: [{"page": "2"}],
    "finance:page": lambda demo: [
        {"date_from": "01.01.2026", "date_to": "30.11.2026"},
        {"date_from": "31.12.2026", "date_to": "01.01.2026"},
    ],
    "returns:quote": lambda demo: [{"quantity": "1"}, {"quantity": "много"}],
    "cart:import_result": lambda demo: [{"tab": "rejected"}, {"tab": "added"}],
    "partners:point": lambda demo: [{"period": "month"}, {"date_from": "01.01.2026"}],
    "partners:waiting": lambda demo: [{"point": demo.point.pk}, {"page": "9"}],
    "api:catalog_search": lambda demo: [{"q": "0986-452-041"}],
    "api:finance_transactions": lambda demo: [
        {"date_from": "2026-01-01", "date_to": "2026-11-30"},
        {"date_from": "2026-12-31", "date_to": "2026-01-01"},
    ],
    "api:lines_list": lambda demo: [
        {"status": demo.line.status_id, "with_refusals": "true", "sort": "-price"},
        {"archived": "true", "number": demo.line.order.number, "date_from": "2026-01-01"},
    ],
    "api:orders_list": lambda demo: [{"archived": "true"}],
    "api:reference_lists": lambda demo: [
        {"make": demo.vehicle.make_id, "model": demo.vehicle.model_id},
        {"generation": demo.vehicle.generation_id},
    ],
    "api:vin_lookup": lambda demo: [{"vin": demo.vehicle.vin_or_frame or "XTA210990Y2765432"}],
    "admin:index": lambda demo: [],
}
# Pages that answer an htmx request with a partial of their own.
HTMX = {"catalog:search", "catalog:selection", "orders:line_history", "garage:chat"}


def _vehicle_params(demo: Demo) -> dict:
    vehicle = demo.vehicle
    return {
        "make": vehicle.make_id,
        "model": vehicle.model_id,
        "generation": vehicle.generation_id,
        "modification": vehicle.modification_id,
    }


def named_patterns(patterns=None, namespace: str = "") -> list[tuple[str | None, URLPattern]]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            found += named_patterns(entry.url_patterns, full)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append((name, entry))
    return found


def has_params(pattern: URLPattern) -> bool:
    return bool(pattern.pattern.regex.groupindex) or pattern.pattern.regex.groups > 0


def _admin_object_kwargs(demo: Demo) -> dict[str, dict]:
    """change / history / delete of one real object of every registered model; the app index
    of every app in the back office."""
    filled: dict[str, dict] = {}
    missing = []
    for model in admin.site._registry:
        opts = model._meta
        obj = demo.first(model)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        if obj is None:
            if opts.label_lower not in NO_DEMO_OBJECT:
                missing.append(opts.label_lower)
            continue
        for page in ("change", "history", "delete"):
            filled[f"{prefix}_{page}"] = {"object_id": obj.pk}
    assert not missing, f"The demo has none of {missing}: seed one or name it in NO_DEMO_OBJECT."
    return filled


def _changelist_queries(demo: Demo) -> dict[str, list[dict]]:
    """Every changelist: a search, a filter the database refuses (`?pk__exact=нет&e=1`, the
    admin's «invalid lookup» page), the days of this month of its date drill-down, and each
    filter's first choice, read from the admin's own filter specs."""
    factory = RequestFactory()
    queries: dict[str, list[dict]] = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_changelist"
        variants: list[dict] = [{"pk__exact": "нет", "e": "1"}]
        if model_admin.search_fields:
            variants.append({"q": "а"})
        if model_admin.date_hierarchy:  # the drill-down to the days of this month
            today = date.today()
            field = model_admin.date_hierarchy
            variants.append({f"{field}__year": today.year, f"{field}__month": today.month})
        request = factory.get(reverse(name))
        request.user = demo.superuser
        try:
            changelist = model_admin.get_changelist_instance(request)
        except Exception:  # a changelist of its own (a settings page): crawled without filters
            queries[name] = variants
            continue
        for spec in changelist.filter_specs:
            for choice in spec.choices(changelist):
                query = choice.get("query_string", "")
                if not choice.get("selected") and query.startswith("?") and len(query) > 1:
                    variants.append(query)
                    break
        queries[name] = variants
    return queries


def object_kwargs(demo: Demo) -> dict[str, dict]:
    """The parameters of every named URL that has some (KWARGS and the back office's change /
    history / delete pages), filled from the demo: what the crawl and the access matrix
    (`access_matrix.py`) request."""
    demo.complete()
    return {**{name: fill(demo) for name, fill in KWARGS.items()}, **_admin_object_kwargs(demo)}


def demo_urls(demo: Demo) -> list[Visit]:
    """Every GET the crawl makes, in URL conf order; fails naming the patterns it cannot fill."""
    demo.complete()
    objects = _admin_object_kwargs(demo)
    changelists = _changelist_queries(demo)
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    visits: list[Visit] = []
    unfilled: list[str] = []
    for name, pattern in named_patterns():
        if name is None:
            if pattern.lookup_str not in UNNAMED_NOT_PAGES:
                unfilled.append(f"{pattern.pattern} (no name)")
            continue
        if name == "admin:app_list":
            kwargs_list = [{"app_label": label} for label in app_labels]
        elif not has_params(pattern):
            kwargs_list = [{}]
        elif name in KWARGS:
            kwargs_list = [KWARGS[name](demo)]
        elif name in objects:
            kwargs_list = [objects[name]]
        elif name.endswith(("_change", "_history", "_delete")) and name.startswith("admin:"):
            continue  # a registered model without a demo object (NO_DEMO_OBJECT says why)
        else:
            unfilled.append(name)
            continue
        for kwargs in kwargs_list:
            url = reverse(name, kwargs=kwargs)
            visits.append(Visit(name, url))
            for query in [*QUERIES.get(name, lambda demo: [])(demo), *changelists.get(name, [])]:
                tail = query if isinstance(query, str) else "?" + urlencode(query)
                visits.append(Visit(name, url + tail))
            if name in HTMX:
                visits += [Visit(name, v.url, htmx=True) for v in visits if v.name == name]
    if unfilled:
        raise AssertionError(
            "No way to fill the parameters of these URLs (add them to KWARGS in "
            f"mprating/demo/tests/crawl.py): {', '.join(unfilled)}"
        )
    visits.append(Visit("admin:catch_all", reverse("admin:index") + "no-such-page/"))
    return list(dict.fromkeys(visits))


class VisibleText(HTMLParser):
    """The text a person reads on a page: no <script>, <style> or <template>, no markup;
    plus the attributes a person sees (placeholder, title, aria-label, value of buttons).
    A <textarea> holds data, not the interface (like an input's value): the 1С field map is
    1С's own names («Date», «Number»)."""

    HIDDEN = {"script", "style", "template", "noscript", "textarea"}
    SHOWN_ATTRS = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
            return
        values = dict(attrs)
        for attr in self.SHOWN_ATTRS:
            if values.get(attr):
                self.parts.append(values[attr])
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)
