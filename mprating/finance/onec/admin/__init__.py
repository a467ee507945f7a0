"""Back office of the 1С adapter: the connection (with «Проверить подключение»), clients matched
to 1С counterparties, the sync state per client (with «Синхронизировать сейчас») and the history.

Every write calls `services`; both buttons are POST (they submit the page's own form, with its
CSRF token, to their own URL). The 1С password is never rendered back, not even masked.
"""

from mprating.finance.onec.admin.clients import (
    OneCChangeAdmin,
    OneCClientStateAdmin,
    OneCCounterpartyLinkAdmin,
)
from mprating.finance.onec.admin.connection import OneCConnectionAdmin

__all__ = [
    "OneCChangeAdmin",
    "OneCClientStateAdmin",
    "OneCConnectionAdmin",
    "OneCCounterpartyLinkAdmin",
]
