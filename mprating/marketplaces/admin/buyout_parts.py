"""Pieces of the buyouts' admin: the marketplace filter, the history inline, the «Оформить
выкуп» form and the status steps as data."""

from django import forms
from django.contrib import admin
from unfold.admin import TabularInline
from unfold.decorators import display
from unfold.widgets import (
    SELECT_CLASSES,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from mprating.core.admin_actions import AdminAction
from mprating.marketplaces import selectors, services
from mprating.marketplaces.admin.common import (
    BUYOUT_STATUS_LABELS,
    moment_ru,
    nowrap,
    person,
)
from mprating.marketplaces.models import (
    AccountStatus,
    BuyoutHistory,
    BuyoutStatus,
    Marketplace,
    MarketplaceAccount,
)
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.selectors import pickup_points_active


class PickupPointFilter(admin.SimpleListFilter):
    """«ПВЗ» as one plain select: unfold's dropdown renders a widget template per option, which
    costs tens of milliseconds on every page with 500 pickup points."""

    title = "ПВЗ"
    parameter_name = "pickup_point__id__exact"
    template = "marketplaces/admin/filter_select.html"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in PickupPoint.objects.order_by("name", "id").values_list("id", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(pickup_point_id=int(value))
        return queryset

    def choices(self, changelist):
        yield {
            "name": self.parameter_name,
            "title": self.title,
            "options": self.lookup_choices,
            "selected": self.value() or "",
            "classes": " ".join(SELECT_CLASSES),
        }


class MarketplaceFilter(admin.SimpleListFilter):
    title = "маркетплейс"
    parameter_name = "marketplace"

    def lookups(self, request, model_admin):
        return Marketplace.choices

    def queryset(self, request, queryset):
        if self.value() in Marketplace.values:
            return queryset.filter(marketplace=self.value())
        return queryset


class BuyoutHistoryInline(TabularInline):
    model = BuyoutHistory
    verbose_name = "изменение"
    verbose_name_plural = "История выкупа"
    fields = ["when", "status_label", "comment", "who"]
    readonly_fields = fields
    extra = 0
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
    def when(self, obj: BuyoutHistory):
        return nowrap(moment_ru(obj.changed_at))

    @display(description="статус", label=BUYOUT_STATUS_LABELS)
    def status_label(self, obj: BuyoutHistory) -> str:
        return obj.get_status_display()

    @display(description="кто")
    def who(self, obj: BuyoutHistory) -> str:
        return person(obj.changed_by) if obj.changed_by_id else "система"


class BuyoutForm(forms.Form):
    """«Оформить выкуп» for one line; the service checks everything, this only parses."""

    account = forms.ModelChoiceField(
        label="Аккаунт",
        queryset=MarketplaceAccount.objects.none(),
        widget=UnfoldAdminSelectWidget,
        empty_label="— выберите —",
        error_messages={
            "required": "Выберите аккаунт.",
            "invalid_choice": "Этот аккаунт не подходит: обновите страницу.",
        },
    )
    marketplace_order_number = forms.CharField(
        label="Номер заказа на маркетплейсе",
        max_length=64,
        widget=UnfoldAdminTextInputWidget,
        error_messages={"required": "Укажите номер заказа на маркетплейсе."},
    )
    amount = forms.CharField(
        label="Сумма выкупа, ₽",
        max_length=20,
        widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal"}),
        help_text="Сколько заплачено на маркетплейсе, например 1234,50.",
        error_messages={"required": "Укажите сумму выкупа."},
    )
    pickup_point = forms.ModelChoiceField(
        label="ПВЗ, куда придёт выкуп",
        queryset=pickup_points_active(),
        widget=UnfoldAdminSelectWidget,
        empty_label="— выберите —",
        error_messages={
            "required": "Выберите пункт выдачи.",
            "invalid_choice": "Этот пункт выдачи больше не работает: выберите другой.",
        },
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=500,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, *args, marketplace: str, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        # Any account of the marketplace passes the form; the service tells why one that
        # changed meanwhile cannot be used. Offered are only the usable ones.
        field.queryset = MarketplaceAccount.objects.filter(marketplace=marketplace)
        usable = selectors.accounts_for_buyout(marketplace=marketplace, actor=actor)
        field.choices = [("", field.empty_label)] + [
            (
                account.pk,
                f"{account.name} — {account.login}"
                + (" (занят вами)" if account.effective_status == AccountStatus.BUSY else ""),
            )
            for account in usable
        ]


class StatusForm(forms.Form):
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=500,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text="Попадёт в историю выкупа.",
    )


class BulkStatusForm(StatusForm):
    status = forms.ChoiceField(
        label="Новый статус",
        choices=[("", "— выберите —"), *BuyoutStatus.choices],
        widget=UnfoldAdminSelectWidget,
        error_messages={"required": "Выберите статус."},
    )
    field_order = ["status", "comment"]


def _status_run(status: str):
    def run(*, request, objects, data) -> str:
        for buyout in objects:
            services.buyout_status_set(
                buyout_id=buyout.pk,
                status=data.get("status") or status,
                actor=request.user,
                comment=data.get("comment", ""),
            )
        label = BuyoutStatus(data.get("status") or status).label
        if len(objects) == 1:
            return f"Выкуп № {objects[0].marketplace_order_number}: статус «{label}»."
        return f"Статус «{label}» у выкупов: {len(objects)}."

    return run


BUYOUT_HEADERS = ("Номер на маркетплейсе", "Заказ, позиция", "Аккаунт", "Статус")
BUYOUT_ROW = "marketplaces/admin/buyout_row.html"
STATUS_ACTIONS = {
    status: AdminAction(
        title=title,
        button=button,
        run=_status_run(status),
        form_class=StatusForm,
        intro=intro,
        headers=BUYOUT_HEADERS,
        row_template=BUYOUT_ROW,
        selectable=False,
    )
    for status, title, button, intro in [
        (
            BuyoutStatus.IN_TRANSIT,
            "Выкуп в пути",
            "Отметить «В пути»",
            "Позиция заказа перейдёт в статус, заданный для «В пути» («В пути в ПВЗ»).",
        ),
        (
            BuyoutStatus.AT_POINT,
            "Выкуп в ПВЗ",
            "Отметить «В ПВЗ»",
            "Позиция заказа перейдёт в статус, заданный для «В ПВЗ».",
        ),
        (
            BuyoutStatus.RECEIVED,
            "Выкуп получен",
            "Отметить «Получен»",
            "Позиция заказа перейдёт в статус, заданный для «Получен» («Отгружен»). "
            "После этого статус выкупа не меняется.",
        ),
        (
            BuyoutStatus.CANCELLED,
            "Отменить выкуп",
            "Отменить выкуп",
            "Статус позиции заказа не меняется; для неё можно будет оформить новый выкуп.",
        ),
    ]
}
BULK_STATUS = AdminAction(
    title="Сменить статус выкупов",
    button="Сменить статус",
    run=_status_run(""),
    form_class=BulkStatusForm,
    intro="Статус меняется только вперёд: Оформлен → В пути → В ПВЗ → Получен, или «Отменён» "
    "до получения. Если хоть один выкуп так изменить нельзя, не изменится ни один.",
    headers=BUYOUT_HEADERS,
    row_template=BUYOUT_ROW,
)
