"""«Войти вручную» on an account's page (seed 000: «Нужна функция войти вручную под этим
аккаунтом»; offered for Ozon and Wildberries alike).

GET shows what taking the account means; a confirmed POST takes it (`services.account_take`,
row lock: of two operators exactly one gets it, the other reads who has it) and answers with
the login and the password — once: the page is the answer to that POST, marked
`Cache-Control: no-store`, and nothing of it is kept in the session or in messages. The view's
variables are cleansed from error reports; the password itself travels as a masked `Secret`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_variables
from unfold.decorators import action

from mprating.core.errors import ApplicationError
from mprating.marketplaces import services


class TakeMixin:
    """The «Войти вручную» action of the accounts' ModelAdmin (which provides `_one`,
    `_page` and `has_take_permission`)."""

    @action(description="Войти вручную", url_path="take", permissions=["take"], icon="login")
    @sensitive_variables("taken")
    def take(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Seed 000: «Нужна функция войти вручную под этим аккаунтом». GET: the confirmation;
        a confirmed POST takes the account and answers with its login and password, once."""
        account = self._one(object_id)
        error = ""
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                taken = services.account_take(account_id=account.pk, actor=request.user)
            except ApplicationError as exc:
                error = exc.message
                account = self._one(object_id)
            else:
                response = TemplateResponse(
                    request,
                    "marketplaces/admin/account_taken.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.model._meta,
                        "original": account,
                        "title": f"Вход вручную: {taken.account.name}",
                        "taken": taken,
                        "timeout": settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES,
                        "release_url": reverse(
                            "admin:marketplaces_marketplaceaccount_release", args=[account.pk]
                        ),
                        "account_url": self._page(account.pk),
                    },
                )
                add_never_cache_headers(response)
                return response
        return TemplateResponse(
            request,
            "marketplaces/admin/account_take_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": account,
                "title": f"Войти вручную: {account.name}",
                "account": account,
                "error": error,
                "timeout": settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES,
                "cancel_url": self._page(account.pk),
            },
        )
