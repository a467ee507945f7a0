import pytest
from django.core.management import call_command

from mprating.accounts import roles
from mprating.accounts.models import Client, ClientStatusChange, User

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_one_login_per_role_and_is_idempotent(capsys):
    call_command("seed_demo", clients=15)
    counts = (User.objects.count(), Client.objects.count(), ClientStatusChange.objects.count())

    call_command("seed_demo", clients=15)

    assert (
        User.objects.count(),
        Client.objects.count(),
        ClientStatusChange.objects.count(),
    ) == counts
    out = capsys.readouterr().out
    for email in ["client@demo", "operator@demo", "manager@demo", "pvz@demo", "admin@demo"]:
        assert email in out
    assert (
        User.objects.get(email="operator@demo.mprating.ru")
        .groups.filter(name=roles.OPERATOR)
        .exists()
    )
    assert User.objects.filter(email="admin@demo.mprating.ru", is_superuser=True).exists()
    demo = Client.objects.get(user__email="client@demo.mprating.ru")
    assert demo.user.check_password("Klient-2026!")
