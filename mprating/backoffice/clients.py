"""«Пользователи → Клиенты» completed from the top floor: the client's card also shows what
other apps know of the client — the balance and credit limit, package purchases (seed 000
«Видеть их покупки (покупки пакетов)»), recent orders with a link to the client's «Заявки»,
and the access history in one place («Изменений не было» when there is none).

accounts (floor 1) owns the list, the personal data and the access actions and must not import
the apps above it; this admin is accounts' `ClientAdmin` with those sections added, registered
in its place. The sections' data come from the owners' selectors, read once per page
(`backoffice.selectors.client_card`): a constant number of queries whatever the client has.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from unfold.decorators import display

from mprating.accounts.admin import ClientAdmin
from mprating.accounts.models import Client
from mprating.backoffice.selectors import ClientCard, client_card

admin.site.unregister(Client)


def _render(template: str, **context) -> SafeString:
    html = render_to_string(f"backoffice/client_card/{template}", context).strip()
    # The templates escape every value; strip() turned the SafeString into a plain str.
    return mark_safe(html)  # nosec B308 B703


@admin.register(Client)
class ClientCardAdmin(ClientAdmin):
    inlines = []  # the access history is a section of the card, with «Изменений не было»
    fieldsets = [
        *ClientAdmin.fieldsets,
        ("Баланс", {"fields": ["money"]}),
        ("История доступа", {"fields": ["access_history"]}),
        ("Покупки пакетов", {"fields": ["package_purchases"]}),
        ("Заявки", {"fields": ["recent_orders"]}),
        ("Персональные данные (152-ФЗ)", {"fields": ["deletion_requests", "data_views"]}),
    ]
    readonly_fields = [
        *ClientAdmin.readonly_fields,
        "money",
        "access_history",
        "package_purchases",
        "recent_orders",
        "deletion_requests",
        "data_views",
    ]

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        client = super().get_object(request, object_id, from_field)
        if client is not None:
            client.card = client_card(client_id=client.pk)
            client.may_open_journal = request.user.has_perm("accounts.view_personaldataview")
        return client

    @staticmethod
    def _card(obj: Client) -> ClientCard:
        return obj.card

    @display(description="баланс и кредитный лимит")
    def money(self, obj: Client) -> SafeString:
        return _render(
            "_money.html",
            money=self._card(obj).money,
            account_url=reverse("admin:finance_clientaccount_change", args=[obj.pk]),
        )

    @display(description="история доступа")
    def access_history(self, obj: Client) -> SafeString:
        return _render("_access.html", changes=self._card(obj).access_history)

    @display(description="покупки пакетов")
    def package_purchases(self, obj: Client) -> SafeString:
        card = self._card(obj)
        changelist = reverse("admin:billing_packagepurchase_changelist")
        return _render(
            "_packages.html",
            purchases=card.purchases,
            total=card.purchases_total,
            all_url=f"{changelist}?client__id__exact={obj.pk}",  # exactly this client's
        )

    @display(description="заявки")
    def recent_orders(self, obj: Client) -> SafeString:
        card = self._card(obj)
        changelist = reverse("admin:orders_order_changelist")
        return _render(
            "_orders.html",
            orders=card.orders,
            total=card.orders_total,
            all_url=f"{changelist}?client__id__exact={obj.pk}",
        )

    @display(description="просмотры персональных данных")
    def data_views(self, obj: Client) -> SafeString:
        changelist = reverse("admin:accounts_personaldataview_changelist")
        return _render(
            "_data_views.html",
            views=self._card(obj).data_views,
            all_url=f"{changelist}?client__id__exact={obj.pk}" if obj.may_open_journal else "",
        )

    @display(description="запросы на удаление данных")
    def deletion_requests(self, obj: Client) -> SafeString:
        return _render("_deletion.html", requests=self._card(obj).deletion_requests)
