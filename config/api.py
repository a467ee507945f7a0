"""The JSON API at /api/v1/ (django-ninja): one router per app; a client's personal API token
(`Authorization: Bearer mpr_…`) or the site's session with CSRF (mprating/accounts/api_auth.py)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from mprating.accounts.api import router as accounts_router
from mprating.accounts.api_auth import API_THROTTLES, api_token_auth
from mprating.billing.api import router as packages_router
from mprating.cabinet.api import router as packages_buy_router
from mprating.cart.api import router as cart_router
from mprating.catalog.api import router as catalog_router
from mprating.core.api import document_common_errors, install_error_handlers
from mprating.finance.api import router as finance_router
from mprating.garage.api import router as garage_router
from mprating.notifications.api import router as notifications_router
from mprating.orders.api import router as orders_router
from mprating.returns.api import router as returns_router


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The schema with the errors every operation can answer (core.api)."""
        return document_common_errors(super().get_openapi_schema(**kwargs))


api = Api(
    title="MP Rating API",
    version="1",
    description=(
        "API личного кабинета. Авторизация — личный API-токен клиента в заголовке "
        "`Authorization: Bearer mpr_…` (создаётся в кабинете: «Личная информация» → "
        "«API-токены»; CSRF не нужен) или сессия сайта (cookie) с CSRF-токеном в заголовке "
        "`X-CSRFToken`. Запросы ограничены по частоте для каждого токена; при превышении — "
        "ответ 429 с кодом `too_many_requests`."
    ),
    auth=[api_token_auth, django_auth],
    throttle=API_THROTTLES,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/catalog", catalog_router)
api.add_router("/cart", cart_router)
api.add_router("/orders", orders_router)
api.add_router("/garage", garage_router)
api.add_router("/returns", returns_router)
api.add_router("/finance", finance_router)
api.add_router("/packages", packages_router)
# «Купить» is the cabinet's (billing and finance in one transaction): its own router.
api.add_router("/packages", packages_buy_router)
api.add_router("/notifications", notifications_router)
