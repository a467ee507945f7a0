"""The shared back office action helper: confirmation page, form, one service call, message."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from mprating.accounts.models import User
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


class SuffixForm(forms.Form):
    suffix = forms.CharField(label="Приписка", error_messages={"required": "Укажите приписку."})


def _rename(*, request, objects, data):
    """A stand-in for a service: renames every group, then fails on «плохо» — after writing."""
    for group in objects:
        Group.objects.filter(pk=group.pk).update(name=f"{group.name} {data['suffix']}")
    if data["suffix"] == "плохо":
        raise ApplicationError("bad_suffix", "Такую приписку нельзя.", field="suffix")
    if data["suffix"] == "везде":
        raise ApplicationError("refused", "Действие отклонено целиком.")
    return f"Переименовано групп: {len(objects)}."


RENAME = AdminAction(
    title="Переименовать группы",
    button="Переименовать",
    run=_rename,
    form_class=SuffixForm,
    headers=("Группа",),
)


@pytest.fixture
def groups():
    return [Group.objects.create(name=f"Группа {n}") for n in range(3)]


@pytest.fixture
def model_admin():
    return admin.ModelAdmin(Group, admin.site)


def _request(method: str, data=None):
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "POST" else factory.get("/x/")
    request.user = User.objects.create_superuser(email="root@example.ru", password="x-Secret-1")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _names() -> list[str]:
    return list(
        Group.objects.filter(name__startswith="Группа")
        .order_by("pk")
        .values_list("name", flat=True)
    )


def test_get_shows_the_page_and_changes_nothing(model_admin, groups):
    response = admin_action_view(
        model_admin, _request("GET", None), RENAME, Group.objects.all(), done_url="/done/"
    )

    html = response.render().content.decode()
    assert "Переименовать группы" in html and "Группа 2" in html
    assert 'name="confirm" value="yes"' in html and "csrfmiddlewaretoken" in html
    assert _names() == ["Группа 0", "Группа 1", "Группа 2"]


def test_the_changelist_first_post_only_shows_the_page_with_the_rows_ticked(model_admin, groups):
    request = _request("POST", {"action": "rename", ACTION_CHECKBOX_NAME: [groups[0].pk]})

    response = admin_action_view(
        model_admin,
        request,
        RENAME,
        Group.objects.filter(pk=groups[0].pk),
        changelist_action="rename",
    )

    html = response.render().content.decode()
    assert f'value="{groups[0].pk}" checked' in html
    assert '<input type="hidden" name="action" value="rename">' in html
    assert _names()[0] == "Группа 0"


def test_a_confirmed_post_runs_once_and_shows_the_message(model_admin, groups):
    chosen = [groups[0].pk, groups[2].pk]
    request = _request("POST", {"confirm": "yes", ACTION_CHECKBOX_NAME: chosen, "suffix": "А"})

    response = admin_action_view(
        model_admin, request, RENAME, Group.objects.all(), done_url="/done/"
    )

    assert response.status_code == 302 and response["Location"] == "/done/"
    assert _names() == ["Группа 0 А", "Группа 1", "Группа 2 А"]
    assert [m.message for m in get_messages(request)] == ["Переименовано групп: 2."]


def test_in_a_changelist_success_returns_none_so_the_admin_goes_back(model_admin, groups):
    request = _request(
        "POST",
        {"action": "rename", "confirm": "yes", ACTION_CHECKBOX_NAME: [groups[1].pk], "suffix": "Б"},
    )

    result = admin_action_view(
        model_admin,
        request,
        RENAME,
        Group.objects.filter(pk=groups[1].pk),
        changelist_action="rename",
    )

    assert result is None
    assert _names()[1] == "Группа 1 Б"


@pytest.mark.parametrize(
    ("suffix", "where"), [("плохо", "field"), ("везде", "page")], ids=["field", "page"]
)
def test_an_application_error_is_shown_in_russian_and_rolls_everything_back(
    model_admin, groups, suffix, where
):
    request = _request(
        "POST", {"confirm": "yes", ACTION_CHECKBOX_NAME: [g.pk for g in groups], "suffix": suffix}
    )

    response = admin_action_view(model_admin, request, RENAME, Group.objects.all(), done_url="/d/")

    html = response.render().content.decode()
    assert response.status_code == 200
    if where == "field":
        assert "Такую приписку нельзя." in html
    else:
        assert 'data-testid="action-error"' in html and "Действие отклонено целиком." in html
    assert _names() == ["Группа 0", "Группа 1", "Группа 2"]
    assert not list(get_messages(request))


def test_form_errors_and_missing_choice_change_nothing(model_admin, groups):
    request = _request("POST", {"confirm": "yes"})

    response = admin_action_view(model_admin, request, RENAME, Group.objects.all(), done_url="/d/")

    html = response.render().content.decode()
    assert "Отметьте, к чему применить действие." in html
    assert "Укажите приписку." in html
    assert _names() == ["Группа 0", "Группа 1", "Группа 2"]


def test_no_candidates_is_a_warning_and_a_way_back(model_admin, groups):
    request = _request("GET")

    response = admin_action_view(
        model_admin, request, RENAME, Group.objects.none(), done_url="/done/"
    )

    assert response.status_code == 302 and response["Location"] == "/done/"
    assert [m.message for m in get_messages(request)] == ["Нет объектов для этого действия."]
