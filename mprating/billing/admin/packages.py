"""«Монетизация → Пакеты»: the package form, on-sale actions and the package admin."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextInputWidget

from mprating.billing import selectors, services
from mprating.billing.admin.common import (
    PackageHistoryInline,
    RubField,
)
from mprating.billing.models import (
    Package,
)
from mprating.billing.services import PackageData
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_page_columns import PageColumnsMixin
from mprating.core.money import format_rub


class PackageForm(forms.ModelForm):
    price = RubField(
        label="Цена, ₽",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal"}),
        help_text="Например: 4 990,00",
        error_messages={
            "invalid": "Введите сумму числом, например 4 990,00.",
            "required": "Укажите цену.",
            "min_value": "Цена должна быть больше нуля.",
        },
    )

    class Meta:
        model = Package
        fields = [
            "name",
            "description",
            "price",
            "requests_included",
            "validity_days",
            "is_on_sale",
            "sort_order",
        ]


# ---- packages ------------------------------------------------------------------------------


def _sale_action(on_sale: bool) -> AdminAction:
    def run(*, request, objects, data) -> str:
        changed = services.package_sale_set(
            package_ids=[p.pk for p in objects], on_sale=on_sale, by=request.user
        )
        verb = "Возвращено в продажу" if on_sale else "Снято с продажи"
        return f"{verb} пакетов: {changed}."

    return AdminAction(
        title="Вернуть пакеты в продажу" if on_sale else "Снять пакеты с продажи",
        button="Вернуть в продажу" if on_sale else "Снять с продажи",
        run=run,
        intro="Клиенты видят в «Пакетах» только пакеты в продаже. Уже купленные пакеты "
        "продолжают действовать."
        if not on_sale
        else "Пакеты снова появятся у клиентов в «Пакетах».",
        headers=("Пакет", "Цена", "Заявок", "Срок"),
        row_template="billing/admin/_package_row.html",
        choose_error="Отметьте пакеты.",
        empty_message="Все выбранные пакеты уже в этом состоянии.",
    )


SALE_OFF = _sale_action(False)
SALE_ON = _sale_action(True)


@admin.register(Package)
class PackageAdmin(PageColumnsMixin, ModelAdmin):
    form = PackageForm
    list_display = [
        "name",
        "price_display",
        "requests_included",
        "validity_days",
        "on_sale",
        "sold",
        "sort_order",
    ]
    list_display_links = ["name"]
    list_filter = ["is_on_sale"]
    search_fields = ["name"]
    ordering = ["sort_order", "price", "id"]
    actions = ["take_off_sale", "put_on_sale"]
    inlines = [PackageHistoryInline]
    fields = [
        "name",
        "description",
        "price",
        "requests_included",
        "validity_days",
        "is_on_sale",
        "sort_order",
    ]

    # «Продано» on the page's rows only (`PageColumnsMixin`, issue 13): the count of the
    # annotated list was a GROUP BY over the purchases compiled on every visit.
    page_column_names = (selectors.SOLD,)

    def page_columns(self, queryset: QuerySet[Package]) -> QuerySet[Package]:
        return selectors.with_sold(queryset)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Package]:
        queryset = super().get_queryset(request)
        return queryset if self.listed_root(request) else selectors.with_sold(queryset)

    @display(description="цена", ordering="price")
    def price_display(self, obj: Package) -> str:
        return format_rub(obj.price)

    @display(
        description="в продаже",
        ordering="is_on_sale",
        label={"В продаже": "success", "Не в продаже": "info"},
    )
    def on_sale(self, obj: Package) -> str:
        return "В продаже" if obj.is_on_sale else "Не в продаже"

    @display(description="продано", ordering="sold_count")
    def sold(self, obj: Package) -> int:
        return obj.sold_count

    def save_model(self, request, obj: Package, form, change: bool) -> None:
        """The form has checked the input; the service writes it with its history."""
        data = PackageData(**{name: form.cleaned_data[name] for name in self.fields})
        if change:
            saved = services.package_update(package_id=obj.pk, data=data, by=request.user)
        else:
            saved = services.package_create(data=data, by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj: Package) -> None:
        services.package_delete(package_id=obj.pk, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for package_id in queryset.values_list("pk", flat=True):
            services.package_delete(package_id=package_id, by=request.user)

    @admin.action(description="Снять с продажи", permissions=["change"])
    def take_off_sale(self, request, queryset):
        return admin_action_view(
            self, request, SALE_OFF, queryset, changelist_action="take_off_sale"
        )

    @admin.action(description="Вернуть в продажу", permissions=["change"])
    def put_on_sale(self, request, queryset):
        return admin_action_view(self, request, SALE_ON, queryset, changelist_action="put_on_sale")


# ---- purchases -----------------------------------------------------------------------------
