"""Back office «Документы → VIN-запросы»: only with «обрабатывать VIN-запросы»; statuses by
actions with history; answers «Бренд, Артикул»; the chat; the settings."""

import html
import re
from datetime import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_product
from mprating.core.errors import ApplicationError
from mprating.core.testing import count_queries
from mprating.garage import services
from mprating.garage.models import ChatMessage, VinAnswer, VinRequest, VinSettings
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference

pytestmark = pytest.mark.django_db
Status = VinRequest.Status
CHANGELIST = reverse("admin:garage_vinrequest_changelist")
CONFIRM = {"confirm": "yes"}  # the confirmation page's POST (core.admin_actions)


@pytest.fixture(autouse=True)
def _reference():
    clear_reference()
    reference()


@pytest.fixture
def vin_request():
    return make_vin_request(make_client(), parts=("масло моторное", "фильтр масляный"))


def _change_url(request):
    return reverse("admin:garage_vinrequest_change", args=[request.pk])


def test_managers_group_has_the_permission():
    group = Group.objects.get(name=roles.MANAGER)

    assert group.permissions.filter(codename="process_vinrequest").exists()


def test_manager_without_the_permission_gets_403(client, vin_request):
    # given a manager whose group lost «обрабатывать VIN-запросы»
    user = make_staff(roles.MANAGER, email="m2@example.ru")
    Group.objects.get(name=roles.MANAGER).permissions.remove(
        Permission.objects.get(codename="process_vinrequest")
    )
    client.force_login(user)

    for url in [
        CHANGELIST,
        _change_url(vin_request),
        reverse("admin:garage_vinrequest_chat", args=[vin_request.pk]),
        reverse("admin:garage_vinrequest_chat_messages", args=[vin_request.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:garage_vinrequest_chat", args=[vin_request.pk]), {"text": "привет"}
    )
    assert response.status_code == 403
    assert not ChatMessage.objects.exists()


def test_operator_does_not_see_vin_requests(client, vin_request):
    client.force_login(make_staff(roles.OPERATOR, email="op@example.ru"))

    assert client.get(CHANGELIST).status_code == 403


def test_client_never_reaches_the_back_office(client, vin_request):
    client.force_login(vin_request.client.user)

    assert client.get(CHANGELIST).status_code == 302


def test_list_shows_counts_and_status(client, manager, vin_request):
    line = vin_request.lines.first()
    services.vin_answer_add(line_id=line.pk, by=manager, brand_name="MOBIL", article="153693")
    services.chat_message_post(
        request=vin_request, author=vin_request.client.user, from_client=True, text="Срочно"
    )

    page = client.get(CHANGELIST).content.decode()

    assert f"№ {vin_request.pk}" in page
    assert "Ожидает обработки" in page
    assert "новых: 1" in page


def test_status_actions_write_history_with_who(client, manager, vin_request):
    for action, status in [
        ("accept", Status.ACCEPTED),
        ("take", Status.IN_PROGRESS),
    ]:
        url = reverse(f"admin:garage_vinrequest_{action}", args=[vin_request.pk])
        client.post(url, CONFIRM)
        vin_request.refresh_from_db()
        assert vin_request.status == status

    change = vin_request.status_changes.last()
    assert (change.status_from, change.status_to, change.changed_by) == (
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        manager,
    )
    page = client.get(_change_url(vin_request)).content.decode()
    assert "История статусов" in page and "Обрабатывается" in page


def test_done_with_unanswered_rows_is_allowed_with_a_warning(client, manager, vin_request):
    url = reverse("admin:garage_vinrequest_complete", args=[vin_request.pk])

    response = client.post(url, CONFIRM, follow=True)

    vin_request.refresh_from_db()
    assert vin_request.status == Status.DONE
    assert "2 из его позиций без ответа" in response.content.decode()


def test_bulk_action_sets_status(client, manager, vin_request):
    other = make_vin_request(vin_request.client)

    client.post(
        CHANGELIST,
        {"action": "set_accepted", ACTION_CHECKBOX_NAME: [vin_request.pk, other.pk], **CONFIRM},
    )

    assert set(VinRequest.objects.values_list("status", flat=True)) == {Status.ACCEPTED}


def test_status_field_is_read_only(client, manager, vin_request):
    page = client.get(_change_url(vin_request)).content.decode()

    assert 'name="status"' not in page


def test_add_another_answer_reads_as_russian_agrees(client, manager, vin_request):
    page = client.get(_change_url(vin_request)).content.decode()

    assert "Добавить ещё один ответ" in page
    assert "Добавить ещё Ответ" not in page and "Add another" not in page


def _answer_form(client, request, rows, prefix="answers"):
    """The change form as the browser posts it: its hidden inputs plus the new answer rows."""
    page = client.get(_change_url(request)).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag and "__prefix__" not in name.group(1):
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(rows))
    for index, row in enumerate(rows, start=initial):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_manager_answers_rows_with_picked_and_typed_pairs(client, manager, vin_request):
    product = make_product("MANN-FILTER", "W 712/75", "Фильтр масляный")
    first, second = vin_request.lines.all()
    page = client.get(_change_url(vin_request)).content.decode()
    assert "answers-TOTAL_FORMS" in page  # the inline is there

    response = client.post(
        _change_url(vin_request),
        _answer_form(
            client,
            vin_request,
            [
                {"line": first.pk, "brand_name": "MOBIL", "article": "153693", "product": ""},
                {"line": second.pk, "product": product.pk, "brand_name": "", "article": ""},
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    answers = {a.line_id: a for a in VinAnswer.objects.all()}
    assert (answers[first.pk].brand_name, answers[first.pk].article) == ("MOBIL", "153693")
    assert answers[first.pk].created_by == manager
    assert answers[second.pk].product == product
    assert answers[second.pk].brand_name == product.brand.name


def test_row_without_pair_gets_a_russian_error(client, manager, vin_request):
    first = vin_request.lines.first()

    response = client.post(
        _change_url(vin_request),
        _answer_form(
            client, vin_request, [{"line": first.pk, "brand_name": "MOBIL", "article": ""}]
        ),
    )

    assert response.status_code == 200
    assert "Выберите товар из каталога или укажите бренд и артикул." in response.content.decode()
    assert not VinAnswer.objects.exists()


def test_chat_in_the_back_office(client, manager, vin_request):
    services.chat_message_post(
        request=vin_request,
        author=vin_request.client.user,
        from_client=True,
        text="<script>alert(1)</script> Какое масло?",
    )
    url = reverse("admin:garage_vinrequest_chat", args=[vin_request.pk])

    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Какое масло?" in page
    assert ChatMessage.objects.get().read_at is None  # opening the page changes nothing
    read_url = reverse("admin:garage_vinrequest_chat_read", args=[vin_request.pk])
    assert read_url in page  # the page posts that it showed the message
    client.post(read_url)
    assert ChatMessage.objects.get().read_at is not None  # read by the managers

    client.post(url, {"text": "Mobil 5W-30, 4 литра"})
    reply = ChatMessage.objects.get(from_client=False)
    assert (reply.author, reply.text) == (manager, "Mobil 5W-30, 4 литра")
    fragment = client.get(
        reverse("admin:garage_vinrequest_chat_messages", args=[vin_request.pk])
    ).content.decode()
    assert "Mobil 5W-30, 4 литра" in fragment and "<html" not in fragment


def test_created_date_filter_takes_typed_dates_and_whole_days(client, manager):
    # given a request made late on 28.02.2026 (Moscow) and one just after midnight
    owner = make_client()
    inside, outside = make_vin_request(owner), make_vin_request(owner)
    moscow = timezone.get_current_timezone()
    VinRequest.objects.filter(pk=inside.pk).update(
        created_at=datetime(2026, 2, 28, 23, 30, tzinfo=moscow)
    )
    VinRequest.objects.filter(pk=outside.pk).update(
        created_at=datetime(2026, 3, 1, 0, 30, tzinfo=moscow)
    )

    # when
    page = client.get(CHANGELIST, {"created_at_from": "01.02.2026", "created_at_to": "28.02.2026"})

    # then
    assert [r.pk for r in page.context["cl"].result_list] == [inside.pk]


def test_changelist_query_count_does_not_grow(client, manager):
    owner = make_client()

    def requests(n):
        for _ in range(n):
            make_vin_request(owner)

    requests(5)
    five = count_queries(lambda: client.get(CHANGELIST))
    requests(45)
    fifty = count_queries(lambda: client.get(CHANGELIST))

    assert five == fifty


def _settings_admin(client):
    """Staff with the settings permissions (a superuser has them all)."""
    user = make_staff(email="settings@example.ru")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="garage",
            codename__in=[
                "view_vinsettings",
                "change_vinsettings",
                "view_originalcataloglink",
                "add_originalcataloglink",
            ],
        )
    )
    client.force_login(user)
    return user


def test_settings_staff_sets_manager_emails(client):
    _settings_admin(client)
    url = reverse("admin:garage_vinsettings_changelist")

    change_url = client.get(url)["Location"]
    response = client.post(change_url, {"manager_emails": "vin@shop.ru; нет-адреса"})
    assert "«нет-адреса» — не адрес электронной почты." in response.content.decode()

    client.post(change_url, {"manager_emails": "vin@shop.ru\nboss@shop.ru"})
    assert VinSettings.objects.get().manager_emails == "vin@shop.ru\nboss@shop.ru"


def test_manager_cannot_change_settings(client, manager):
    assert client.get(reverse("admin:garage_vinsettings_changelist")).status_code == 403


def test_settings_staff_adds_special_catalog(client):
    _settings_admin(client)

    client.post(
        reverse("admin:garage_originalcataloglink_add"),
        {"make_name": "ВАЗ", "title": "Каталог ВАЗ", "url": "https://example.org/vaz"},
    )
    response = client.post(
        reverse("admin:garage_originalcataloglink_add"),
        {"make_name": "ваз", "title": "Дубль", "url": "https://example.org/x"},
    )

    assert "уже задан" in response.content.decode()


# ---- statuses only by POST after a confirmation page, only forward ---------------------------


@pytest.mark.parametrize("action", ["accept", "take", "complete"])
def test_get_of_a_status_action_only_shows_the_confirmation(client, manager, vin_request, action):
    url = reverse(f"admin:garage_vinrequest_{action}", args=[vin_request.pk])

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confirm-action"' in page and 'name="csrfmiddlewaretoken"' in page
    assert 'method="post"' in page
    vin_request.refresh_from_db()
    assert vin_request.status == Status.PENDING
    assert vin_request.status_changes.count() == 1


def test_status_action_needs_the_csrf_token(manager, vin_request):
    from django.test import Client as BrowserClient

    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(manager)
    url = reverse("admin:garage_vinrequest_accept", args=[vin_request.pk])

    assert browser.post(url, CONFIRM).status_code == 403

    vin_request.refresh_from_db()
    assert vin_request.status == Status.PENDING


def test_the_first_post_of_a_bulk_action_only_shows_the_confirmation(client, manager, vin_request):
    response = client.post(
        CHANGELIST, {"action": "set_done", ACTION_CHECKBOX_NAME: [vin_request.pk]}
    )

    assert 'data-testid="confirm-action"' in response.content.decode()
    vin_request.refresh_from_db()
    assert vin_request.status == Status.PENDING


def test_status_never_goes_back(client, manager, vin_request):
    # given a request the manager has finished
    services.vin_request_status_set(request_id=vin_request.pk, status=Status.DONE, by=manager)

    # when someone confirms «Принят» on its page
    url = reverse("admin:garage_vinrequest_accept", args=[vin_request.pk])
    response = client.post(url, CONFIRM, follow=True)

    # then nothing changes and the manager is told why
    vin_request.refresh_from_db()
    assert vin_request.status == Status.DONE
    assert "уже этот статус или следующий" in response.content.decode()
    assert vin_request.status_changes.count() == 2
    # and the service itself refuses it whoever calls it
    with pytest.raises(ApplicationError) as error:
        services.vin_request_status_set(
            request_id=vin_request.pk, status=Status.IN_PROGRESS, by=manager
        )
    assert error.value.code == "status_backwards"
    assert error.value.message == (
        f"Запрос № {vin_request.pk} уже «Выполнен»: статус «Обрабатывается» назад не ставится."
    )


def test_bulk_status_skips_requests_already_further(client, manager, vin_request):
    done = make_vin_request(vin_request.client)
    services.vin_request_status_set(request_id=done.pk, status=Status.DONE, by=manager)

    page = client.post(
        CHANGELIST, {"action": "set_in_progress", ACTION_CHECKBOX_NAME: [vin_request.pk, done.pk]}
    ).content.decode()
    assert f"№ {vin_request.pk} ·" in page and f"№ {done.pk} ·" not in page
    client.post(
        CHANGELIST,
        {"action": "set_in_progress", ACTION_CHECKBOX_NAME: [vin_request.pk], **CONFIRM},
    )

    assert dict(VinRequest.objects.values_list("pk", "status")) == {
        vin_request.pk: Status.IN_PROGRESS,
        done.pk: Status.DONE,
    }


def test_transition_rule():
    assert services.manual_statuses_after(Status.NOT_SENT) == services.MANUAL_STATUSES
    assert services.manual_statuses_after(Status.PENDING) == services.MANUAL_STATUSES
    assert services.manual_statuses_after(Status.ACCEPTED) == (Status.IN_PROGRESS, Status.DONE)
    assert services.manual_statuses_after(Status.DONE) == ()
    assert services.statuses_allowing(Status.IN_PROGRESS) == (
        Status.NOT_SENT,
        Status.PENDING,
        Status.ACCEPTED,
    )
