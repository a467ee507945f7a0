"""Shared pieces of the «Монетизация» admin: labels, history inlines, the rouble field, dates."""

from datetime import date

from django import forms
from django.utils import timezone
from unfold.admin import TabularInline

from mprating.billing.models import (
    PackageChange,
    PurchaseChange,
    PurchaseStatus,
)

NOWRAP = '<span style="white-space:nowrap">{}</span>'
EXPIRED = "Истёк"
STATUS_LABELS = {
    PurchaseStatus.AWAITING_PAYMENT.label: "warning",
    PurchaseStatus.PAID.label: "success",
    PurchaseStatus.CANCELLED.label: "danger",
    EXPIRED: "info",
}


class _HistoryInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["changed_at", "changed_by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class PackageHistoryInline(_HistoryInline):
    model = PackageChange
    verbose_name_plural = "История изменений"


class PurchaseHistoryInline(_HistoryInline):
    model = PurchaseChange
    verbose_name_plural = "История покупки"
    fields = ["changed_at", "status", "changed_by", "comment"]
    readonly_fields = fields


class RubField(forms.DecimalField):
    """A sum as people type it: «14 990,00», «14990.5», «1 234»."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)


def _day(moment) -> str:
    """ДД.ММ.ГГГГ in Moscow time, «—» when there is none."""
    return f"{timezone.localtime(moment):%d.%m.%Y}" if moment else "—"


MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def _month_label(month: date) -> str:
    """«март 2026» (the nominative, as a heading of a month column)."""
    return f"{MONTHS[month.month - 1]} {month.year}"
