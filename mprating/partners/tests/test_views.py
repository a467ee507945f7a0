"""The partner area /partner/: own points only, «Выдан» / «Возврат» through the gatekeeper,
POST only; «Стать партнёром»; where an owner lands after signing in."""

from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import count_queries
from mprating.orders.models import OrderLine, StatusChange
from mprating.partners.events import point_events_sync
from mprating.partners.models import PartnerApplication
from mprating.partners.tests.conftest import PASSWORD
from mprating.partners.tests.factories import arrive, line_to, msk

pytestmark = pytest.mark.django_db
NOW = msk(2026, 11, 18, 12)


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def waiting_line(point, at_point):
    buyer = make_client(last_name="Морозова", first_name="Ольга")
    line = line_to(point, client=buyer, recipient_phone="+7 916 123-45-67")
    return arrive(line, msk(2026, 11, 9, 10))


def test_owner_lands_in_the_partner_area_after_signing_in(client, owner, point):
    response = client.post(
        reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/partner/"
    assert "ПВЗ «Профсоюзная»" in response.content.decode()


def test_partner_area_is_for_owners_only(client, point):
    assert client.get("/partner/").status_code == 302  # to the login page
    client.force_login(make_client().user)
    assert client.get("/partner/").status_code == 403


def test_home_lists_only_own_points_with_what_waits(as_owner, waiting_line, other_point):
    with time_machine.travel(NOW, tick=False):
        page = as_owner.get("/partner/").content.decode()

    assert "ПВЗ «Профсоюзная»" in page
    assert "ПВЗ «Чужой»" not in page
    assert "Ждут выдачи: 1" in page


def test_another_owners_point_is_404(as_owner, other_point, point):
    assert as_owner.get(f"/partner/points/{other_point.pk}/").status_code == 404
    assert as_owner.get(f"/partner/points/{other_point.pk}/export/").status_code == 404
    assert as_owner.get(f"/partner/waiting/?point={other_point.pk}").status_code == 404
    assert as_owner.get(f"/partner/points/{point.pk}/").status_code == 200


def test_waiting_list_masks_the_phone_and_flags_overdue(as_owner, waiting_line):
    with time_machine.travel(NOW, tick=False):
        page = as_owner.get("/partner/waiting/").content.decode()

    assert waiting_line.order.number in page
    assert "Морозова Ольга" in page
    assert "+7 ••• •••-45-67" in page
    assert "123-45-67" not in page
    assert "в пункте с 09.11.2026 (9 дн.)" in page
    assert "дольше 7 дн." in page


def test_hand_out_moves_the_line_to_shipped_through_the_gatekeeper(as_owner, owner, waiting_line):
    response = as_owner.post(f"/partner/lines/{waiting_line.pk}/hand-out/")

    assert response.status_code == 302
    line = OrderLine.objects.select_related("status").get(pk=waiting_line.pk)
    assert line.status.role == "shipped"
    change = StatusChange.objects.filter(line=line).order_by("-id").first()
    assert (change.status.role, change.changed_by) == ("shipped", owner)
    assert change.comment == "Выдан клиенту в ПВЗ «ПВЗ «Профсоюзная»»"
    follow = as_owner.get(response["Location"]).content.decode()
    assert "Выдано:" in follow


def test_return_refuses_the_line_with_the_reason(as_owner, owner, waiting_line):
    as_owner.post(f"/partner/lines/{waiting_line.pk}/return/")

    line = OrderLine.objects.select_related("status").get(pk=waiting_line.pk)
    assert line.status.role == "refused"
    assert line.manager_comment == "Не забран из ПВЗ"
    change = StatusChange.objects.filter(line=line).order_by("-id").first()
    assert (change.changed_by, change.comment) == (owner, "Не забран из ПВЗ")


def test_actions_are_post_only(as_owner, waiting_line):
    for action in ("hand-out", "return"):
        assert as_owner.get(f"/partner/lines/{waiting_line.pk}/{action}/").status_code == 405
    assert OrderLine.objects.get(pk=waiting_line.pk).status.name == "В ПВЗ"


def test_actions_need_the_csrf_token(owner, waiting_line):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    assert browser.post(f"/partner/lines/{waiting_line.pk}/hand-out/").status_code == 403
    assert OrderLine.objects.get(pk=waiting_line.pk).status.name == "В ПВЗ"


def test_another_owners_line_is_404_and_stays(client, other_owner, waiting_line):
    client.force_login(other_owner)

    assert client.post(f"/partner/lines/{waiting_line.pk}/hand-out/").status_code == 404
    assert client.post(f"/partner/lines/{waiting_line.pk}/return/").status_code == 404
    assert OrderLine.objects.get(pk=waiting_line.pk).status.name == "В ПВЗ"
    assert "Морозова" not in client.get("/partner/waiting/").content.decode()


def test_line_no_longer_waiting_says_so_and_changes_nothing(as_owner, waiting_line):
    as_owner.post(f"/partner/lines/{waiting_line.pk}/hand-out/")

    response = as_owner.post(f"/partner/lines/{waiting_line.pk}/return/", follow=True)

    assert "уже не ждёт в пункте выдачи" in response.content.decode()
    assert OrderLine.objects.get(pk=waiting_line.pk).status.role == "shipped"


def test_waiting_list_queries_do_not_grow(as_owner, point, at_point):
    def add(count):
        for _ in range(count):
            arrive(line_to(point), msk(2026, 11, 10, 10))

    add(5)
    with time_machine.travel(NOW, tick=False):
        few = count_queries(lambda: as_owner.get("/partner/waiting/"))
        add(45)
        many = count_queries(lambda: as_owner.get("/partner/waiting/"))
        page = as_owner.get("/partner/waiting/").content.decode()
        home = count_queries(lambda: as_owner.get("/partner/"))
        stats = count_queries(lambda: as_owner.get(f"/partner/points/{point.pk}/"))

    assert few == many
    assert page.count('data-testid="hand-out"') == 50
    assert 'data-testid="next-page"' not in page
    add(1)
    with time_machine.travel(NOW, tick=False):
        assert 'data-testid="next-page"' in as_owner.get("/partner/waiting/").content.decode()
        second = as_owner.get("/partner/waiting/?page=2").content.decode()
    assert second.count('data-testid="hand-out"') == 1
    assert home <= 10 and stats <= 12


def test_statistics_page_and_export(as_owner, point, waiting_line):
    point_events_sync()
    with time_machine.travel(NOW, tick=False):
        page = as_owner.get(
            f"/partner/points/{point.pk}/?date_from=2026-11-02&date_to=2026-11-18"
        ).content.decode()
        export = as_owner.get(
            f"/partner/points/{point.pk}/export/?date_from=2026-11-02&date_to=2026-11-18"
        )

    assert 'data-testid="arrived">1<' in page
    assert "09.11–15.11" in page
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Период", "Поступило в ПВЗ")
    assert rows[0][2:] == ("Из них выкупы", "Выдано", "Возвраты (не забраны)")
    assert rows[2] == ("09.11–15.11", 1, 1, 0, 0)
    assert rows[-1] == ("Итого", 1, 1, 0, 0)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-11-10&date_to=2026-11-01", "Дата начала позже даты конца"),
        ("date_from=2026-11-01&date_to=2030-01-01", "не может заканчиваться позже"),
        ("date_from=2020-01-01&date_to=2026-11-01", "Период не длиннее двух лет"),
        ("date_from=вчера", "Введите дату начала в формате ДД.ММ.ГГГГ."),
        ("grouping=year", "Выберите: по неделям или по месяцам."),
    ],
)
def test_bad_period_is_explained_in_russian(as_owner, point, query, message):
    with time_machine.travel(NOW, tick=False):
        response = as_owner.get(f"/partner/points/{point.pk}/?{query}")

    assert response.status_code == 200
    assert message in response.content.decode()


