"""Seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)»: the operator registers the
owner, the owner sets a password through a one-time link that expires."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.pickup_points import owners
from mprating.pickup_points.models import OwnerInvitation, PickupPointChange, PickupPointOwner
from mprating.pickup_points.tests.factories import make_owner, make_point, owner_data

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^\s\"<]+/partner/invitation/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


def token_of_last_letter(to: str) -> str:
    letter = OutgoingEmail.objects.filter(to=to, kind="pvz_invitation").order_by("-id").first()
    return LINK.search(letter.body_text).group(1)


def test_registered_owner_has_the_role_no_password_and_the_business(operator):
    point = make_point()

    user, invitation = owners.owner_register(
        data=owner_data(email=" Gusev@Example.RU ", phone="8 916 123-45-67", inn="7707083893"),
        by=operator,
        point_id=point.pk,
    )

    assert user.email == "gusev@example.ru" and user.phone == "+79161234567"
    assert not user.has_usable_password() and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [roles.PICKUP_POINT_OWNER]
    assert PickupPointOwner.objects.get(user=user).inn == "7707083893"
    point.refresh_from_db()
    assert point.owner == user
    actions = list(point.changes.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [
        PickupPointChange.Action.OWNER_CHANGED,
        PickupPointChange.Action.INVITATION_SENT,
    ]
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"inn": "7707083894"}, "inn"), ({"phone": "123"}, "phone"), ({"last_name": ""}, "last_name")],
)
def test_bad_owner_data_creates_nothing(operator, fields, field):
    with pytest.raises(ApplicationError) as error:
        owners.owner_register(data=owner_data(**fields), by=operator)

    assert error.value.field == field
    assert not Group.objects.get(name=roles.PICKUP_POINT_OWNER).user_set.exists()
    assert not OutgoingEmail.objects.exists()


def test_taken_email_is_refused(operator):
    client = make_client(email="busy@example.ru")

    with pytest.raises(ApplicationError) as error:
        owners.owner_register(data=owner_data(email="BUSY@example.ru"), by=operator)

    assert error.value.field == "email"
    assert not client.user.groups.filter(name=roles.PICKUP_POINT_OWNER).exists()


def test_letter_goes_through_the_outbox_with_a_working_link(
    operator, client, django_capture_on_commit_callbacks
):
    # when: the operator registers the owner (the letter is sent after commit)
    with django_capture_on_commit_callbacks(execute=True):
        user, invitation = make_owner(by=operator, point=make_point(name="ПВЗ «Арбат»"))

    # then: one letter through the outbox, text and HTML, with the link
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Приглашение в MP Rating: кабинет партнёрского пункта выдачи"
    assert "ПВЗ «Арбат»" in message.body
    token = LINK.search(message.body).group(1)
    assert token in message.alternatives[0][0]
    row = OutgoingEmail.objects.get(kind="pvz_invitation")
    assert row.sensitive and row.ref == f"pickup_points.ownerinvitation:{invitation.pk}"
    # only the hash of the token is kept
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not OwnerInvitation.objects.filter(token_hash=token).exists()

    # and: the link opens the password page, and the password is accepted
    path = LINK.search(message.body).group(0).removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "Punkt-vydachi-77", "new_password2": "Punkt-vydachi-77"}
    )
    assert response.status_code == 302 and response["Location"] == "/partner/"
    user.refresh_from_db()
    assert user.check_password("Punkt-vydachi-77")


def test_link_works_once(operator):
    user, _ = make_owner(by=operator)
    token = token_of_last_letter(user.email)

    owners.owner_invitation_accept(token=token, password="Punkt-vydachi-77")

    with pytest.raises(ApplicationError) as error:
        owners.owner_invitation_accept(token=token, password="Drugoi-parol-88")
    assert error.value.code == "invitation_used"
    user.refresh_from_db()
    assert user.check_password("Punkt-vydachi-77")


def test_link_expires_after_the_setting(operator, settings):
    settings.PARTNER_INVITATION_HOURS = 72
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        user, _ = make_owner(by=operator)
    token = token_of_last_letter(user.email)

    with time_machine.travel(start + timedelta(hours=71, minutes=59), tick=False):
        assert owners.owner_invitation_check(token=token).user == user
    expired = time_machine.travel(start + timedelta(hours=72), tick=False)
    with expired, pytest.raises(ApplicationError) as error:
        owners.owner_invitation_accept(token=token, password="Punkt-vydachi-77")
    assert error.value.code == "invitation_expired"
    assert error.value.message.startswith("Срок действия приглашения истёк.")
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_new_invitation_revokes_the_old_one(operator):
    point = make_point()
    user, first = make_owner(by=operator, point=point)
    old_token = token_of_last_letter(user.email)

    second = owners.owner_invitation_send(user_id=user.pk, by=operator, point_id=point.pk)
    new_token = token_of_last_letter(user.email)

    assert new_token != old_token
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    with pytest.raises(ApplicationError) as error:
        owners.owner_invitation_check(token=old_token)
    assert error.value.code == "invitation_revoked"
    assert owners.owner_invitation_accept(token=new_token, password="Punkt-vydachi-77") == user
    assert OutgoingEmail.objects.filter(kind="pvz_invitation").count() == 2


def test_weak_password_is_refused_and_the_link_stays_usable(operator):
    user, _ = make_owner(by=operator)
    token = token_of_last_letter(user.email)

    with pytest.raises(ApplicationError) as error:
        owners.owner_invitation_accept(token=token, password="12345678")

    assert error.value.code == "invalid_password"
    assert "Введённый пароль состоит только из цифр." in error.value.message
    assert owners.owner_invitation_check(token=token).user == user


def test_no_invitation_for_an_owner_who_has_a_password(operator):
    user, _ = make_owner(by=operator, password="Uzhe-est-parol-1")

    with pytest.raises(ApplicationError) as error:
        owners.owner_invitation_send(user_id=user.pk, by=operator)

    assert error.value.code == "owner_has_password"


@pytest.mark.parametrize("token", ["", "x" * 43, "x" * 500])
def test_unknown_token_is_invalid(token):
    with pytest.raises(ApplicationError) as error:
        owners.owner_invitation_check(token=token)
    assert error.value.code == "invitation_invalid"
