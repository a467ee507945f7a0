import re

import pytest
from django.core.management import call_command

from mprating.accounts import roles, services
from mprating.accounts.models import ApiToken, Client, ClientStatusChange, User
from mprating.garage.services import chat_unread_recount
from mprating.orders.services import counts_recount

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_one_login_per_role_and_is_idempotent(capsys):
    call_command("seed_demo", clients=15)
    counts = (User.objects.count(), Client.objects.count(), ClientStatusChange.objects.count())
    first_out = capsys.readouterr().out

    call_command("seed_demo", clients=15)

    assert (
        User.objects.count(),
        Client.objects.count(),
        ClientStatusChange.objects.count(),
    ) == counts
    out = capsys.readouterr().out
    # The demo client's API token is printed once, works, and is not made again.
    printed = re.findall(r"API-токен демо-клиента \(показан один раз\): (mpr_\S+)", first_out)
    assert len(printed) == 1
    token = services.api_token_authenticate(plain=printed[0], ip="127.0.0.1")
    assert token.client.user.email == "client@demo.mprating.ru"
    assert ApiToken.objects.count() == 1
    assert "API-токен" not in out
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
    # the demo goes through the services: the cabinet frame's counters need no repair
    assert counts_recount() == 0
    assert chat_unread_recount() == 0


def test_seed_demo_packages_the_demo_orders_use_and_an_invoice_awaiting(capsys):
    from mprating.billing.models import Package, PackagePurchase, PurchaseStatus
    from mprating.orders.models import Order

    call_command("seed_demo", clients=15)
    counts = (Package.objects.count(), PackagePurchase.objects.count())
    call_command("seed_demo", clients=15)

    assert (Package.objects.count(), PackagePurchase.objects.count()) == counts
    assert list(Package.objects.filter(is_on_sale=True).values_list("name", flat=True)) == [
        "Старт",
        "Профи",
        "Оптовик",
    ]
    demo = Client.objects.get(user__email="client@demo.mprating.ru")
    paid = PackagePurchase.objects.get(client=demo, status=PurchaseStatus.PAID)
    orders = Order.objects.filter(client=demo)
    assert paid.name == "Оптовик"
    assert orders.exists()
    assert set(orders.values_list("package_purchase_id", flat=True)) == {paid.pk}
    assert paid.requests_left == 200 - orders.count()
    assert PackagePurchase.objects.filter(
        client=demo, status=PurchaseStatus.AWAITING_PAYMENT, name="Старт"
    ).exists()
