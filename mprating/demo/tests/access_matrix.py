"""The access-control matrix (`test_access_matrix.py`): every URL and API operation that takes
an object id, requested as each person below, with the answer each must get.

Issue 12: «every URL and operation that takes an object id is requested as its owner, another
client, each staff role, a ПВЗ owner and anonymously, GET and the POST actions, with the
expected answer asserted for each (200 / 403 / 404 / redirect to login). A new URL without its
row fails the test.»

One row per URL name (the API's operations by their URL name, `api:<function>`). A row says
which *area* the URL belongs to; the answer each person gets is derived from the area's rule
(`expected`), not written per person. Where a page intentionally differs, the row says so in
`differs`, with the reason in a comment. The parameters come from the crawl's map
(`crawl.KWARGS` and the back office's change / history / delete pages): the objects are the
demo client's, the demo ПВЗ owner's, the first of each model for the back office.

Adding a URL that takes an object id: one line in `ROWS`, e.g.

    cabinet("returns:detail"),                         # a page of the client's object
    cabinet("cart:line_remove", get=None, post=True),  # a button: POST only
    partner("partners:point_export"),                  # a ПВЗ owner's object
    backoffice("admin:app_model_action", "app.codename", post=True),  # a back office action
    api("api:cart_line_delete"),                       # an API operation: `api:<function>`
    api("api:cart_line_update", body=lambda demo: {"quantity": 2}),   # ... with a valid body

(and its parameters in `crawl.KWARGS`, which the crawl asks for anyway). The method and path of
an API row come from the schema. A parameterised URL that takes no object id (a token, an app
label) goes to `NOT_OBJECT_URLS` with the reason. The back office's change / history / delete
pages of every registered model are rows by themselves (`_admin_object_rows`).

The rules (the answers the app gives today, checked in the code they come from):

- cabinet (`accounts.decorators.client_required`): the owner 200; another client 404 («Another
  person's object → 404»); staff and ПВЗ owners 403 («Личный кабинет доступен только клиентам
  магазина.»); anonymous → the sign-in page with `next=`.
- partner area (`partners.views.owner_required`): the point's owner 200; another ПВЗ owner 404;
  everyone else signed in 403 (the superuser too: the area is the role's, not a permission);
  anonymous → the sign-in page with `next=`.
- back office (`AdminSite.admin_view`): staff with the row's permission 200, staff without it
  403; clients, ПВЗ owners and anonymous → the back office's sign-in page with `next=` (which
  tells a signed-in client it is the staff's area). A row's permission is a codename
  (`user.has_perm`); for the model pages it is the model admin's own declaration.
- API (`/api/v1/`, django-ninja session auth): the owner 200; anyone else signed in 404
  (`not_found`: the operation looks the object up through the caller's client); anonymous 401.

POST (and the API's write operations) are sent as every person who is not the owner (back
office: who lacks the row's POST permission) and must answer the same refusal and change
nothing (no INSERT / UPDATE / DELETE touched a row). The body is the row's `body`, else the
confirmation a back office action runs on (`confirm=yes`), so a missing check would act. The
owner's POST is the feature tests'.
Every request, GET included, must change nothing — except the owner's writes, never sent here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cache

from django.contrib import admin

from mprating.demo.tests.crawl import NO_DEMO_OBJECT, has_params, named_patterns
from mprating.demo.tests.crawl_objects import Demo

# Who makes the request.
CLIENT = "client"  # the demo client: owns the cabinet's and the API's objects
OTHER_CLIENT = "other_client"  # another client of the seed, with orders of his own
OPERATOR = "operator"
MANAGER = "manager"
SUPERUSER = "superuser"
PVZ = "pvz"  # the demo ПВЗ owner: owns the partner area's objects
OTHER_PVZ = "other_pvz"  # a second ПВЗ owner with a point of his own
ANONYMOUS = "anonymous"
PEOPLE = [CLIENT, OTHER_CLIENT, OPERATOR, MANAGER, SUPERUSER, PVZ, OTHER_PVZ, ANONYMOUS]
STAFF = {OPERATOR, MANAGER, SUPERUSER}
CLIENTS = {CLIENT, OTHER_CLIENT}
PVZ_OWNERS = {PVZ, OTHER_PVZ}


class Area(Enum):
    CABINET = "cabinet"
    PARTNER = "partner"
    BACKOFFICE = "backoffice"
    API = "api"


# Answers other than a status code: a redirect to a sign-in page whose `next` is the URL asked.
LOGIN = "→ sign-in page (next=)"
ADMIN_LOGIN = "→ back office sign-in page (next=)"
Answer = int | str


@dataclass(frozen=True)
class Row:
    """One URL that takes an object id.

    get: what its owner (back office: staff with `perm`) gets on GET; None when the URL takes
        no GET (a button): then whoever passes the area's gate gets 405, and the object is not
        looked up.
    post: whether the URL takes a POST (sent as everyone who is not the owner).
    perm: back office only — any of these permissions lets staff GET it.
    post_perm: back office only — any of these lets staff POST (default: `perm`).
    body: the POST body (default: `confirm=yes`), for an API write operation its JSON
        (default: `{}`); give a valid one where the input is checked before the object.
    differs: person → answer, where the page intentionally departs from the area's rule (for
        GET; for POST too unless `post_differs` says otherwise).
    """

    name: str
    area: Area
    get: int | None = 200
    post: bool = False
    perm: tuple[str, ...] = ()
    post_perm: tuple[str, ...] | None = None
    body: Callable[[Demo], dict] | None = None
    differs: dict[str, Answer] = field(default_factory=dict)
    post_differs: dict[str, Answer] | None = None
    model_page: tuple[str, str] | None = None  # (model label, "change" / "history" / "delete")


def cabinet(name: str, **options) -> Row:
    return Row(name, Area.CABINET, **options)


def partner(name: str, **options) -> Row:
    return Row(name, Area.PARTNER, **options)


def backoffice(name: str, *perm: str, **options) -> Row:
    return Row(name, Area.BACKOFFICE, perm=perm, **options)


def api(name: str, **options) -> Row:
    return Row(name, Area.API, **options)


# Back office permissions (codenames) several rows share.
STAFF_ONLY = "is_staff"  # any staff member: no model permission
POINT_MANAGE = "pickup_points.change_pickuppoint"
PURCHASE_MANAGE = "billing.change_packagepurchase"
LINES_CHANGE = "orders.change_orderline"
VIN_PROCESS = "garage.process_vinrequest"
ACCOUNT_CHANGE = "marketplaces.change_marketplaceaccount"
BUYOUT_CHANGE = "marketplaces.change_buyout"
RETURN_CHANGE = "returns.change_returnrequest"
APPLICATION_CHANGE = "partners.change_partnerapplication"
CLIENT_STATUS = "accounts.change_client_status"

# Differences several rows share.
# Every staff member sees it, whatever his permissions.
STAFF_SEE = {OPERATOR: 200, MANAGER: 200, SUPERUSER: 200}
# An action the demo object's state does not offer now (an active point has nothing to
# «Включить», an active client nothing to «Разблокировать»): 403 to every staff member, the
# superuser too (the model admin's `has_<action>_permission` looks at the object).
NOT_NOW = {OPERATOR: 403, MANAGER: 403, SUPERUSER: 403}

# The garage's API answers everyone signed in who is not a client 403 `not_a_client` («Гараж
# доступен только клиентам магазина.»), before it looks at the object.
NOT_A_CLIENT = {OPERATOR: 403, MANAGER: 403, SUPERUSER: 403, PVZ: 403, OTHER_PVZ: 403}


def _vehicle_body(demo: Demo) -> dict:
    """A valid car form (the API checks the body before it looks the car up)."""
    vehicle = demo.vehicle
    return {
        "make_id": vehicle.make_id,
        "model_id": vehicle.model_id,
        "generation_id": vehicle.generation_id,
    }


ROWS: list[Row] = [
    # Cabinet: the client's own objects.
    cabinet("cabinet:api_token_revoke", get=None, post=True),
    cabinet("cart:line_quantity", get=None, post=True, body=lambda demo: {"quantity": "2"}),
    cabinet("cart:line_remove", get=None, post=True),
    cabinet("cart:import_result"),
    cabinet("cart:import_row_choose", get=None, post=True),
    cabinet("cart:import_row_add_available", get=None, post=True),
    cabinet("orders:line_history"),
    cabinet("orders:line_refuse", get=None, post=True),
    cabinet("orders:line_refusal_seen", get=None, post=True),
    cabinet("orders:line_reorder", get=None, post=True),
    cabinet("orders:order_archive", get=None, post=True),
    cabinet("orders:placed"),
    cabinet("garage:vehicle_edit", post=True),
    cabinet("garage:vehicle_delete", post=True),
    cabinet("garage:vehicle_catalog", get=302),  # on to «Подбор по параметрам» of the car
    cabinet("garage:request_resend", get=None, post=True),
    cabinet("garage:chat", post=True),
    cabinet("garage:chat_messages"),
    cabinet("garage:chat_read", get=None, post=True),
    cabinet("garage:answer_to_cart", get=None, post=True),
    cabinet("finance:statement_file"),
    cabinet("returns:create", post=True),
    cabinet("returns:quote"),
    cabinet("returns:detail"),
    # «хранится под случайным именем и отдаётся только владельцу и сотрудникам» (README):
    # staff see a return's photos; a ПВЗ owner is neither, so the photo does not exist for him.
    cabinet("returns:photo", differs={**STAFF_SEE, PVZ: 404, OTHER_PVZ: 404}),
    cabinet("billing:purchase_cancel", get=None, post=True),
    # Partner area: the demo ПВЗ owner's point and the lines waiting there.
    partner("partners:point"),
    partner("partners:point_export"),
    partner("partners:line_hand_out", get=None, post=True),
    partner("partners:line_return", get=None, post=True),
    # Back office: pages and actions of one object, beside the model pages generated below.
    # A client has no page on the site to show (no get_absolute_url): Django's shortcut 404.
    backoffice("admin:view_on_site", STAFF_ONLY, get=404),
    backoffice("admin:auth_user_password_change", "auth.change_user", post=True),
    backoffice("admin:catalog_importjob_mapping", "catalog.add_importjob", post=True),
    backoffice("admin:catalog_importjob_preview", "catalog.add_importjob", post=True),
    backoffice("admin:catalog_importjob_start", "catalog.add_importjob", get=None, post=True),
    backoffice("admin:catalog_importjob_restart", "catalog.add_importjob", get=None, post=True),
    # The job's page: a draft goes on to «Сопоставление» for who may import; for others it is
    # the report, which takes no form (a POST shows it again and changes nothing).
    Row(
        "admin:catalog_importjob_change",
        Area.BACKOFFICE,
        get=302,
        post=True,
        model_page=("catalog.importjob", "change"),
        differs={OPERATOR: 200},
        post_differs={OPERATOR: 200, MANAGER: 302, SUPERUSER: 302},
    ),
    backoffice("admin:catalog_importjob_progress", "catalog.view_importjob"),
    backoffice("admin:catalog_importjob_rejected", "catalog.view_importjob"),
    backoffice(  # on to the point's page in «Статистика ПВЗ»
        "admin:pickup_points_pickuppoint_statistics", "pickup_points.view_pickuppoint", get=302
    ),
    backoffice("admin:pickup_points_pickuppoint_disable", POINT_MANAGE, post=True),
    backoffice("admin:pickup_points_pickuppoint_enable", POINT_MANAGE, post=True, differs=NOT_NOW),
    backoffice(
        "admin:pickup_points_pickuppoint_register_owner", POINT_MANAGE, post=True, differs=NOT_NOW
    ),
    backoffice("admin:pickup_points_pickuppoint_change_owner", POINT_MANAGE, post=True),
    backoffice(
        "admin:pickup_points_pickuppoint_resend_invitation",
        POINT_MANAGE,
        post=True,
        differs=NOT_NOW,
    ),
    backoffice("admin:finance_statement_file", "finance.view_statement"),
    backoffice("admin:finance_clientaccount_correct", "finance.correct_balance", post=True),
    backoffice(
        "admin:finance_clientaccount_change_limit", "finance.change_credit_limit", post=True
    ),
    backoffice("admin:finance_clientaccount_open_ledger", "finance.view_ledgerentry", get=302),
    # 1С is not connected in the demo: no client state, the id is unknown (404 to whoever may).
    backoffice(
        "admin:finance_onecclientstate_sync", "finance.change_onecclientstate", get=None, post=True
    ),
    backoffice("admin:billing_packagepurchase_confirm", PURCHASE_MANAGE, post=True),
    backoffice("admin:billing_packagepurchase_cancel", PURCHASE_MANAGE, post=True),
    backoffice("admin:orders_order_lines_status", LINES_CHANGE, post=True),
    backoffice("admin:orders_order_lines_confirm", LINES_CHANGE, get=302, post=True),
    backoffice("admin:orders_order_lines_decline", LINES_CHANGE, get=302, post=True),
    backoffice("admin:orders_order_lines_refuse", LINES_CHANGE, post=True),
    backoffice("admin:orders_order_lines_comment", LINES_CHANGE, post=True),
    backoffice("admin:garage_vinrequest_chat", VIN_PROCESS, post=True),
    backoffice("admin:garage_vinrequest_chat_messages", VIN_PROCESS),
    backoffice("admin:garage_vinrequest_chat_read", VIN_PROCESS, get=None, post=True),
    backoffice("admin:garage_vinrequest_accept", VIN_PROCESS, post=True),
    backoffice("admin:garage_vinrequest_take", VIN_PROCESS, post=True),
    backoffice("admin:garage_vinrequest_complete", VIN_PROCESS, post=True),
    backoffice("admin:garage_vinrequest_open_chat", VIN_PROCESS, get=302),
    backoffice(
        "admin:marketplaces_marketplaceaccount_take", "marketplaces.login_manually", post=True
    ),
    backoffice(
        "admin:marketplaces_marketplaceaccount_release", "marketplaces.login_manually", post=True
    ),
    backoffice("admin:marketplaces_marketplaceaccount_deactivate", ACCOUNT_CHANGE, post=True),
    backoffice("admin:marketplaces_marketplaceaccount_activate", ACCOUNT_CHANGE, post=True),
    backoffice("admin:marketplaces_marketplaceaccount_open_buyouts", STAFF_ONLY, get=302),
    backoffice("admin:marketplaces_buyout_to_in_transit", BUYOUT_CHANGE, post=True),
    backoffice("admin:marketplaces_buyout_to_at_point", BUYOUT_CHANGE, post=True),
    backoffice("admin:marketplaces_buyout_to_received", BUYOUT_CHANGE, post=True),
    backoffice("admin:marketplaces_buyout_cancel", BUYOUT_CHANGE, post=True),
    backoffice("admin:returns_returnrequest_step_review", RETURN_CHANGE, post=True),
    backoffice("admin:returns_returnrequest_step_approve", RETURN_CHANGE, get=302, post=True),
    backoffice("admin:returns_returnrequest_step_reject", RETURN_CHANGE, get=302, post=True),
    backoffice("admin:returns_returnrequest_step_receive", RETURN_CHANGE, get=302, post=True),
    backoffice("admin:returns_returnrequest_step_refund", RETURN_CHANGE, get=302, post=True),
    backoffice("admin:partners_partnerapplication_approve", APPLICATION_CHANGE, post=True),
    backoffice("admin:partners_partnerapplication_decline", APPLICATION_CHANGE, post=True),
    backoffice(  # only an approved application has a point to open
        "admin:partners_partnerapplication_open_point",
        "pickup_points.view_pickuppoint",
        differs=NOT_NOW,
    ),
    backoffice("admin:partners_pointstatistics_detail", "pickup_points.view_pickuppoint"),
    backoffice("admin:partners_pointstatistics_export", "pickup_points.view_pickuppoint"),
    backoffice("admin:accounts_client_deactivate", CLIENT_STATUS, post=True),
    backoffice(
        "admin:accounts_deletionrequest_confirm", "accounts.confirm_deletionrequest", post=True
    ),
    backoffice("admin:accounts_client_reactivate", CLIENT_STATUS, post=True, differs=NOT_NOW),
    # API operations with a path parameter (method and path from the OpenAPI schema).
    api("api:cart_line_update", body=lambda demo: {"quantity": 2}),
    api("api:cart_line_delete"),
    api("api:order_get"),
    api("api:order_archive"),
    api("api:line_history"),
    api("api:line_refuse"),
    api("api:line_seen"),
    api("api:line_reorder"),
    api("api:vehicle_get", differs=NOT_A_CLIENT),
    api("api:vehicle_update", differs=NOT_A_CLIENT, body=_vehicle_body),
    api("api:vehicle_delete", differs=NOT_A_CLIENT),
    api("api:vehicle_vin_lookup", differs=NOT_A_CLIENT),
    api("api:vin_request_get", differs=NOT_A_CLIENT),
    api("api:vin_request_resend", differs=NOT_A_CLIENT),
    api("api:answer_to_cart", differs=NOT_A_CLIENT),
    api("api:chat_list", differs=NOT_A_CLIENT),
    api("api:chat_post", differs=NOT_A_CLIENT, body=lambda demo: {"text": "Чужой чат"}),
    api("api:chat_read", differs=NOT_A_CLIENT),
    api("api:returns_line_get"),
    api("api:returns_photo"),
    api("api:returns_get"),
    api("api:finance_statement_get"),
    api("api:finance_statement_file"),
    api("api:packages_purchase_get"),
    api("api:packages_purchase_cancel"),
]

# Parameterised URLs that take no object id.
NOT_OBJECT_URLS = {
    "accounts:password_reset_confirm": "a signed token from the e-mail, not an object id",
    "partners:invitation": "a one-time token from the e-mail, not an object id",
    "admin:app_list": "an app label, not an object id",
    # A package on sale is everyone's to buy (the client's purchase is its own row).
    "api:packages_buy": "a package of the shop's catalogue, nobody's own object",
}


def _admin_object_rows() -> list[Row]:
    """The change / history / delete pages of every registered model the demo has an object
    of. Who may open them is the model admin's own declaration (`has_view_or_change_permission`
    for the page and the history, `has_change_permission` to save, `has_delete_permission`):
    many models are read-only in the back office on purpose (orders, ledger, history); the
    matrix checks that every page keeps to it, and that nobody else gets in."""
    rows = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.label_lower in NO_DEMO_OBJECT:
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        label = opts.label_lower
        rows += [
            backoffice(f"{prefix}_change", post=True, model_page=(label, "change")),
            backoffice(f"{prefix}_history", model_page=(label, "history")),
            backoffice(f"{prefix}_delete", post=True, model_page=(label, "delete")),
        ]
    names = {name for name, _ in named_patterns()}
    return [row for row in rows if row.name in names]  # some admins have pages of their own


def may(row: Row, user, kwargs: dict, method: str) -> bool:
    """Whether `user` holds the back office permission the row asks for `method`."""
    if user is None or not (user.is_active and user.is_staff):
        return False
    if row.model_page is None:
        perms = row.post_perm if method != "GET" and row.post_perm is not None else row.perm
        return any(perm == STAFF_ONLY or user.has_perm(perm) for perm in perms)
    from django.apps import apps
    from django.test import RequestFactory

    label, page = row.model_page
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    obj = model._default_manager.get(pk=kwargs["object_id"])
    if page == "delete":
        return model_admin.has_delete_permission(request, obj)
    if page == "change" and method != "GET":
        return model_admin.has_change_permission(request, obj)
    return model_admin.has_view_or_change_permission(request, obj)


def matrix_rows() -> list[Row]:
    """Every row: `ROWS` and the back office's model pages; a name twice fails."""
    rows = ROWS + [row for row in _admin_object_rows() if row.name not in {r.name for r in ROWS}]
    names = [row.name for row in rows]
    doubled = sorted({name for name in names if names.count(name) > 1})
    assert not doubled, f"Rows given twice in the access matrix: {doubled}"
    return rows


