"""Cards of the back office home («Сводка») that come from an app beside the back office.

The back office (floor 7) reads the selectors of the apps below it itself; `partners` sits on
the same floor, and siblings never import each other, so `partners` registers its card here in
its `AppConfig.ready()` and the back office asks for the registered cards (DESIGN.md §3: the
lower floor keeps the hook, the higher one fills it).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DeskCard:
    title: str
    value: int | str
    url: str


@dataclass(frozen=True)
class _Provider:
    section: str
    permission: str
    cards: Callable[[], list[DeskCard]]


_providers: list[_Provider] = []


def on_desk_cards(*, section: str, permission: str, cards: Callable[[], list[DeskCard]]) -> None:
    """Register `cards()` for the home's section `section`, shown to whoever has
    `permission`; registering the same function twice keeps one."""
    if not any(provider.cards is cards for provider in _providers):
        _providers.append(_Provider(section=section, permission=permission, cards=cards))


def desk_cards(user) -> list[tuple[str, list[DeskCard]]]:
    """(section, cards) of every registered provider `user` may see, in registration order."""
    return [
        (provider.section, provider.cards())
        for provider in _providers
        if user.has_perm(provider.permission)
    ]
