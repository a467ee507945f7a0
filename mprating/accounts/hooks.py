"""Hooks through which apps on higher floors take part in erasing a client's personal data.

Issue 12 (152-ФЗ): when an operator confirms «Удалить мои данные», the personal fields must
go from every app that keeps some (a delivery address and the recipient's phone in orders,
VINs and chat texts in the garage, a return's description and photos, …), while what
accounting must keep stays. accounts (floor 1) may not import those apps, and one app never
writes another's tables (STYLE.md). So each app registers its own eraser here in its
`AppConfig.ready()` with `on_personal_data_erase`, and `personal_data.client_anonymize` calls
every eraser inside its transaction: a failing eraser rolls the whole erasure back (nothing is
half-erased), and a second run is a no-op for each of them (erasers must be idempotent).
"""

from collections.abc import Callable

Eraser = Callable[[int], None]
_erasers: list[Eraser] = []


def on_personal_data_erase(eraser: Eraser) -> None:
    """Register `eraser(client_id)`; registering the same function twice has no effect."""
    if eraser not in _erasers:
        _erasers.append(eraser)


def personal_data_erasers() -> list[Eraser]:
    return list(_erasers)
