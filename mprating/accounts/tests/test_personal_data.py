"""Personal data under 152-ФЗ (issue 12): «Every view of a client's personal data in the back
office is recorded (who, when, which client) and listed on the client's card», and «a client
… can ask for deletion; an operator confirms it, which anonymizes the personal fields …; the
person can no longer log in»."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import personal_data, roles
from mprating.accounts.models import Client, DeletionRequest, PersonalDataView, User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.core import outbox
from mprating.core.admin_actions import CONFIRM_FIELD, CONFIRM_VALUE
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

JOURNAL = reverse("admin:accounts_personaldataview_changelist")
REQUESTS = reverse("admin:accounts_deletionrequest_changelist")
PROFILE = reverse("cabinet:profile")
ASK = reverse("cabinet:profile_deletion_request")
CANCEL = reverse("cabinet:profile_deletion_cancel")


def _card(client_obj: Client) -> str:
    return reverse("admin:accounts_client_change", args=[client_obj.pk])


def _confirm_url(request: DeletionRequest) -> str:
    return reverse("admin:accounts_deletionrequest_confirm", args=[request.pk])


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


# ---- the journal of views -------------------------------------------------------------------


def test_opening_a_clients_card_writes_exactly_one_journal_row(client, operator):
    target = make_client(last_name="Захаров")
    client.force_login(operator)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_card(target))

    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "accounts_personaldataview" in writes[0]
    view = PersonalDataView.objects.get()
    assert (view.viewer, view.client, view.what, view.ip) == (
        operator,
        target,
        PersonalDataView.What.CARD,
        "127.0.0.1",
    )


def test_history_page_is_journaled_and_the_list_is_not(client, operator):
    target = make_client()
    client.force_login(operator)

    assert client.get(reverse("admin:accounts_client_changelist")).status_code == 200
    assert not PersonalDataView.objects.exists()

    assert client.get(reverse("admin:accounts_client_history", args=[target.pk])).status_code == 200
    assert PersonalDataView.objects.get().what == PersonalDataView.What.HISTORY


def test_a_missing_client_or_a_refused_page_writes_nothing(client, operator):
    target = make_client()
    client.force_login(operator)
    assert client.get(reverse("admin:accounts_client_change", args=[999999])).status_code == 302

    client.force_login(make_staff(email="nobody@example.ru"))  # staff without the permission
    assert client.get(_card(target)).status_code == 403

    assert not PersonalDataView.objects.exists()


def test_the_card_lists_who_viewed_when_and_what(client, operator, manager):
    target = make_client()
    manager.last_name, manager.first_name = "Крылова", "Марина"
    manager.save()
    client.force_login(manager)
    client.get(_card(target))
    client.force_login(operator)

    html = client.get(_card(target)).content.decode()

    assert "Персональные данные (152-ФЗ)" in html
    assert 'data-testid="card-data-views"' in html
    for text in ("Кто", "Когда", "Что", "Крылова Марина", "Карточка клиента"):
        assert text in html
    # Operators see the card's list but not the whole journal (managers only).
    assert "Весь журнал просмотров клиента" not in html


def test_the_card_shows_at_most_50_views(client, operator):
    target = make_client()
    PersonalDataView.objects.bulk_create(
        PersonalDataView(viewer=operator, client=target, what="card") for _ in range(60)
    )
    client.force_login(operator)

    html = client.get(_card(target)).content.decode()

    assert "Последние 50." in html


def test_xlsx_export_of_clients_is_journaled_one_row_per_client(client, operator):
    first, second = make_client(), make_client()
    client.force_login(operator)

    response = client.post(
        reverse("admin:accounts_client_changelist"),
        {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = PersonalDataView.objects.filter(what=PersonalDataView.What.EXPORT)
    assert sorted(rows.values_list("client_id", flat=True)) == sorted([first.pk, second.pk])


def test_the_journal_is_for_managers_not_operators(client, operator, manager):
    make_client()
    client.force_login(operator)
    assert client.get(JOURNAL).status_code == 403

    client.force_login(manager)
    assert client.get(JOURNAL).status_code == 200
    # read-only: nothing to add, change or delete
    view = PersonalDataView.objects.create(viewer=operator, client=make_client(), what="card")
    assert client.get(reverse("admin:accounts_personaldataview_add")).status_code == 403
    delete = reverse("admin:accounts_personaldataview_delete", args=[view.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataView.objects.filter(pk=view.pk).exists()


def test_the_journal_filters_by_client_and_viewer_in_constant_queries(client, operator, manager):
    alpha, beta = make_client(last_name="Альфа"), make_client(last_name="Бета")
    PersonalDataView.objects.create(viewer=operator, client=alpha, what="card")
    PersonalDataView.objects.create(viewer=manager, client=beta, what="history")
    client.force_login(manager)

    by_client = client.get(JOURNAL, {"client__id__exact": alpha.pk}).context["cl"].result_list
    assert [v.client_id for v in by_client] == [alpha.pk]
    by_viewer = client.get(JOURNAL, {"viewer": manager.pk}).context["cl"].result_list
    assert [v.viewer_id for v in by_viewer] == [manager.pk]

    few = count_queries(lambda: client.get(JOURNAL))
    PersonalDataView.objects.bulk_create(
        PersonalDataView(viewer=operator, client=make_client(), what="card") for _ in range(45)
    )
    assert count_queries(lambda: client.get(JOURNAL)) == few


# ---- «Удалить мои данные» in the cabinet ----------------------------------------------------


def test_asking_needs_the_password_and_the_confirmation(client):
    account = make_client()
    client.force_login(account.user)

    wrong = client.post(ASK, {"deletion-password": "не тот", "deletion-confirm": "on"})
    unconfirmed = client.post(ASK, {"deletion-password": PASSWORD})

    assert wrong.status_code == unconfirmed.status_code == 422
    assert "Неверный пароль: запрос не отправлен." in wrong.content.decode()
    assert "Подтвердите, что понимаете последствия удаления." in unconfirmed.content.decode()
    assert not DeletionRequest.objects.exists()


def test_the_client_asks_sees_the_waiting_request_and_cancels_it(client):
    account = make_client()
    client.force_login(account.user)
    page = client.get(PROFILE).content.decode()
    assert 'data-testid="deletion-form"' in page

    response = client.post(ASK, {"deletion-password": PASSWORD, "deletion-confirm": "on"})
    assert response.status_code == 302
    request = DeletionRequest.objects.get(client=account)
    assert request.status == DeletionRequest.Status.PENDING
    page = client.get(PROFILE).content.decode()
    assert f"Запрос на удаление данных № {request.pk}" in page
    assert "ждёт подтверждения оператора" in page
    # asking again keeps the one waiting request
    client.post(ASK, {"deletion-password": PASSWORD, "deletion-confirm": "on"})
    assert DeletionRequest.objects.filter(client=account).count() == 1

    assert client.post(CANCEL, {"request": request.pk}).status_code == 302

    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.CANCELLED
    assert 'data-testid="deletion-form"' in client.get(PROFILE).content.decode()
    assert User.objects.get(pk=account.user_id).is_active


def test_another_clients_request_cannot_be_cancelled(client):
    owner, intruder = make_client(), make_client()
    request = personal_data.deletion_request_create(client=owner, password=PASSWORD)
    client.force_login(intruder.user)

    assert client.post(CANCEL, {"request": request.pk}).status_code == 404
    assert client.post(CANCEL, {"request": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.PENDING


def test_asking_is_post_only(client):
    account = make_client()
    client.force_login(account.user)

    assert client.get(ASK).status_code == 405
    assert client.get(CANCEL).status_code == 405


# ---- the back office confirms ---------------------------------------------------------------


def test_operator_confirms_and_the_person_can_no_longer_log_in(
    client, operator, django_capture_on_commit_callbacks
):
    account = make_client(email="ivanov@example.ru", phone="+79161234567", inn="7707083893")
    Client.objects.filter(pk=account.pk).update(company_name="ООО «Колесо»")
    person = client_class_login(account)
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)
    client.force_login(operator)

    assert client.get(_confirm_url(request)).status_code == 200  # the confirmation page
    assert DeletionRequest.objects.get(pk=request.pk).status == DeletionRequest.Status.PENDING
    sessions_before = Session.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _confirm_url(request),
            {CONFIRM_FIELD: CONFIRM_VALUE, ACTION_CHECKBOX_NAME: [request.pk]},
        )

    assert response.status_code == 302
    assert Session.objects.count() == sessions_before - 1  # the person's, not the operator's
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DONE
    assert request.decided_by == operator
    user = User.objects.get(pk=account.user_id)
    account.refresh_from_db()
    assert user.get_full_name() == f"Удалённый клиент #{account.pk}"
    assert user.email == f"deleted-{account.pk}@invalid"
    assert (user.phone, account.company_name, account.inn) == (None, "", "")
    assert not user.is_active and not user.has_usable_password()
    assert account.personal_data_consent_at is not None  # the ground of what was done
    # the open session is gone, and neither the old nor the new login works
    assert person.get(PROFILE).status_code == 302
    login = reverse("accounts:login")
    for username in ("ivanov@example.ru", "+79161234567", user.email):
        page = person.post(login, {"username": username, "password": PASSWORD})
        assert page.status_code == 200 and "_auth_user_id" not in person.session


def client_class_login(account: Client):
    browser = Browser()
    browser.force_login(account.user)
    assert browser.get(PROFILE).status_code == 200
    return browser


def test_confirming_needs_the_permission(client, operator):
    account = make_client()
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)
    viewer = make_staff(email="viewer@example.ru")
    viewer.user_permissions.add(Permission.objects.get(codename="view_deletionrequest"))
    client.force_login(viewer)

    assert client.get(REQUESTS).status_code == 200
    assert client.post(_confirm_url(request), {CONFIRM_FIELD: CONFIRM_VALUE}).status_code == 403
    client.force_login(make_staff(email="nobody@example.ru"))
    assert client.get(_confirm_url(request)).status_code == 403
    client.force_login(make_client().user)  # a client is sent to the staff sign-in
    assert client.post(_confirm_url(request), {CONFIRM_FIELD: CONFIRM_VALUE}).status_code == 302

    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.PENDING
    assert User.objects.get(pk=account.user_id).is_active


def test_an_unknown_request_is_404_and_a_cancelled_one_is_not_confirmed(client, operator):
    account = make_client()
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)
    personal_data.deletion_request_cancel(client=account, request_id=request.pk)
    client.force_login(operator)

    assert client.get(
        reverse("admin:accounts_deletionrequest_confirm", args=[999999])
    ).status_code in {
        403,
        404,
    }
    with pytest.raises(ApplicationError):
        personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)
    with pytest.raises(NotFound):
        personal_data.deletion_request_confirm(request_id=999999, actor=operator)
    assert User.objects.get(pk=account.user_id).is_active


def test_erasing_twice_changes_nothing_the_second_time(operator):
    account = make_client()
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)
    personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)
    user = User.objects.get(pk=account.user_id)
    first = (user.email, user.last_name, user.first_name, user.password)

    personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)
    personal_data.client_anonymize(client_id=account.pk)

    user.refresh_from_db()
    assert (user.email, user.last_name, user.first_name) == first[:3]
    assert not user.has_usable_password()


def test_letters_waiting_for_the_person_are_dropped_and_sent_ones_forget_them(operator):
    account = make_client(email="petrov@example.ru")
    waiting = outbox.email_enqueue(
        kind="password_reset", to=["Petrov@example.ru"], subject="Пароль", text="Ссылка"
    )
    sent = outbox.email_enqueue(
        kind="password_reset", to=["petrov@example.ru"], subject="Заказ", text="Здравствуйте"
    )
    OutgoingEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    shared = outbox.email_enqueue(
        kind="password_reset",
        to=["petrov@example.ru", "shop@example.ru"],
        subject="Копия",
        text="Т",
    )
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)

    personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)

    assert not OutgoingEmail.objects.filter(pk=waiting.pk).exists()
    sent.refresh_from_db()
    assert (sent.to, sent.body_text) == (f"deleted-{account.pk}@invalid", "")
    shared.refresh_from_db()
    assert shared.to == f"deleted-{account.pk}@invalid, shop@example.ru"


def test_waiting_requests_show_in_the_sidebar_badge_and_on_the_home(client, operator):
    for _ in range(3):
        personal_data.deletion_request_create(client=make_client(), password=PASSWORD)
    client.force_login(operator)

    home = client.get(reverse("admin:index")).content.decode()

    assert "Запросы на удаление данных" in home
    assert "Запросов на удаление данных" in home
    assert personal_data.deletion_requests_waiting() == 3


def test_the_requests_list_keeps_a_constant_number_of_queries(client, operator):
    personal_data.deletion_request_create(client=make_client(), password=PASSWORD)
    client.force_login(operator)
    few = count_queries(lambda: client.get(REQUESTS))
    for _ in range(10):
        personal_data.deletion_request_create(client=make_client(), password=PASSWORD)
    assert count_queries(lambda: client.get(REQUESTS)) == few


def test_erasing_revokes_the_persons_api_tokens(operator):
    from mprating.accounts import services
    from mprating.accounts.models import ApiToken

    account = make_client()
    issued = services.api_token_create(client=account, name="Склад", expires_at=None)
    request = personal_data.deletion_request_create(client=account, password=PASSWORD)

    personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)

    assert ApiToken.objects.get(client=account).revoked_at is not None
    api = Browser().get("/api/v1/profile", HTTP_AUTHORIZATION=f"Bearer {issued.plain}")
    assert api.status_code == 401


def test_guessing_the_password_on_the_deletion_form_is_limited_like_a_sign_in(client, settings):
    settings.RATELIMIT_LOGIN = "3/h"
    account = make_client()
    client.force_login(account.user)
    answers = [
        client.post(ASK, {"deletion-password": f"guess{n}", "deletion-confirm": "on"})
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    right = client.post(ASK, {"deletion-password": PASSWORD, "deletion-confirm": "on"})
    assert right.status_code == 429
    assert not DeletionRequest.objects.exists()
