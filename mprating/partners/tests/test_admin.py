"""Back office «Заявки партнёров» (approve / decline) and a point's statistics page."""

import re
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from openpyxl import load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries
from mprating.partners import services
from mprating.partners.events import point_events_sync
from mprating.partners.models import PartnerApplication, PartnerApplicationChange
from mprating.partners.services import ApplicationData
from mprating.partners.tests.factories import arrive, line_to, move, msk, role
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.owners import OwnerData
from mprating.pickup_points.services import PointData

pytestmark = pytest.mark.django_db
BASE = "/backoffice/partners/partnerapplication/"
NOW = msk(2026, 11, 18, 12)


def make_application(**fields) -> PartnerApplication:
    data = {
        "company_name": "ООО «Точка выдачи»",
        "inn": "7707083893",
        "contact_name": "Гусев Олег Николаевич",
        "phone": "+79161112233",
        "email": "gusev@example.ru",
        "point_address": "г. Москва, ул. Профсоюзная, д. 56, пав. 3",
    } | fields
    return services.application_submit(data=ApplicationData(**data), consent_given=True)


def approve_form(application: PartnerApplication, **fields) -> dict:
    return {
        "confirm": "yes",
        "point_name": "ПВЗ «Профсоюзная»",
        "point_address": application.point_address,
        "working_hours": "Пн–Вс 10:00–21:00",
        "last_name": "Гусев",
        "first_name": "Олег",
        "middle_name": "Николаевич",
        "email": application.email,
        "phone": application.phone,
        "company_name": application.company_name,
        "inn": application.inn,
    } | fields


@pytest.fixture
def as_operator(client, operator):
    client.force_login(operator)
    return client


def test_approve_page_is_prefilled_from_the_application(as_operator):
    application = make_application()

    page = as_operator.get(f"{BASE}{application.pk}/approve/").content.decode()

    assert 'value="Гусев"' in page and 'value="Николаевич"' in page
    assert 'value="7707083893"' in page
    assert 'value="ПВЗ ООО «Точка выдачи»"' in page
    application.refresh_from_db()
    assert application.status == "new"


def test_approve_creates_point_owner_and_invitation(
    as_operator, operator, django_capture_on_commit_callbacks
):
    application = make_application()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_operator.post(f"{BASE}{application.pk}/approve/", approve_form(application))

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", operator)
    point = application.point
    assert (point.name, point.owner, point.is_active) == (
        "ПВЗ «Профсоюзная»",
        application.owner,
        True,
    )
    assert application.owner.groups.filter(name=roles.PICKUP_POINT_OWNER).exists()
    assert application.owner.pickup_point_owner.inn == "7707083893"
    [message] = mail.outbox
    assert message.to == ["gusev@example.ru"]
    assert re.search(r"/partner/invitation/[\w-]+/", message.body)
    change = PartnerApplicationChange.objects.get(application=application)
    assert (change.status, change.changed_by) == ("approved", operator)


def test_failed_approval_changes_nothing(as_operator):
    application = make_application()
    make_client(phone="+79161112233")  # the phone is someone else's login

    response = as_operator.post(f"{BASE}{application.pk}/approve/", approve_form(application))

    assert "Этот номер телефона уже указан у другого пользователя." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "new"
    assert not PickupPoint.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_approval_for_an_existing_owner_adds_a_point_without_a_new_account(operator):
    first = make_application()
    services.application_approve(
        application_id=first.pk,
        by=operator,
        point=PointData(name="ПВЗ 1", address=first.point_address),
        owner=OwnerData("Гусев", "Олег", "", first.email, first.phone, "ООО", first.inn),
    )
    second = make_application(point_address="г. Москва, ул. Вавилова, д. 3")

    services.application_approve(
        application_id=second.pk,
        by=operator,
        point=PointData(name="ПВЗ 2", address=second.point_address),
        owner=OwnerData("Гусев", "Олег", "", second.email, second.phone, "ООО", second.inn),
    )

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.owner == first.owner
    assert PickupPoint.objects.filter(owner=first.owner).count() == 2


def test_decline_needs_a_reason_and_is_recorded(as_operator, operator):
    application = make_application()
    url = f"{BASE}{application.pk}/decline/"

    empty = as_operator.post(url, {"confirm": "yes", "_selected_action": [application.pk]})
    assert "Укажите причину отказа." in empty.content.decode()

    as_operator.post(
        url,
        {"confirm": "yes", "_selected_action": [application.pk], "reason": "Нет покрытия"},
    )

    application.refresh_from_db()
    assert (application.status, application.decline_reason, application.decided_by) == (
        "declined",
        "Нет покрытия",
        operator,
    )
    with pytest.raises(ApplicationError) as error:
        services.application_decline(application_id=application.pk, by=operator, reason="ещё")
    assert error.value.code == "already_decided"


def test_decided_application_offers_no_actions(as_operator, operator):
    application = make_application()
    services.application_decline(application_id=application.pk, by=operator, reason="Дубль")

    assert as_operator.get(f"{BASE}{application.pk}/approve/").status_code == 403


def test_applications_list_queries_do_not_grow(as_operator):
    for n in range(5):
        make_application(email=f"a{n}@example.ru")
    few = count_queries(lambda: as_operator.get(BASE))
    for n in range(45):
        make_application(email=f"b{n}@example.ru")
    many = count_queries(lambda: as_operator.get(BASE))

    assert few == many


def test_manager_sees_applications_but_cannot_decide(client):
    application = make_application()
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))

    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}{application.pk}/approve/").status_code == 403


# ---- a point's statistics in the back office -----------------------------------------------


def test_statistics_page_numbers_queries_and_export(as_operator, point, at_point):
    url = f"/backoffice/partners/pointstatistics/{point.pk}/"
    query = "?date_from=2026-11-02&date_to=2026-11-18"

    def add(count):
        for n in range(count):
            line = arrive(line_to(point), msk(2026, 11, 3, 10))
            if n % 5 == 0:
                move(line, role("shipped"), msk(2026, 11, 5, 10))
        point_events_sync()

    add(5)
    with time_machine.travel(NOW, tick=False):
        few = count_queries(lambda: as_operator.get(url + query))
    add(45)
    with time_machine.travel(NOW, tick=False):
        many = count_queries(lambda: as_operator.get(url + query))
        page = as_operator.get(url + query).content.decode()
        export = as_operator.get(f"{url}export/{query}")

    assert few == many
    assert 'data-testid="arrived">50<' in page
    assert 'data-testid="handed-out">10<' in page
    assert 'data-testid="avg-days">2,0 дн.<' in page
    assert "Поступило" in page and 'data-type="bar"' in page
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("02.11–08.11", 50, 50, 10, 0)


def test_points_page_links_to_the_statistics(as_operator, point):
    page = as_operator.get(f"/backoffice/pickup_points/pickuppoint/{point.pk}/change/")

    assert f"/backoffice/pickup_points/pickuppoint/{point.pk}/statistics/" in page.content.decode()
    response = as_operator.get(f"/backoffice/pickup_points/pickuppoint/{point.pk}/statistics/")
    assert response["Location"] == f"/backoffice/partners/pointstatistics/{point.pk}/"
