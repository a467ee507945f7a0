from decimal import Decimal

from django import template

from mprating.core.money import format_rub

register = template.Library()


@register.filter
def rub(value: Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return format_rub(Decimal(value))
