"""Money is Decimal with two places, RUB; never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def to_money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_rub(value: Decimal) -> str:
    """«12 345,60 ₽»: Russian grouping with a narrow no-break space."""
    amount = to_money(value)
    sign = "−" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = NARROW_NBSP.join(groups)
    return f"{sign}{grouped},{cents}{NBSP}₽"
