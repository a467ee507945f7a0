"""The unread-chat badge of the cabinet frame (`ClientChatUnread`) equals a recount from the
messages after any sequence of chat posts and reads through the services (issue 13), and the
frame reads it in one query whatever the number of VIN requests."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import count_queries
from mprating.garage import services
from mprating.garage.models import ClientChatUnread
from mprating.garage.selectors import unread_for_client_total
from mprating.garage.tests.vin_factories import make_vin_request

pytestmark = pytest.mark.django_db

CLIENTS, REQUESTS = 3, 2


@pytest.fixture
def world():
    manager = make_staff(email="manager@example.ru")
    clients = [make_client(email=f"buyer{n}@example.ru") for n in range(CLIENTS)]
    requests = [make_vin_request(client) for client in clients for _ in range(REQUESTS)]
    return manager, requests


steps = st.lists(
    st.tuples(
        st.sampled_from(["manager_writes", "client_writes", "client_reads", "manager_reads"]),
        st.integers(0, CLIENTS * REQUESTS - 1),
    ),
    max_size=30,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=steps)
def test_the_badge_equals_the_recount_after_any_sequence_of_chat_changes(world, drawn):
    manager, requests = world
    with transaction.atomic():
        for action, index in drawn:
            request = requests[index]
            if action.endswith("writes"):
                from_client = action == "client_writes"
                services.chat_message_post(
                    request=request,
                    author=request.client.user if from_client else manager,
                    from_client=from_client,
                    text="Уточните, пожалуйста.",
                )
            else:
                services.chat_mark_read(
                    request_id=request.pk, reader_is_client=action == "client_reads"
                )

        stored = {row.client_id: row.unread for row in ClientChatUnread.objects.exclude(unread=0)}
        assert stored == services.chat_unread_from_messages()
        assert services.chat_unread_recount() == 0
        transaction.set_rollback(True)


def test_the_frame_reads_the_badge_in_one_query_however_many_requests(world):
    manager, requests = world
    client = requests[0].client
    for request in [requests[0], requests[1], make_vin_request(client)]:
        services.chat_message_post(request=request, author=manager, from_client=False, text="?")
    services.chat_mark_read(request_id=requests[1].pk, reader_is_client=True)

    unread = None

    def read():
        nonlocal unread
        unread = unread_for_client_total(client)

    assert count_queries(read) == 1
    assert unread == 2
