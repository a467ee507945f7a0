"""Pieces of the accounts' admin: the form with the write-only password, the filters on the
computed status, the inlines of the account page and the actions as data."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from unfold.admin import TabularInline
from unfold.decorators import display
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminTextareaWidget

from mprating.core.admin_actions import AdminAction
from mprating.core.errors import ApplicationError
from mprating.core.money import format_rub
from mprating.core.text import days_ru
from mprating.marketplaces import selectors, services
from mprating.marketplaces.admin.common import (
    BUYOUT_STATUS_LABELS,
    moment_ru,
    nowrap,
    person,
)
from mprating.marketplaces.models import (
    AccountHistory,
    AccountStatus,
    Buyout,
    MarketplaceAccount,
)
from mprating.marketplaces.services.accounts import SECRET_MAX


class AccountForm(forms.ModelForm):
    secret = forms.CharField(
        label="Пароль",
        required=False,
        strip=False,
        max_length=SECRET_MAX,
        widget=UnfoldAdminPasswordWidget(
            render_value=False, attrs={"autocomplete": "new-password"}
        ),
    )

    class Meta:
        model = MarketplaceAccount
        fields = ["marketplace", "name", "login", "service_until", "notes"]
        widgets = {"notes": UnfoldAdminTextareaWidget(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["secret"].help_text = (
                "Оставьте пустым, чтобы не менять. Пароль здесь не показывается: его видит "
                "только оператор, нажавший «Войти вручную»."
            )
        else:
            self.fields["secret"].required = True
            self.fields["secret"].error_messages["required"] = (
                "Укажите пароль аккаунта на маркетплейсе."
            )
            self.fields["secret"].help_text = "Хранится зашифрованным."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            fields = services.account_clean(
                marketplace=data.get("marketplace", ""),
                name=data.get("name", ""),
                login=data.get("login", ""),
                service_until=data.get("service_until"),
                notes=data.get("notes", ""),
                account_id=self.instance.pk,
            )
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        else:
            data.update(name=fields.name, login=fields.login, notes=fields.notes)
        return data


class EffectiveStatusFilter(admin.SimpleListFilter):
    title = "статус"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return AccountStatus.choices

    def queryset(self, request, queryset):
        if self.value() in AccountStatus.values:
            return queryset.filter(selectors.status_q(self.value(), selectors.clock()))
        return queryset


class ServiceLifeFilter(admin.SimpleListFilter):
    title = "срок службы"
    parameter_name = "service"

    def lookups(self, request, model_admin):
        days = settings.MARKETPLACE_EXPIRY_WARNING_DAYS
        return [("soon", f"Истекает в ближайшие {days_ru(days)}"), ("ended", "Истёк")]

    def queryset(self, request, queryset):
        at = selectors.clock()
        if self.value() == "soon":
            return queryset.filter(selectors.expiring_q(at))
        if self.value() == "ended":
            return queryset.filter(service_until__lt=at.today)
        return queryset


class HasBuyoutsFilter(admin.SimpleListFilter):
    title = "выкупы"
    parameter_name = "buyouts"

    def lookups(self, request, model_admin):
        return [("yes", "Есть выкупы"), ("no", "Нет выкупов")]

    def queryset(self, request, queryset):
        # The subquery itself, not the list's column: the list filters rows without it.
        if self.value() == "yes":
            return queryset.filter(selectors.has_buyouts_expression())
        if self.value() == "no":
            return queryset.filter(~selectors.has_buyouts_expression())
        return queryset


class AccountBuyoutInline(TabularInline):
    """The latest buyouts of the account (seed 000: «Информация “related” типа»)."""

    model = Buyout
    verbose_name = "выкуп"
    verbose_name_plural = "Выкупы аккаунта"
    fields = ["created", "number", "order", "amount_display", "point", "status_label"]
    readonly_fields = fields
    extra = 0
    per_page = 10
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("line__order", "pickup_point")
            .order_by("-created_at", "-id")
        )

    @display(description="оформлен")
    def created(self, obj: Buyout):
        return nowrap(moment_ru(obj.created_at))

    @display(description="№ на маркетплейсе")
    def number(self, obj: Buyout) -> str:
        return obj.marketplace_order_number

    @display(description="заказ, позиция")
    def order(self, obj: Buyout):
        line = obj.line
        return format_html("{} · {} {}", line.order.number, line.brand_name, line.article)

    @display(description="сумма")
    def amount_display(self, obj: Buyout):
        return nowrap(format_rub(obj.amount))

    @display(description="ПВЗ")
    def point(self, obj: Buyout) -> str:
        return obj.pickup_point.name

    @display(description="статус", label=BUYOUT_STATUS_LABELS)
    def status_label(self, obj: Buyout) -> str:
        return obj.get_status_display()


class AccountHistoryInline(TabularInline):
    model = AccountHistory
    verbose_name = "событие"
    verbose_name_plural = "История аккаунта"
    fields = ["when", "event", "comment", "who"]
    readonly_fields = fields
    extra = 0
    per_page = 10
    hide_title = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @display(description="когда")
    def when(self, obj: AccountHistory):
        return nowrap(moment_ru(obj.changed_at))

    @display(description="кто")
    def who(self, obj: AccountHistory) -> str:
        return person(obj.changed_by) if obj.changed_by_id else "система"


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=500,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text="Например: «Заблокирован маркетплейсом». Будет видна в истории аккаунта.",
        error_messages={"required": "Укажите причину."},
    )


def _run_release(*, request, objects, data) -> str:
    account = services.account_release(account_id=objects[0].pk, actor=request.user)
    return f"Аккаунт «{account.name}» освобождён: снова «Активен»."


def _run_deactivate(*, request, objects, data) -> str:
    account = services.account_deactivate(
        account_id=objects[0].pk, actor=request.user, reason=data["reason"]
    )
    return f"Аккаунт «{account.name}» теперь «Неактивен»."


def _run_activate(*, request, objects, data) -> str:
    account = services.account_activate(account_id=objects[0].pk, actor=request.user)
    return f"Аккаунт «{account.name}» снова «Активен»."


ACCOUNT_HEADERS = ("Аккаунт", "Логин", "Статус", "Срок службы до")
ROW_TEMPLATE = "marketplaces/admin/account_row.html"
RELEASE = AdminAction(
    title="Освободить аккаунт",
    button="Освободить",
    run=_run_release,
    intro="Аккаунт снова станет «Активен», и его сможет взять другой оператор. "
    "Выйдите из аккаунта на маркетплейсе, прежде чем освобождать его.",
    headers=ACCOUNT_HEADERS,
    row_template=ROW_TEMPLATE,
    selectable=False,
)
DEACTIVATE = AdminAction(
    title="Сделать аккаунт неактивным",
    button="Сделать неактивным",
    run=_run_deactivate,
    form_class=DeactivateForm,
    intro="Неактивный аккаунт нельзя взять для входа вручную и для выкупа.",
    headers=ACCOUNT_HEADERS,
    row_template=ROW_TEMPLATE,
    selectable=False,
)
ACTIVATE = AdminAction(
    title="Сделать аккаунт активным",
    button="Сделать активным",
    run=_run_activate,
    headers=ACCOUNT_HEADERS,
    row_template=ROW_TEMPLATE,
    selectable=False,
)
