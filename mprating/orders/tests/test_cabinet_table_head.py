"""Cabinet «Заказы» / «Архив» (issue 13): the table head written in Python
(`cabinet_rows.thead_html`) is the reference template `orders/cabinet/_thead.html` byte for
byte, and the head and the filter rows kept per process are what writing them again gives."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from mprating.core.fast_widgets import field_html
from mprating.orders import cabinet_rows, cabinet_views
from mprating.orders.cabinet_forms import LineFilterForm
from mprating.orders.templatetags import orders_cabinet

QUERIES = [
    "",
    "sort=-price",
    "sort=price&brand=BOSCH",
    "sort=seen",
    "sort=-seen&page=3&after=abc",
    "brand=%3Cb%3E%22x%22%26&status=2&status=3",
    'sort=-date&x="><script>',
]


@pytest.mark.parametrize("query", QUERIES)
def test_thead_is_the_reference_template_byte_for_byte(query):
    params = QueryDict(query)
    headers = cabinet_views._headers(params, params.get("sort") or "-date")

    reference = render_to_string("orders/cabinet/_thead.html", {"headers": headers})

    # (the template's comment leaves its line end)
    assert reference == "\n    " + cabinet_rows.thead_html(headers) + "\n"


@pytest.mark.parametrize("query", QUERIES)
def test_the_kept_head_is_the_head_of_its_own_query(query):
    cabinet_views._heads.clear()
    params = QueryDict(query)
    for other in QUERIES:  # other heads kept first: none of them is answered for this one
        cabinet_views._table_head(QueryDict(other), "-date")
        cabinet_views._table_head(QueryDict(other), "price")

    for sort in ("-date", "price", "seen"):
        kept = cabinet_views._table_head(params, sort)
        assert kept == cabinet_rows.thead_html(cabinet_views._headers(params, sort))


FORM_QUERIES = [
    "",
    "brand=BOSCH",
    "brand=MANN",
    "date_from=bad&status=999",
    "date_from=01.01.2026&date_to=01.01.2025&refusals=on",
    "date_from=01.01.2025&date_to=01.01.2026",
    "number=%3Cb%3E&article=x%22y&source=home&unseen=1",
    "status=1&status=2",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", FORM_QUERIES)
def test_kept_filter_rows_are_the_rows_of_their_own_form(query):
    orders_cabinet._field_rows.clear()
    for other in FORM_QUERIES:  # other forms' rows kept first
        form = LineFilterForm(QueryDict(other))
        form.is_valid()
        for name in form.fields:
            orders_cabinet.filter_field_row(form[name])

    form = LineFilterForm(QueryDict(query))
    form.is_valid()
    fresh = LineFilterForm(QueryDict(query))
    fresh.is_valid()

    for name in form.fields:
        assert orders_cabinet.filter_field_row(form[name]) == field_html(fresh[name])


@pytest.mark.django_db
def test_the_filter_state_follows_the_data_and_the_status_choices():
    from mprating.orders.models import OrderStatus

    before = LineFilterForm(QueryDict("brand=BOSCH")).state()
    assert LineFilterForm(QueryDict("brand=BOSCH&page=2")).state() == before
    assert LineFilterForm(QueryDict("brand=MANN")).state() != before
    assert LineFilterForm({"brand": "BOSCH"}).state() == before

    OrderStatus.objects.filter(pk=OrderStatus.objects.order_by("pk")[0].pk).update(name="Иной")
    assert LineFilterForm(QueryDict("brand=BOSCH")).state() != before
