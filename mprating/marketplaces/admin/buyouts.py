"""Back office «Аккаунты маркетплейсов → Выкупы»: the list of buyouts (filters by account,
status, marketplace, pickup point and date; search by the marketplace's or our order number),
«Оформить выкуп» for a marketplace order line (`add/?line=<id>`), a buyout's page with its
history, and the status steps Оформлен → В пути → В ПВЗ → Получен (or Отменён), each a POST
after a confirmation. The order line follows through the orders gatekeeper
(`services.buyout_status_set`).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
)
from unfold.decorators import action, display

from mprating.core.admin_actions import admin_action_view
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.admin_paging import EstimatedCountMixin
from mprating.core.errors import ApplicationError
from mprating.core.exports import export_xlsx
from mprating.core.money import format_rub
from mprating.marketplaces import selectors, services
from mprating.marketplaces.admin.buyout_parts import (
    BULK_STATUS,
    STATUS_ACTIONS,
    BuyoutForm,
    BuyoutHistoryInline,
    MarketplaceFilter,
    PickupPointFilter,
)
from mprating.marketplaces.admin.common import (
    BUYOUT_STATUS_LABELS,
    badge,
    moment_ru,
    nowrap,
    person,
)
from mprating.marketplaces.models import (
    Buyout,
    BuyoutStatus,
)
from mprating.orders.models import NUMBER_PREFIX, Order

CHANGE_URL = "marketplaces_buyout_change"
SEARCH_LIMIT = 1000


@admin.register(Buyout)
class BuyoutAdmin(EstimatedCountMixin, ModelAdmin):
    estimate_filtered = True  # one marketplace or status still has hundreds of thousands
    list_display = [
        "created",
        "number",
        "order_link",
        "account_link",
        "amount_display",
        "pickup_point",
        "status_label",
    ]
    list_display_links = ["number"]
    list_filter = [
        ("account", AutocompleteSelectFilter),
        "status",
        MarketplaceFilter,
        PickupPointFilter,
        ("created_at", DateRangeFilter),
    ]
    list_filter_submit = True
    # Facet counts would count a million buyouts once per choice (500 pickup points).
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 25
    show_full_result_count = False
    search_fields = ["marketplace_order_number"]
    search_help_text = "Номер заказа на маркетплейсе или наш номер заказа (MP-000123)"
    ordering = ["-created_at", "-id"]
    inlines = [BuyoutHistoryInline]
    actions = ["selected_status", export_xlsx]
    actions_detail = ["to_in_transit", "to_at_point", "to_received", "cancel"]
    export_columns = [
        ("Оформлен", lambda b: b.created_at),
        ("Номер на маркетплейсе", lambda b: b.marketplace_order_number),
        ("Маркетплейс", lambda b: b.get_marketplace_display()),
        ("Аккаунт", lambda b: b.account.name),
        ("Заказ", lambda b: b.line.order.number),
        ("Бренд", lambda b: b.line.brand_name),
        ("Артикул", lambda b: b.line.article),
        ("Сумма, ₽", lambda b: b.amount),
        ("ПВЗ", lambda b: b.pickup_point.name),
        ("Статус", lambda b: b.get_status_display()),
        ("Оформил", lambda b: person(b.created_by) if b.created_by_id else ""),
    ]
    fields = [
        "status_badge",
        "account_link",
        "marketplace_order_number",
        "amount_display",
        "order_link",
        "line_status",
        "pickup_point",
        "created",
        "created_by_display",
        "status_changed",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        return selectors.buyouts_for_backoffice()

    def get_search_results(self, request, queryset, search_term):
        term = "".join((search_term or "").split())
        if not term:
            return queryset, False
        condition = Q(marketplace_order_number=term)
        upper = term.upper()
        number = upper if upper.startswith(NUMBER_PREFIX) else None
        if number is None and upper.isdigit() and len(upper) <= 9:
            number = Order.number_for(int(upper))
        if number:
            # Resolved to ids first: an OR across the join to the order would make PostgreSQL
            # scan every buyout; ids keep both branches index lookups.
            ids = list(
                Buyout.objects.filter(line__order__number=number).values_list("pk", flat=True)[
                    :SEARCH_LIMIT
                ]
            )
            if ids:
                condition |= Q(pk__in=ids)
        return queryset.filter(condition), False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A buyout is never edited in a form: its status moves by the actions below.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # ---- columns ------------------------------------------------------------------------

    @display(description="оформлен", ordering="created_at")
    def created(self, obj: Buyout):
        return nowrap(moment_ru(obj.created_at))

    @display(description="№ на маркетплейсе", ordering="marketplace_order_number")
    def number(self, obj: Buyout) -> str:
        return obj.marketplace_order_number

    @display(description="заказ, позиция")
    def order_link(self, obj: Buyout):
        line = obj.line
        return format_html(
            '<a href="{}" class="text-primary-600">{}</a><br><span style="opacity:.7">{} {} × {}'
            "</span>",
            reverse("admin:orders_order_change", args=[line.order_id]),
            line.order.number,
            line.brand_name,
            line.article,
            line.quantity,
        )

    @display(description="аккаунт", ordering="account__name")
    def account_link(self, obj: Buyout):
        return format_html(
            '<a href="{}" class="text-primary-600">{}</a><br><span style="opacity:.7">{}</span>',
            reverse("admin:marketplaces_marketplaceaccount_change", args=[obj.account_id]),
            obj.account.name,
            obj.account.get_marketplace_display(),
        )

    @display(description="сумма", ordering="amount")
    def amount_display(self, obj: Buyout):
        return nowrap(format_rub(obj.amount))

    @display(description="статус", ordering="status", label=BUYOUT_STATUS_LABELS)
    def status_label(self, obj: Buyout) -> str:
        return obj.get_status_display()

    @display(description="текущий статус")
    def status_badge(self, obj: Buyout):
        label = obj.get_status_display()
        return badge(label, BUYOUT_STATUS_LABELS[label])

    @display(description="оформил")
    def created_by_display(self, obj: Buyout) -> str:
        return person(obj.created_by)

    @display(description="статус позиции заказа")
    def line_status(self, obj: Buyout) -> str:
        return obj.line.status.name

    @display(description="статус изменён")
    def status_changed(self, obj: Buyout) -> str:
        return moment_ru(obj.status_changed_at)

    # ---- «Оформить выкуп» ----------------------------------------------------------------

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        """Without `?line=`: find an order by number and pick its marketplace line. With it:
        the buyout form for that line (the order page links here with the line prefilled)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Оформить выкуп",
            "changelist_url": reverse("admin:marketplaces_buyout_changelist"),
        }
        line_id = request.GET.get("line")
        if not line_id:
            number = (request.GET.get("order") or "").strip()
            order, lines = selectors.marketplace_lines_of_order(number) if number else (None, [])
            context.update(order_number=number, order=order, lines=lines)
            return TemplateResponse(request, "marketplaces/admin/buyout_pick_line.html", context)
        line = selectors.line_for_buyout(line_id)
        if line is None:
            raise Http404("Позиция заказа не найдена.")
        form = BuyoutForm(
            request.POST or None,
            marketplace=line.warehouse.marketplace,
            actor=request.user,
            initial={"pickup_point": line.order.pickup_point_id},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                buyout = services.buyout_create(
                    line_id=line.pk,
                    account_id=data["account"].pk,
                    marketplace_order_number=data["marketplace_order_number"],
                    amount=data["amount"],
                    pickup_point_id=data["pickup_point"].pk,
                    actor=request.user,
                    comment=data["comment"],
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                line.refresh_from_db(fields=["status"])
                self.message_user(
                    request,
                    f"Выкуп № {buyout.marketplace_order_number} оформлен. Позиция "
                    f"{line.brand_name} {line.article}: статус «{line.status.name}».",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse(f"admin:{CHANGE_URL}", args=[buyout.pk]))
        context.update(
            line=line,
            form=form,
            no_accounts=len(form.fields["account"].choices) <= 1,
            title=f"Оформить выкуп — заказ {line.order.number}",
        )
        return TemplateResponse(request, "marketplaces/admin/buyout_add.html", context)

    # ---- status steps ---------------------------------------------------------------------

    def has_status_change_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perm("marketplaces.change_buyout")

    def _step_shown(self, request: HttpRequest, object_id, status: str) -> bool:
        if not self.has_status_change_permission(request):
            return False
        match = request.resolver_match
        if object_id is None or match is None or match.url_name != CHANGE_URL:
            return True
        current = Buyout.objects.filter(pk=object_id).values_list("status", flat=True).first()
        return current is not None and status in services.next_statuses(current)

    def has_to_in_transit_permission(self, request, object_id=None) -> bool:
        return self._step_shown(request, object_id, BuyoutStatus.IN_TRANSIT)

    def has_to_at_point_permission(self, request, object_id=None) -> bool:
        return self._step_shown(request, object_id, BuyoutStatus.AT_POINT)

    def has_to_received_permission(self, request, object_id=None) -> bool:
        return self._step_shown(request, object_id, BuyoutStatus.RECEIVED)

    def has_cancel_permission(self, request, object_id=None) -> bool:
        return self._step_shown(request, object_id, BuyoutStatus.CANCELLED)

    def _step(self, request: HttpRequest, object_id: str, status: str):
        buyout = get_object_or_404(self.get_queryset(request), pk=object_id)
        return admin_action_view(
            self,
            request,
            STATUS_ACTIONS[status],
            self.get_queryset(request).filter(pk=buyout.pk),
            done_url=reverse(f"admin:{CHANGE_URL}", args=[buyout.pk]),
            extra_context={"original": buyout},
        )

    @action(
        description="В пути",
        url_path="in-transit",
        permissions=["to_in_transit"],
        icon="local_shipping",
    )
    def to_in_transit(self, request, object_id):
        return self._step(request, object_id, BuyoutStatus.IN_TRANSIT)

    @action(description="В ПВЗ", url_path="at-point", permissions=["to_at_point"], icon="store")
    def to_at_point(self, request, object_id):
        return self._step(request, object_id, BuyoutStatus.AT_POINT)

    @action(
        description="Получен", url_path="received", permissions=["to_received"], icon="task_alt"
    )
    def to_received(self, request, object_id):
        return self._step(request, object_id, BuyoutStatus.RECEIVED)

    @action(description="Отменить выкуп", url_path="cancel", permissions=["cancel"], icon="cancel")
    def cancel(self, request, object_id):
        return self._step(request, object_id, BuyoutStatus.CANCELLED)

    @admin.action(description="Сменить статус выкупов", permissions=["status_change"])
    def selected_status(self, request, queryset):
        return admin_action_view(
            self, request, BULK_STATUS, queryset, changelist_action="selected_status"
        )