# ---- «Стать партнёром» ---------------------------------------------------------------------

APPLICATION = {
    "company_name": "ООО «Точка выдачи»",
    "inn": "7707083893",
    "contact_name": "Гусев Олег Николаевич",
    "phone": "8 (916) 111-22-33",
    "email": "Gusev@Example.ru",
    "point_address": "г. Москва, ул. Профсоюзная, д. 56, пав. 3",
    "comment": "Площадь 30 м², работаем с 2019 года",
    "consent": "on",
}


def test_application_is_stored_without_login(client):
    response = client.post("/partner/apply/", APPLICATION)

    assert response.status_code == 302 and response["Location"] == "/partner/apply/sent/"
    application = PartnerApplication.objects.get()
    assert (application.inn, application.phone, application.email, application.status) == (
        "7707083893",
        "+79161112233",
        "gusev@example.ru",
        "new",
    )
    assert application.consent_at is not None
    assert "Заявка отправлена" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "7707083894", "ИНН не прошёл проверку контрольных цифр"),
        ("inn", "123", "ИНН должен состоять из 10 цифр"),
        ("phone", "12345", "Введите номер телефона полностью"),
        ("email", "gusev", "Введите e-mail полностью"),
        ("point_address", "Москва", "Укажите адрес пункта полностью"),
        ("consent", "", "Без согласия на обработку персональных данных"),
        ("company_name", "", "Укажите название компании или ИП."),
    ],
)
def test_bad_application_is_explained_and_not_stored(client, field, value, message):
    response = client.post("/partner/apply/", APPLICATION | {field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PartnerApplication.objects.exists()


def test_home_and_login_pages_link_to_the_application_form(client):
    assert "/partner/apply/" in client.get("/").content.decode()
    assert "/partner/apply/" in client.get("/accounts/login/").content.decode()
