"""Back office «Аккаунты маркетплейсов → Аккаунты» (seed 000): the list, the account page,
«Войти вручную», «Освободить», switching an account off and on.

Seed 000, inside an account the operator sees: «Имеет ли выкупы или нет учётная запись.
Информация “related” типа. Возможность посмотреть список выкупов, связанных с конкретной
учетной записью. Когда истекает срок службы. Текущий статус». The status column, filters,
sorting and counts use the status computed in SQL (`selectors.with_status`).

The password is write-only here: the form has an empty password field («оставьте пустым, чтобы
не менять»); lists, the XLSX export, the history and the page never show it. Only «Войти
вручную» shows it, once, in the answer to its POST (`Cache-Control: no-store`).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.admin_page_columns import PageColumnsMixin
from mprating.core.exports import export_xlsx
from mprating.core.text import days_ru
from mprating.marketplaces import selectors, services
from mprating.marketplaces.admin.account_parts import (
    ACTIVATE,
    DEACTIVATE,
    RELEASE,
    AccountBuyoutInline,
    AccountForm,
    AccountHistoryInline,
    EffectiveStatusFilter,
    HasBuyoutsFilter,
    ServiceLifeFilter,
)
from mprating.marketplaces.admin.account_take import TakeMixin
from mprating.marketplaces.admin.common import (
    ACCOUNT_STATUS_LABELS,
    badge,
    date_ru,
    expiry_message,
    moment_ru,
    person,
)
from mprating.marketplaces.admin.dashboard import DashboardMixin
from mprating.marketplaces.models import (
    AccountStatus,
    MarketplaceAccount,
)

CHANGE_URL = "marketplaces_marketplaceaccount_change"
BUYOUTS_URL = "admin:marketplaces_buyout_changelist"


@admin.register(MarketplaceAccount)
class MarketplaceAccountAdmin(
    PageColumnsMixin, NoRowsNoQueryMixin, TakeMixin, DashboardMixin, ModelAdmin
):
    form = AccountForm
    list_display = [
        "name",
        "marketplace",
        "login",
        "status_label",
        "service_until_display",
        "holder",
        "has_buyouts_display",
    ]
    list_display_links = ["name"]
    list_filter = ["marketplace", EffectiveStatusFilter, ServiceLifeFilter, HasBuyoutsFilter]
    list_filter_submit = True
    list_per_page = 25
    show_full_result_count = False
    search_fields = ["name", "login"]
    search_help_text = "Название или логин"
    ordering = ["marketplace", "name", "id"]
    inlines = [AccountBuyoutInline, AccountHistoryInline]
    actions = [export_xlsx]
    actions_list = ["open_dashboard"]
    actions_detail = ["take", "release", "deactivate", "activate", "open_buyouts"]
    export_columns = [
        ("Маркетплейс", lambda a: a.get_marketplace_display()),
        ("Название", lambda a: a.name),
        ("Логин", lambda a: a.login),
        ("Статус", lambda a: AccountStatus(a.effective_status).label),
        ("Срок службы до", lambda a: a.service_until),
        ("Занят кем", lambda a: person(a.taken_by) if a.taken_by_id else ""),
        ("Занят с", lambda a: a.taken_at),
        ("Есть выкупы", lambda a: a.has_buyouts),
        ("Заметки", lambda a: a.notes),
        ("Добавлен", lambda a: a.created_at),
    ]
    readonly_fields = ["status_display", "service_life", "holder_display", "buyouts_summary"]

    def get_queryset(self, request: HttpRequest):
        if self.listed_root(request):
            return self.page_queryset()
        return selectors.accounts_for_backoffice()

    # The list's columns «статус» and «выкупы» (`PageColumnsMixin`): what
    # `selectors.accounts_for_backoffice` annotates, on the page's rows only.
    page_column_names = ("effective_status", "has_buyouts")

    def page_queryset(self):
        return selectors.accounts_plain_for_backoffice()

    def page_columns(self, queryset):
        return selectors.with_list_columns(queryset)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        editable = ["marketplace", "name", "login", "service_until", "notes"]
        if self.has_change_permission(request, obj) or obj is None:
            editable.insert(3, "secret")
        if obj is None:
            return [(None, {"fields": editable})]
        return [
            (
                "Состояние",
                {"fields": ["status_display", "service_life", "holder_display", "buyouts_summary"]},
            ),
            ("Учётная запись", {"fields": editable}),
        ]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # An account with a history is switched off, never deleted.
        return False

    def get_inlines(self, request: HttpRequest, obj=None):
        if obj is not None and not obj.has_buyouts:
            # «Выкупов нет.» is said in the summary above; an empty table says nothing more.
            return [AccountHistoryInline]
        return super().get_inlines(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_buyouts:
            # The buyouts were made on this marketplace: it never changes (the service agrees).
            fields.append("marketplace")
        return fields

    @method_decorator(sensitive_post_parameters("secret"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @sensitive_variables()
    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        secret = data.get("secret") or ""
        common = {
            "marketplace": data["marketplace"],
            "name": data["name"],
            "login": data["login"],
            "service_until": data["service_until"],
            "notes": data.get("notes", ""),
            "secret": secret,
            "actor": request.user,
        }
        if change:
            saved = services.account_update(account_id=obj.pk, **common)
        else:
            saved = services.account_create(**common)
        obj.pk = saved.pk
        obj.secret_token = saved.secret_token

    # ---- columns ------------------------------------------------------------------------

    @display(description="статус", ordering="effective_status", label=ACCOUNT_STATUS_LABELS)
    def status_label(self, obj: MarketplaceAccount) -> str:
        return AccountStatus(obj.effective_status).label

    @display(description="срок службы до", ordering="service_until")
    def service_until_display(self, obj: MarketplaceAccount):
        days = selectors.days_until_inactive(obj.service_until, selectors.clock().today)
        warning = settings.MARKETPLACE_EXPIRY_WARNING_DAYS
        hint = ""
        if obj.effective_status != AccountStatus.INACTIVE and days <= warning:
            hint = "завтра неактивен" if days == 1 else f"ещё {days_ru(days)}"
        return format_html(
            '<span style="white-space:nowrap">{}</span>{}',
            date_ru(obj.service_until),
            format_html('<br><span style="opacity:.7">{}</span>', hint) if hint else "",
        )

    @display(description="занят кем", ordering="taken_by__last_name")
    def holder(self, obj: MarketplaceAccount):
        if obj.effective_status != AccountStatus.BUSY:
            return "—"
        return format_html(
            '{}<br><span style="opacity:.7;white-space:nowrap">с {}</span>',
            person(obj.taken_by),
            moment_ru(obj.taken_at),
        )

    @display(description="выкупы", ordering="has_buyouts")
    def has_buyouts_display(self, obj: MarketplaceAccount) -> str:
        return "есть" if obj.has_buyouts else "нет"

    # ---- the account page -----------------------------------------------------------------

    @display(description="текущий статус")
    def status_display(self, obj: MarketplaceAccount):
        label = AccountStatus(obj.effective_status).label
        return badge(label, ACCOUNT_STATUS_LABELS[label])

    @display(description="срок службы")
    def service_life(self, obj: MarketplaceAccount):
        today = selectors.clock().today
        days = selectors.days_until_inactive(obj.service_until, today)
        if obj.status == AccountStatus.INACTIVE and days > 0:
            note = "Аккаунт выключен вручную."
        else:
            note = expiry_message(days)
        return format_html(
            'до {} включительно<br><span data-testid="expiry-message">{}</span>',
            date_ru(obj.service_until),
            note,
        )

    @display(description="кто занял")
    def holder_display(self, obj: MarketplaceAccount):
        if obj.effective_status != AccountStatus.BUSY:
            return "Никто: аккаунт свободен." if obj.effective_status == "active" else "—"
        until = obj.taken_at + timedelta(minutes=settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES)
        return format_html(
            "{} с {}; освободится сам в {}",
            person(obj.taken_by),
            moment_ru(obj.taken_at),
            moment_ru(until),
        )

    @display(description="выкупы")
    def buyouts_summary(self, obj: MarketplaceAccount):
        # The page asks for a readonly field more than once: one query per page.
        if not hasattr(obj, "_buyout_summary"):
            obj._buyout_summary = selectors.account_buyout_summary(obj.pk)
        summary = obj._buyout_summary
        url = f"{reverse(BUYOUTS_URL)}?account__id__exact={obj.pk}"
        if not summary.total:
            none = '<span data-testid="buyouts-summary">Выкупов нет.</span>'
            # A constant: nothing in it comes from data.
            return mark_safe(none)  # nosec B308
        parts = ", ".join(f"{label}: {n}" for label, n in summary.rows())
        return format_html(
            '<span data-testid="buyouts-summary">Есть выкупы: {} ({}).</span> '
            '<a href="{}" class="text-primary-600 underline">Все выкупы аккаунта →</a>',
            summary.total,
            parts,
            url,
        )

    # ---- actions on the account page ------------------------------------------------------
    #
    # A button shows only where it can work (checked on the account's page); the action's own
    # address only checks the role, so that a state that changed meanwhile gets the service's
    # Russian message («Аккаунт уже занят: его взял(а) …»), not a bare «403».

    def _shown(self, request: HttpRequest, object_id, test) -> bool:
        match = request.resolver_match
        if object_id is None or match is None or match.url_name != CHANGE_URL:
            return True
        # One read for all the buttons of the page.
        cache = request.__dict__.setdefault("_marketplace_accounts", {})
        if object_id not in cache:
            cache[object_id] = selectors.account_with_status(int(object_id))
        account = cache[object_id]
        return account is not None and test(account)

    def has_take_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("marketplaces.login_manually"):
            return False
        return self._shown(
            request,
            object_id,
            lambda a: (
                a.effective_status == AccountStatus.ACTIVE
                or (a.effective_status == AccountStatus.BUSY and a.taken_by_id == request.user.pk)
            ),
        )

    def has_release_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("marketplaces.login_manually"):
            return False
        return self._shown(
            request,
            object_id,
            lambda a: (
                a.status == AccountStatus.BUSY
                and (a.taken_by_id == request.user.pk or request.user.is_superuser)
            ),
        )

    def has_deactivate_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("marketplaces.change_marketplaceaccount"):
            return False
        return self._shown(
            request,
            object_id,
            lambda a: a.status != AccountStatus.INACTIVE and a.effective_status != "busy",
        )

    def has_activate_permission(self, request: HttpRequest, object_id=None) -> bool:
        if not request.user.has_perm("marketplaces.change_marketplaceaccount"):
            return False
        return self._shown(
            request,
            object_id,
            lambda a: (
                a.status == AccountStatus.INACTIVE and a.service_until >= selectors.clock().today
            ),
        )

    def _one(self, object_id) -> MarketplaceAccount:
        return get_object_or_404(self.get_queryset(None), pk=object_id)

    def _one_qs(self, object_id):
        return self.get_queryset(None).filter(pk=self._one(object_id).pk)

    def _page(self, object_id) -> str:
        return reverse(f"admin:{CHANGE_URL}", args=[object_id])

    def _detail_action(self, request: HttpRequest, object_id: str, admin_action) -> HttpResponse:
        """One account's action through the shared confirmation page, back to its page."""
        return admin_action_view(
            self,
            request,
            admin_action,
            self._one_qs(object_id),
            done_url=self._page(object_id),
            extra_context={"original": self._one(object_id)},
        )

    @action(description="Освободить", url_path="release", permissions=["release"], icon="logout")
    def release(self, request: HttpRequest, object_id: str):
        return self._detail_action(request, object_id, RELEASE)

    @action(
        description="Сделать неактивным",
        url_path="deactivate",
        permissions=["deactivate"],
        icon="block",
    )
    def deactivate(self, request: HttpRequest, object_id: str):
        return self._detail_action(request, object_id, DEACTIVATE)

    @action(
        description="Сделать активным",
        url_path="activate",
        permissions=["activate"],
        icon="check_circle",
    )
    def activate(self, request: HttpRequest, object_id: str):
        return self._detail_action(request, object_id, ACTIVATE)

    @action(description="Выкупы аккаунта", url_path="buyouts", icon="shopping_bag")
    def open_buyouts(self, request: HttpRequest, object_id: str):
        account = self._one(object_id)
        return HttpResponseRedirect(f"{reverse(BUYOUTS_URL)}?account__id__exact={account.pk}")

    @action(description="Дашборд", url_path="go-dashboard", icon="monitoring")
    def open_dashboard(self, request: HttpRequest):
        return HttpResponseRedirect(reverse("admin:marketplaces_dashboard"))

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="marketplaces_dashboard",
            ),
            *super().get_urls(),
        ]
