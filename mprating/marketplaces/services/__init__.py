"""Every write of the marketplaces app: accounts (`services.accounts`) and buyouts
(`services.buyouts`), re-exported here so callers write `services.account_take(...)`."""

from mprating.marketplaces.services.accounts import (
    AccountFields,
    RefreshResult,
    TakenAccount,
    account_activate,
    account_clean,
    account_create,
    account_deactivate,
    account_release,
    account_take,
    account_update,
    accounts_refresh,
    normalize_login,
    secrets_rotate,
)
from mprating.marketplaces.services.buyouts import (
    buyout_create,
    buyout_line_statuses,
    buyout_status_set,
    next_statuses,
)
from mprating.marketplaces.services.settings import settings_update

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
