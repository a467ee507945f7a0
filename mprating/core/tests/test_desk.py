"""`core.desk`: the home's cards registered by an app beside the back office."""

from types import SimpleNamespace

import pytest

from mprating.core import desk


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(desk, "_providers", [])


def _cards():
    return [desk.DeskCard(title="Заявок ждут", value=2, url="/backoffice/x/")]


def test_a_provider_registered_twice_gives_its_cards_once(providers):
    desk.on_desk_cards(section="Раздел", permission="app.view_x", cards=_cards)
    desk.on_desk_cards(section="Раздел", permission="app.view_x", cards=_cards)

    everyone = SimpleNamespace(has_perm=lambda permission: True)

    assert desk.desk_cards(everyone) == [("Раздел", _cards())]


def test_cards_only_for_whoever_has_the_permission(providers):
    desk.on_desk_cards(section="Раздел", permission="app.view_x", cards=_cards)

    other = SimpleNamespace(has_perm=lambda permission: permission == "app.view_y")

    assert desk.desk_cards(other) == []