def expected(row: Row, person: str, *, allowed: bool, method: str) -> Answer:
    """What `person` gets on `method` (GET / POST / the API operation's) from the rule of the
    row's area. `allowed`: for the back office, whether the person has the row's permission
    for that method (the test asks the user object)."""
    differs = row.differs if method == "GET" or row.post_differs is None else row.post_differs
    if person in differs:
        return differs[person]
    if row.area is Area.API:
        if person == ANONYMOUS:
            return 401
        return row.get if person == CLIENT else 404
    if row.area is Area.BACKOFFICE:
        if person not in STAFF:
            return ADMIN_LOGIN
        if row.get is None and method == "GET":
            return 405  # the method is refused before the permission is looked at
        return row.get if allowed else 403
    owner, insiders = (CLIENT, CLIENTS) if row.area is Area.CABINET else (PVZ, PVZ_OWNERS)
    if person == ANONYMOUS:
        return LOGIN
    if person not in insiders:
        return 403
    if method == "GET" and row.get is None:
        return 405
    return row.get if person == owner else 404


def uncovered_urls() -> list[str]:
    """Parameterised URL names with neither a row nor a reason in NOT_OBJECT_URLS."""
    covered = {row.name for row in matrix_rows()} | set(NOT_OBJECT_URLS)
    missing = []
    for name, pattern in named_patterns():
        if name is None or not has_params(pattern) or name in covered:
            continue
        if name.startswith("admin:") and name.endswith(("_change", "_history", "_delete")):
            # a registered model without a demo object (crawl.NO_DEMO_OBJECT says why)
            label = None
            for model in admin.site._registry:
                opts = model._meta
                if name.startswith(f"admin:{opts.app_label}_{opts.model_name}_"):
                    label = opts.label_lower
            if label in NO_DEMO_OBJECT:
                continue
        missing.append(name)
    return missing


