import io

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.notifications import demo, selectors
from mprating.notifications.models import StatusEmailPreference

pytestmark = pytest.mark.django_db


def test_demo_keeps_only_refused_and_shipped_and_is_idempotent():
    client = make_client(email=demo.DEMO_CLIENT)

    demo.seed(stdout=io.StringIO())
    rows = list(StatusEmailPreference.objects.values_list("status_id", "email_enabled", "pk"))
    demo.seed(stdout=io.StringIO())

    enabled = [s.name for s in selectors.preferences_for_client(client=client) if s.email_enabled]
    assert enabled == ["Отгружен", "Отказ"]
    assert (
        list(StatusEmailPreference.objects.values_list("status_id", "email_enabled", "pk")) == rows
    )


def test_demo_without_the_client_does_nothing():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "пропущено" in out.getvalue()
