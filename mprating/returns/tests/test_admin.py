"""Back office «Возвраты»: the queue with filters and search, a return's page with photos and
history, the steps as POST after a confirmation page (core.admin_actions), managers change and
operators only view, constant query counts."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client as BrowserClient
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import count_queries
from mprating.returns.models import ReturnReason, ReturnRequest, ReturnStatus, ReturnStatusChange
from mprating.returns.tests.factories import (
    advance,
    make_return,
    manager,
    operator,
    photo,
    shipped_line,
)

pytestmark = pytest.mark.django_db
S = ReturnStatus
LIST = "/backoffice/returns/returnrequest/"


@pytest.fixture
def boss(client):
    user = manager()
    client.force_login(user)
    return user


@pytest.fixture
def buyer():
    return make_client(last_name="Соколова", first_name="Анна", phone="+79161234567")


def _status(request) -> str:
    return ReturnRequest.objects.get(pk=request.pk).status


def _rows(response) -> int:
    return response.content.decode().count('name="_selected_action"')


def test_the_queue_lists_returns_with_their_columns(client, boss, buyer):
    line = shipped_line(buyer, brand="SACHS", article="313 484", price="5230.00", deduction="10")
    created = make_return(buyer, line)

    page = client.get(LIST).content.decode()

    assert f"№ {created.pk}" in page
    assert "Соколова" in page and line.order.number in page and "SACHS 313 484" in page
    assert "4\u202f707,00\u00a0₽" in page and "Новый" in page and "Не подошло" in page


def test_filters_by_status_reason_and_date(client, boss, buyer):
    fresh = make_return(buyer, shipped_line(buyer))
    broken = make_return(buyer, shipped_line(buyer), reason_name="Брак")
    advance(broken, S.REVIEW)

    assert _rows(client.get(LIST, {"status": "review"})) == 1
    assert _rows(client.get(LIST, {"status": "open"})) == 2
    assert _rows(client.get(LIST, {"status": "refunded"})) == 0
    brak = ReturnReason.objects.get(name="Брак")
    assert _rows(client.get(LIST, {"reason__id__exact": brak.pk})) == 1
    today = timezone.localdate(fresh.created_at)
    for typed in (today.strftime("%d.%m.%Y"), today.isoformat()):
        assert _rows(client.get(LIST, {"created_at_from": typed, "created_at_to": typed})) == 2
    tomorrow = (today + timedelta(days=1)).strftime("%d.%m.%Y")
    assert _rows(client.get(LIST, {"created_at_from": tomorrow})) == 0
    assert (
        _rows(client.get(LIST, {"created_at_from": "2020-01-01", "created_at_to": "2020-01-02"}))
        == 0
    )


@pytest.mark.parametrize(
    "kind", ["order", "order digits", "email", "phone", "last name", "article", "number"]
)
def test_search_by_order_client_or_article(client, boss, buyer, kind):
    line = shipped_line(buyer, brand="SACHS", article="313 484")
    created = make_return(buyer, line)
    other = make_client(last_name="Другой")
    make_return(other, shipped_line(other, article="99999"))
    term = {
        "order": line.order.number,
        "order digits": line.order.number.removeprefix("MP-").lstrip("0"),
        "email": buyer.user.email.upper(),
        "phone": "8 (916) 123-45-67",
        "last name": "соколова",
        "article": "313-484",
        "number": f"№{created.pk}",
    }[kind]

    response = client.get(LIST, {"q": term})

    assert _rows(response) == 1
    assert f'value="{created.pk}"' in response.content.decode()


def test_a_returns_page_shows_photos_amounts_and_history(client, boss, buyer):
    created = make_return(buyer, shipped_line(buyer), uploads=[photo(), photo("b.png")])
    advance(created, S.REVIEW, comment="Проверяем фото")

    page = client.get(f"{LIST}{created.pk}/change/").content.decode()

    assert page.count('src="/cabinet/returns/photos/') == 2
    assert "Проверяем фото" in page
    assert "клиент (" in page  # who created it
    assert "к возврату" in page
    # only the steps the table allows from «На рассмотрении»
    assert f"/{created.pk}/approve/" in page and f"/{created.pk}/reject/" in page
    for path in ("review", "receive", "refund"):
        assert f"/{created.pk}/{path}/" not in page


def test_a_step_on_get_only_shows_the_confirmation(client, boss, buyer):
    created = make_return(buyer, shipped_line(buyer))

    page = client.get(f"{LIST}{created.pk}/review/", {"confirm": "yes", "comment": "по ссылке"})

    assert page.status_code == 200
    assert "Взять на рассмотрение" in page.content.decode()
    assert _status(created) == S.NEW


def test_a_step_without_the_csrf_token_is_refused(buyer):
    created = make_return(buyer, shipped_line(buyer))
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(manager())

    response = browser.post(f"{LIST}{created.pk}/review/", {"confirm": "yes"})

    assert response.status_code == 403
    assert _status(created) == S.NEW


def test_a_manager_works_a_return_through_its_page(client, boss, buyer):
    created = make_return(buyer, shipped_line(buyer, quantity=1), reason_name="Брак")
    page_url = f"{LIST}{created.pk}/change/"

    for path, data in [
        ("review", {}),
        ("approve", {"comment": "Фото подтверждают брак"}),
        ("receive", {"restock": ""}),
    ]:
        response = client.post(f"{LIST}{created.pk}/{path}/", {"confirm": "yes", **data})
        assert response.status_code == 302 and response.url == page_url

    created.refresh_from_db()
    assert created.status == S.RECEIVED and created.restocked_at is None
    rows = ReturnStatusChange.objects.filter(request=created).order_by("pk")
    assert [row.status for row in rows] == [S.NEW, S.REVIEW, S.APPROVED, S.RECEIVED]
    assert rows[2].comment == "Фото подтверждают брак" and rows[2].changed_by == boss


def test_the_receive_page_presets_the_restock_switch_from_the_return(client, boss, buyer):
    defective = make_return(buyer, shipped_line(buyer), reason_name="Брак")
    fits_not = make_return(buyer, shipped_line(buyer))
    for created in (defective, fits_not):
        advance(created, S.REVIEW, S.APPROVED)

    def switch(created) -> str:
        page = client.get(f"{LIST}{created.pk}/receive/").content.decode()
        [tag] = re.findall(r'<input[^>]*name="restock"[^>]*>', page)
        return tag

    checked = re.compile(r"\schecked(?=[\s>/])")
    assert not checked.search(switch(defective))
    assert checked.search(switch(fits_not))


def test_reject_needs_a_reason_on_the_page(client, boss, buyer):
    created = make_return(buyer, shipped_line(buyer))
    advance(created, S.REVIEW)

    response = client.post(f"{LIST}{created.pk}/reject/", {"confirm": "yes", "comment": ""})

    assert response.status_code == 200
    assert "Укажите причину: клиент её увидит." in response.content.decode()
    assert _status(created) == S.REVIEW


def test_a_step_the_return_is_not_ready_for_changes_nothing(client, boss, buyer):
    created = make_return(buyer, shipped_line(buyer))

    response = client.post(f"{LIST}{created.pk}/refund/", {"confirm": "yes"}, follow=True)

    assert "Нет возвратов, которым можно поставить «Деньги возвращены»" in response.content.decode()
    assert _status(created) == S.NEW


def test_bulk_step_on_ticked_returns(client, boss, buyer):
    first = make_return(buyer, shipped_line(buyer))
    second = make_return(buyer, shipped_line(buyer))
    ids = [first.pk, second.pk]

    confirmation = client.post(LIST, {"action": "selected_review", ACTION_CHECKBOX_NAME: ids})
    assert confirmation.status_code == 200 and _status(first) == S.NEW

    response = client.post(
        LIST, {"action": "selected_review", "confirm": "yes", ACTION_CHECKBOX_NAME: ids}
    )

    assert response.status_code == 302
    assert _status(first) == _status(second) == S.REVIEW


def test_an_operator_sees_the_queue_but_makes_no_step(client, buyer):
    created = make_return(buyer, shipped_line(buyer))
    client.force_login(operator())

    listing = client.get(LIST)
    page = client.get(f"{LIST}{created.pk}/change/")
    step = client.post(f"{LIST}{created.pk}/review/", {"confirm": "yes"})
    bulk = client.post(
        LIST, {"action": "selected_review", "confirm": "yes", ACTION_CHECKBOX_NAME: [created.pk]}
    )

    assert listing.status_code == 200 and page.status_code == 200
    assert "Взять на рассмотрение" not in page.content.decode()
    assert step.status_code == 403
    assert bulk.status_code in (200, 302)
    assert _status(created) == S.NEW


def test_a_client_cannot_open_the_back_office_queue(client, buyer):
    client.force_login(buyer.user)

    response = client.get(LIST)

    assert response.status_code in (302, 403)


def test_managers_edit_reasons(client, boss):
    response = client.post(
        "/backoffice/returns/returnreason/add/",
        {"name": "Передумал", "restock_default": "on", "is_active": "on", "sort_order": "50"},
    )

    assert response.status_code == 302
    assert ReturnReason.objects.filter(name="Передумал", restock_default=True).exists()


def test_changelist_query_count_is_constant(client, boss):
    def returns(n):
        for _ in range(n):
            someone = make_client()
            make_return(someone, shipped_line(someone, quantity=1))

    returns(5)
    client.get(LIST)
    few = count_queries(lambda: client.get(LIST))
    returns(45)
    response = client.get(LIST)
    many = count_queries(lambda: client.get(LIST))

    assert _rows(response) == 50
    assert few == many
