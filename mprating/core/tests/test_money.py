from decimal import Decimal

import pytest

from mprating.core.money import format_rub, to_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0"), "0,00\u00a0₽"),
        (Decimal("12345.6"), "12\u202f345,60\u00a0₽"),
        (Decimal("-1000000.005"), "−1\u202f000\u202f000,01\u00a0₽"),
    ],
)
def test_rub_format(value, shown):
    assert format_rub(value) == shown


def test_float_money_is_refused():
    with pytest.raises(TypeError):
        to_money(1.5)
