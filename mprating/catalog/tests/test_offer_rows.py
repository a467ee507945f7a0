"""`{% offer_rows %}` renders each row from its shape (catalog/_offer_row.html rendered once per
combination of its branches, issue 13): the HTML must be what rendering the row template row by
row gives, for every shape, with and without a CSRF token."""

import itertools
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.html import escape

from mprating.catalog.selectors import OfferRow
from mprating.catalog.templatetags.offer_table import offer_cells
from mprating.core.fixed_urls import reverse_fixed
from mprating.core.money import format_rub

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


def test_cells_are_each_rows_own_values_escaped():
    # `offer_cells` escapes a text and computes a label once per distinct input: every row must
    # still get its own values (varied days, deductions, depths, kinds; shared and own texts)
    rows = []
    for index in range(40):
        rows.append(
            OfferRow(
                offer_id=index,
                product_id=index % 7,
                brand=["B&B", "FEBI", "<ATE>"][index % 3],
                article=f"A-{index % 5}",
                name=f"Деталь «{index % 6}» & {{x}}",
                depth=index % 4,
                warehouse_name=["Склад №1", "Север"][index % 2],
                warehouse_kind=["home", "transit", "marketplace"][index % 3],
                quantity=index % 3,
                min_order_quantity=1 + index % 2,
                delivery_days=index % 9,
                is_returnable=index % 5 != 0,
                return_days=[7, 14, 21][index % 3],
                return_deduction_percent=[Decimal("0"), Decimal("12.50"), Decimal("7")][
                    index // 3 % 3
                ],
                price=Decimal("1000.00") + index,
                in_cart=index % 2,
            )
        )

    cells = offer_cells(rows)

    for row, cell in zip(rows, cells, strict=True):
        assert cell == {
            "offer_id": str(row.offer_id),
            "depth": str(row.depth),
            "is_analog": row.depth > 0,
            "depth_label": escape(row.depth_label),
            "brand": escape(row.brand),
            "article": escape(row.article),
            "name": escape(row.name),
            "warehouse_name": escape(row.warehouse_name),
            "warehouse_kind": escape(row.warehouse_kind),
            "warehouse_kind_label": escape(row.warehouse_kind_label),
            "in_stock": row.in_stock,
            "quantity": str(row.quantity),
            "min_order_quantity": str(row.min_order_quantity),
            "orderable": row.orderable,
            "delivery_label": escape(row.delivery_label),
            "is_returnable": row.is_returnable,
            "return_label": escape(row.return_label),
            "price": escape(format_rub(row.price)),
            "in_cart": row.in_cart,
        }
    assert len({cell["delivery_label"] for cell in cells}) == 9
    assert len({cell["return_label"] for cell in cells}) > 3
