"""`{% offer_rows %}` renders each row from its shape (catalog/_offer_row.html rendered once per
combination of its branches, issue 13): the HTML must be what rendering the row template row by
row gives, for every shape, with and without a CSRF token."""

import itertools
from decimal import Decimal

import pytest
from django.template import Context, Template

from mprating.catalog.selectors import OfferRow
from mprating.core.fixed_urls import reverse_fixed

PER_ROW = Template(
    "{% load offer_table %}{% offer_cells rows as cells %}{% for row in cells %}"
    '{% include "catalog/_offer_row.html" %}{% endfor %}'
)
BY_SHAPE = Template("{% load offer_table %}{% offer_rows rows %}")


def _rows() -> list[OfferRow]:
    rows = []
    shapes = itertools.product((0, 7), (0, 2), (1, 9), (False, True), (0, 3))
    for index, (quantity, depth, minimum, returnable, in_cart) in enumerate(shapes):
        rows.append(
            OfferRow(
                offer_id=1000 + index,
                product_id=index,
                brand="B&B <Тест>",
                article=f"A-{index}",
                name='Фильтр "масляный" & <прочее>',
                depth=depth,
                warehouse_name="Склад №1",
                warehouse_kind="home",
                quantity=quantity,
                min_order_quantity=minimum,
                delivery_days=index % 4,
                is_returnable=returnable,
                return_days=14,
                return_deduction_percent=Decimal("10"),
                price=Decimal("1234.50") + index,
                in_cart=in_cart,
            )
        )
    return rows


# Django's own {% csrf_token %} warns when it prints nothing for "NOTPROVIDED" (its code).
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
@pytest.mark.parametrize("token", ["tok<en>", None, "NOTPROVIDED"])
def test_rows_by_shape_are_the_rows_rendered_one_by_one(token):
    context = {"rows": _rows(), "cart_add_url": reverse_fixed("cart:add"), "csrf_token": token}

    expected = PER_ROW.render(Context(context))
    rendered = BY_SHAPE.render(Context(context))

    assert rendered == expected
    assert rendered.count('data-testid="offer-row"') == 32
    assert "&lt;Тест&gt;" in rendered and "<Тест>" not in rendered
