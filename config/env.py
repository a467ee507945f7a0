"""The one place that reads the process environment for settings."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def dev_fernet_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: ONLY for development (DEBUG) and the tests, where
    nobody sets MARKETPLACE_SECRET_KEYS. Production sets its own keys (see README)."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"mprating-marketplaces:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")
