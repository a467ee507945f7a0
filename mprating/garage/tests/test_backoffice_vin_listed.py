"""Back office «VIN-запросы»: the list reads its counts on the page's rows only
(`core.admin_page_columns`, issue 13) and shows exactly what it showed when its whole query
carried them."""

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import page_html, record_compiled_models
from mprating.garage import services
from mprating.garage.admin_vin.requests import VinRequestAdmin
from mprating.garage.models import VinRequest
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:garage_vinrequest_changelist")


@pytest.fixture(autouse=True)
def _reference():
    clear_reference()
    reference()


def _requests(manager) -> VinRequest:
    owner = make_client()
    answered = make_vin_request(owner, parts=("масло моторное", "фильтр масляный"))
    line = answered.lines.first()
    services.vin_answer_add(line_id=line.pk, by=manager, brand_name="MOBIL", article="153693")
    services.chat_message_post(request=answered, author=owner.user, from_client=True, text="Срочно")
    make_vin_request(owner, parts=("свечи",))
    return answered


def _page(client, query: str) -> str:
    return page_html(client, f"{CHANGELIST}{query}")


@pytest.mark.parametrize(
    "query", ["", "?o=5", "?o=-6.1", "?o=-2", "?q=масло", "?status__exact=new"]
)
def test_the_list_is_the_same_as_with_the_counts_on_its_whole_query(
    client, manager, monkeypatch, query
):
    _requests(manager)
    shown = _page(client, query)

    # the list's root annotated as the admin's other pages read it
    monkeypatch.setattr(VinRequestAdmin, "listed_root", lambda self, request: False)
    assert _page(client, query) == shown


def test_an_empty_list_compiles_nothing_of_the_requests_on_a_second_visit(
    client, manager, monkeypatch
):
    client.get(CHANGELIST)
    compiled = record_compiled_models(monkeypatch)

    assert client.get(CHANGELIST).status_code == 200

    # the count's statement kept (core.kept_queries), the rows not read: nothing compiled
    assert VinRequest not in compiled


def test_the_counts_are_read_on_the_page_rows_and_follow_a_new_answer(client, manager):
    answered = _requests(manager)

    cl = client.get(CHANGELIST).context["cl"]
    counts = {
        r.pk: (r.lines_count, r.answered_count, r.unread_for_managers) for r in cl.result_list
    }
    services.vin_answer_add(
        line_id=answered.lines.last().pk, by=manager, brand_name="MANN", article="W712"
    )
    again = client.get(CHANGELIST).context["cl"].result_list

    assert not cl.root_queryset.query.annotations
    assert counts[answered.pk] == (2, 1, 1)
    assert next(r.answered_count for r in again if r.pk == answered.pk) == 2
