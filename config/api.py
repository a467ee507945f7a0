"""The JSON API at /api/v1/ (django-ninja): one router per app, session auth with CSRF."""

from ninja import NinjaAPI
from ninja.security import django_auth

from mprating.accounts.api import router as accounts_router
from mprating.core.api import install_error_handlers

api = NinjaAPI(
    title="MP Rating API",
    version="1",
    description="API личного кабинета. Авторизация — сессия сайта (cookie) и CSRF-токен.",
    auth=django_auth,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