def openapi_schema() -> dict:
    """The API's OpenAPI schema, from the NinjaAPI that serves `/api/v1/openapi.json` (the
    app map keeps tests below `config`: the API is reached through the URL conf)."""
    from django.urls import resolve

    return resolve("/api/v1/openapi.json").func.keywords["api"].get_openapi_schema()


@cache
def api_operations() -> list[tuple[str, str, str]]:
    """(method, path, operationId) of every operation of the OpenAPI schema."""
    schema = openapi_schema()
    return [
        (method.upper(), path, operation["operationId"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


@cache
def _api_url_names() -> list[str]:
    return [name for name, _ in named_patterns() if name and name.startswith("api:")]


def api_url_name(operation_id: str) -> str | None:
    """The URL name (`api:<function>`) of an operation: django-ninja names the URL after the
    view function and the operation `<module>_<function>`."""
    names = _api_url_names()
    found = [name for name in names if operation_id.endswith("_" + name.removeprefix("api:"))]
    return max(found, key=len) if found else None


def uncovered_operations() -> list[str]:
    """API operations with a `{param}` in their path and no row."""
    rows = {row.name for row in matrix_rows() if row.area is Area.API}
    return [
        f"{method} {path} ({operation_id})"
        for method, path, operation_id in api_operations()
        if "{" in path and api_url_name(operation_id) not in rows | set(NOT_OBJECT_URLS)
    ]


def api_method(row: Row) -> str:
    for method, _path, operation_id in api_operations():
        if api_url_name(operation_id) == row.name:
            return method
    raise AssertionError(f"{row.name}: no operation of the API schema has this URL name")
