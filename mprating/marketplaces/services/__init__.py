"""Every write of the marketplaces app: accounts (`services.accounts`), «Войти вручную» and
the periodic bookkeeping (`services.taking`), buyouts (`services.buyouts`) and the targets
(`services.settings`), re-exported here so callers write `services.account_take(...)`."""

from mprating.marketplaces.services.accounts import (
    AccountFields,
    account_activate,
    account_clean,
    account_create,
    account_deactivate,
    account_update,
    normalize_login,
)
from mprating.marketplaces.services.buyouts import (
    buyout_create,
    buyout_line_statuses,
    buyout_status_set,
    next_statuses,
)
from mprating.marketplaces.services.settings import settings_update
from mprating.marketplaces.services.taking import (
    RefreshResult,
    TakenAccount,
    account_release,
    account_take,
    accounts_refresh,
    secrets_rotate,
)

__all__ = [
    "AccountFields",
    "RefreshResult",
    "TakenAccount",
    "account_activate",
    "account_clean",
    "account_create",
    "account_deactivate",
    "account_release",
    "account_take",
    "account_update",
    "accounts_refresh",
    "buyout_create",
    "buyout_line_statuses",
    "buyout_status_set",
    "next_statuses",
    "normalize_login",
    "secrets_rotate",
    "settings_update",
]
