"""`manage.py recount_frame_counters`: repairs both counters of the frame — the positions and
refusals (orders) and the unread chat badge (garage) — after writes that went around the
services."""

from io import StringIO

import pytest
from django.core.management import call_command

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cabinet.selectors import cabinet_summary
from mprating.catalog.tests.factories import make_offer
from mprating.garage import services as garage_services
from mprating.garage.models import ChatMessage
from mprating.garage.tests.vin_factories import make_vin_request
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db


def _recount(*args) -> str:
    out = StringIO()
    call_command("recount_frame_counters", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_repairs_the_frame_and_then_finds_nothing():
    # given: a line moved and a message read by raw UPDATEs (a hand-made SQL fix)
    buyer, manager = make_client(), make_staff(email="manager@example.ru")
    add_to_cart(buyer, make_offer(quantity=5), quantity=1)
    order = place_order(buyer)
    garage_services.chat_message_post(
        request=make_vin_request(buyer), author=manager, from_client=False, text="Год выпуска?"
    )
    OrderLine.objects.filter(order=order).update(status=OrderStatus.objects.get(role="refused"))
    ChatMessage.objects.update(read_at=order.created_at)
    stale = cabinet_summary(client=buyer)
    assert (stale.refusals_total, stale.unread_chat) == (0, 1)

    # when
    said = _recount("--client", str(buyer.pk))

    # then: «Новый» emptied, «Отказ» created, the badge zeroed; the frame right again
    assert said == "Исправлено: 3 строки."
    summary = cabinet_summary(client=buyer)
    assert (summary.status_counts[0].name, summary.refusals_unseen, summary.unread_chat) == (
        "Отказ",
        1,
        0,
    )
    assert _recount() == "Счётчики верны, исправлять нечего."
