"""Cabinet «Возвраты»: «Создать возврат» in «Заказы», the form with the policy and the refund,
the list with the letters switch, a return's page with its history, the photos (owner and
staff only), 404 for another client's things, constant query counts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries
from mprating.orders import services as order_services
from mprating.orders.models import OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.returns import services
from mprating.returns.models import ReturnRequest, ReturnStatus
from mprating.returns.tests.factories import (
    advance,
    bomb_png,
    make_return,
    manager,
    operator,
    photo,
    placed_line,
    reason,
    shipped_line,
)

pytestmark = pytest.mark.django_db
S = ReturnStatus
LIST = "/cabinet/returns/"


@pytest.fixture
def buyer(client):
    account = make_client(first_name="Анна", last_name="Соколова")
    client.force_login(account.user)
    return account


def _form(line, **overrides):
    data = {
        "quantity": "1",
        "reason": str(reason().pk),
        "description": "Не подошло по размеру",
    }
    data.update(overrides)
    return data


def test_urls():
    assert reverse("returns:list") == LIST
    assert reverse("returns:create", args=[5]) == "/cabinet/returns/new/5/"
    assert reverse("returns:detail", args=[5]) == "/cabinet/returns/5/"
    assert reverse("returns:photo", args=[5]) == "/cabinet/returns/photos/5/"


def test_navigation_has_returns(client, buyer):
    page = client.get(LIST).content.decode()

    assert 'data-testid="nav-returns"' in page
    assert re.search(r'href="/cabinet/returns/"\s+aria-current="page"', page)


def test_orders_table_offers_create_return_only_on_eligible_lines(client, buyer):
    eligible = shipped_line(buyer, brand="SACHS", article="313 484")
    not_shipped = placed_line(buyer)
    non_returnable = shipped_line(buyer, returnable=False)

    page = client.get("/cabinet/orders/").content.decode()

    rows = {
        int(pk): row for pk, row in re.findall(r'<tr id="line-(\d+)"(.*?)</tr>', page, flags=re.S)
    }
    assert 'data-testid="line-return"' in rows[eligible.pk]
    assert reverse("returns:create", args=[eligible.pk]) in rows[eligible.pk]
    assert "Создать возврат" not in rows[not_shipped.pk]
    assert "Создать возврат" not in rows[non_returnable.pk]


def test_the_line_info_popup_offers_create_return_too(client, buyer):
    line = shipped_line(buyer)

    page = client.get(
        reverse("orders:line_history", args=[line.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert 'data-testid="history-line-return"' in page
    assert reverse("returns:create", args=[line.pk]) in page


def _shipped_order(buyer, n: int):
    warehouse = make_warehouse()
    for _ in range(n):
        add_to_cart(buyer, make_offer(make_product(), warehouse, quantity=5), 1)
    order = place_order(buyer)
    order_services.line_status_set(
        line_ids=list(order.lines.values_list("pk", flat=True)),
        status_id=OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED).pk,
        actor=manager(),
    )
    return order


def test_orders_table_with_shipped_lines_costs_the_same_for_5_and_50(client, buyer):
    _shipped_order(buyer, 5)
    client.get("/cabinet/orders/")  # the first visit of a session also runs the archive check
    few = count_queries(lambda: client.get("/cabinet/orders/"))
    _shipped_order(buyer, 45)
    response = client.get("/cabinet/orders/")
    many = count_queries(lambda: client.get("/cabinet/orders/"))

    assert response.content.decode().count('data-testid="line-return"') == 50
    assert few == many


def test_create_form_shows_the_policy_and_the_refund(client, buyer):
    line = shipped_line(buyer, quantity=3, price="5230.00", deduction="10", return_days=14)

    page = client.get(reverse("returns:create", args=[line.pk])).content.decode()

    assert "возврат в течение 14 дн. после отгрузки" in page
    assert "10 % от суммы возврата" in page
    assert "Можно вернуть до 3 шт." in page
    # the whole line by default: 3 × 5 230,00 = 15 690,00, minus 10 % = 14 121,00
    assert "15\u202f690,00\u00a0₽" in page
    assert "−1\u202f569,00\u00a0₽" in page
    assert re.search(r'data-testid="return-refund">14\u202f121,00\u00a0₽<', page)
    for name in ("Брак", "Не подошло", "Пересорт", "Повреждение при доставке", "Другое"):
        assert f">{name}</option>" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_quote_follows_the_quantity(client, buyer):
    line = shipped_line(buyer, quantity=3, price="1000.00", deduction="15")

    page = client.get(
        reverse("returns:quote", args=[line.pk]), {"quantity": "2"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "<html" not in page
    assert re.search(r'data-testid="return-refund">1\u202f700,00\u00a0₽<', page)
    # out of range: held to what may be returned
    page = client.get(reverse("returns:quote", args=[line.pk]), {"quantity": "99"}).content
    assert "2\u202f550,00" in page.decode()


def test_the_client_creates_a_return_with_photos(client, buyer):
    line = shipped_line(buyer, quantity=2, price="1500.00", deduction="10")

    response = client.post(
        reverse("returns:create", args=[line.pk]),
        {**_form(line, quantity="2"), "photos": [photo("a.png"), photo("b.jpg", fmt="JPEG")]},
    )

    created = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("returns:detail", args=[created.pk])
    assert created.quantity == 2 and created.refund_amount == Decimal("2700.00")
    assert created.photos.count() == 2
    page = client.get(response.url).content.decode()
    assert f"Возврат № {created.pk} оформлен" in page
    assert "Новый" in page and "вы" in page
    assert page.count('data-testid="return-history-row"') == 1
    assert page.count('src="/cabinet/returns/photos/') == 2
    assert "2\u202f700,00\u00a0₽" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "3"}, "quantity", "Вернуть можно не больше 2 шт."),
        ({"quantity": "0"}, "quantity", "Количество — не меньше 1."),
        ({"quantity": "два"}, "quantity", "Укажите количество целым числом."),
        ({"reason": ""}, "reason", "Выберите причину возврата."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(
    client, buyer, overrides, field, message
):
    line = shipped_line(buyer, quantity=2)

    response = client.post(reverse("returns:create", args=[line.pk]), _form(line, **overrides))

    assert response.status_code == 422
    assert re.search(
        rf'data-testid="error-{field}">{re.escape(message)}<', response.content.decode()
    )
    assert not ReturnRequest.objects.exists()


def test_a_bad_photo_is_shown_next_to_the_photos(client, buyer):
    line = shipped_line(buyer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bomb = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    response = client.post(
        reverse("returns:create", args=[line.pk]), {**_form(line), "photos": [bomb]}
    )

    assert response.status_code == 422
    assert 'data-testid="error-photos">«bomb.png»: слишком большое изображение' in (
        response.content.decode()
    )
    assert not ReturnRequest.objects.exists()


def test_a_line_that_cannot_be_returned_shows_why_and_no_form(client, buyer):
    line = shipped_line(buyer, returnable=False)

    page = client.get(reverse("returns:create", args=[line.pk])).content.decode()
    response = client.post(reverse("returns:create", args=[line.pk]), _form(line))

    assert "невозвратный" in page and 'data-testid="return-form"' not in page
    assert response.status_code == 302
    assert not ReturnRequest.objects.exists()


def test_a_get_never_creates_a_return(client, buyer):
    line = shipped_line(buyer)

    client.get(reverse("returns:create", args=[line.pk]), _form(line))

    assert not ReturnRequest.objects.exists()


def test_another_clients_line_return_and_photo_are_404(client, buyer):
    stranger = make_client()
    their_line = shipped_line(stranger)
    theirs = make_return(stranger, their_line, uploads=[photo()])
    their_photo = theirs.photos.get()

    assert client.get(reverse("returns:create", args=[their_line.pk])).status_code == 404
    assert (
        client.post(reverse("returns:create", args=[their_line.pk]), _form(their_line)).status_code
        == 404
    )
    assert client.get(reverse("returns:quote", args=[their_line.pk])).status_code == 404
    assert client.get(reverse("returns:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("returns:photo", args=[their_photo.pk])).status_code == 404
    assert ReturnRequest.objects.count() == 1


def test_the_owner_and_staff_see_a_photo_others_do_not(client, buyer):
    line = shipped_line(buyer)
    created = make_return(buyer, line, uploads=[photo("x.png")])
    url = reverse("returns:photo", args=[created.photos.get().pk])

    own = client.get(url)
    assert own.status_code == 200
    assert own["Content-Type"] == "image/png"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")

    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(operator())
    assert client.get(url).status_code == 200
    client.force_login(make_staff(email="nobody@example.ru"))  # staff without the right
    assert client.get(url).status_code == 404


def test_photos_are_not_reachable_under_media_url(client, buyer):
    created = make_return(buyer, shipped_line(buyer), uploads=[photo()])
    name = created.photos.get().file.name

    assert client.get(f"/media/{name}").status_code == 404


def test_the_list_shows_returns_and_their_statuses(client, buyer):
    first = make_return(buyer, shipped_line(buyer, brand="SACHS", article="313 484"))
    second = make_return(buyer, shipped_line(buyer, brand="FEBI", article="27432"))
    advance(second, S.REVIEW)

    page = client.get(LIST).content.decode()

    assert page.count('data-testid="return-row"') == 2
    assert page.index(f'data-return="{second.pk}"') < page.index(f'data-return="{first.pk}"')
    assert "На рассмотрении" in page and "SACHS" in page and "27432" in page


def test_the_list_is_empty_for_a_new_client(client, buyer):
    page = client.get(LIST).content.decode()

    assert 'data-testid="no-returns"' in page


def test_list_query_count_is_constant(client, buyer):
    def returns(n):
        for _ in range(n):
            make_return(buyer, shipped_line(buyer, quantity=1))

    returns(5)
    few = count_queries(lambda: client.get(LIST))
    returns(45)
    response = client.get(LIST)
    many = count_queries(lambda: client.get(LIST))

    assert response.content.decode().count('data-testid="return-row"') == 20  # one page
    assert few == many


def test_detail_query_count_is_constant(client, buyer):
    created = make_return(buyer, shipped_line(buyer), uploads=[photo()])
    url = reverse("returns:detail", args=[created.pk])
    few = count_queries(lambda: client.get(url))
    advance(created, S.REVIEW, S.APPROVED, S.RECEIVED)
    many = count_queries(lambda: client.get(url))

    assert few == many


def test_the_detail_shows_the_history_with_manager_comments(client, buyer):
    created = make_return(buyer, shipped_line(buyer))
    advance(created, S.REVIEW)
    advance(created, S.REJECTED, comment="Следы установки на автомобиль")

    page = client.get(reverse("returns:detail", args=[created.pk])).content.decode()

    assert page.count('data-testid="return-history-row"') == 3
    assert "Следы установки на автомобиль" in page
    assert "менеджер" in page and "Отклонён" in page


def test_the_letters_switch(client, buyer):
    response = client.post(reverse("returns:letters"), {}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Письма о возвратах выключены." in response.content.decode()
    assert not services.letters_enabled(buyer.pk)
    assert (
        "checked"
        not in client.get(LIST).content.decode().split('id="return-letters"')[1].split("</form>")[0]
    )

    make_return(buyer, shipped_line(buyer))
    assert not OutgoingEmail.objects.exists()

    response = client.post(reverse("returns:letters"), {"enabled": "on"})
    assert response.status_code == 302
    assert services.letters_enabled(buyer.pk)


def test_the_letters_switch_is_post_only(client, buyer):
    assert client.get(reverse("returns:letters")).status_code == 405


def test_staff_have_no_cabinet_returns(client):
    client.force_login(manager())

    assert client.get(LIST).status_code == 403


def test_no_template_markers_leak_into_any_page(client, buyer):
    line = shipped_line(buyer, quantity=2)
    created = make_return(buyer, line, quantity=1, uploads=[photo()])
    advance(created, S.REVIEW)
    pages = [
        client.get(LIST),
        client.get(reverse("returns:create", args=[line.pk])),
        client.get(reverse("returns:quote", args=[line.pk]), {"quantity": "1"}),
        client.get(reverse("returns:detail", args=[created.pk])),
        client.post(reverse("returns:letters"), {"enabled": "on"}, headers={"HX-Request": "true"}),
        client.post(reverse("returns:create", args=[line.pk]), _form(line, quantity="9")),
    ]
    client.force_login(manager())
    admin = "/backoffice/returns/returnrequest/"
    pages += [
        client.get(admin),
        client.get(f"{admin}{created.pk}/change/"),
        client.get(f"{admin}{created.pk}/approve/"),
        client.get("/backoffice/returns/returnreason/"),
    ]

    for response in pages:
        html = response.content.decode()
        assert response.status_code in (200, 422), response
        # «{{ » / « }}» with the space: the admin's own JSON attributes end in «}}»
        for marker in ("{%", "%}", "{#", "#}", "{{ ", " }}"):
            assert marker not in html, (response.request["PATH_INFO"], marker)
