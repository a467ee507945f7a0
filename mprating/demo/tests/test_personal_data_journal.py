"""152-ФЗ (issue 12): «Every view of a client's personal data in the back office is recorded
(who, when, which client) and listed on the client's card» — besides the card itself, the pages
of the client's order, VIN request and return show their name, phone, address or car."""

import pytest
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.models import PersonalDataView
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.garage.tests.vin_factories import make_vin_request
from mprating.returns.tests.factories import make_return, shipped_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, roles.MANAGER, email="operator@example.ru")


@pytest.mark.parametrize(
    ("what", "make"),
    [
        (PersonalDataView.What.ORDER, lambda a: ("orders_order", shipped_line(a).order)),
        (PersonalDataView.What.VIN_REQUEST, lambda a: ("garage_vinrequest", make_vin_request(a))),
        (
            PersonalDataView.What.RETURN,
            lambda a: ("returns_returnrequest", make_return(a, shipped_line(a))),
        ),
    ],
)
def test_a_page_of_the_clients_object_is_journaled_once_and_listed_on_the_card(
    client, operator, what, make
):
    account = make_client()
    admin_name, obj = make(account)
    client.force_login(operator)
    url = reverse(f"admin:{admin_name}_change", args=[obj.pk])

    assert client.get(url).status_code == 200

    row = PersonalDataView.objects.get()
    assert (row.viewer_id, row.client_id, row.what) == (operator.pk, account.pk, what)
    card = client.get(reverse("admin:accounts_client_change", args=[account.pk])).content.decode()
    label = row.get_what_display()
    assert label[:1].upper() + label[1:] in card  # «Кто / Когда / Что» on the client's card


def test_a_refused_or_missing_page_writes_nothing(client):
    account = make_client()
    order = shipped_line(account).order
    stranger = make_staff(email="stranger@example.ru")  # staff without permissions
    client.force_login(stranger)

    client.get(reverse("admin:orders_order_change", args=[order.pk]))
    client.get(reverse("admin:orders_order_change", args=[999_999]))

    assert not PersonalDataView.objects.exists()
