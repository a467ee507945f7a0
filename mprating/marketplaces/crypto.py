"""Secrets of marketplace accounts at rest (DESIGN.md §4: «cryptography MultiFernet (key
rotation), keys from the environment»).

`settings.MARKETPLACE_SECRET_KEYS` is a list of Fernet keys: the FIRST one encrypts, every one
decrypts. To rotate, put a new key first and keep the old one second, deploy, run
`manage.py rotate_marketplace_keys` (every token is re-encrypted with the first key), then drop
the old key. Without keys nothing is encrypted or decrypted: production must set them; only
development (DEBUG) and the tests derive one from SECRET_KEY (see `config/env.py`).

A decrypted secret travels as `Secret`, whose `str()` and `repr()` are masked: it cannot leak
into a log line, an f-string or a debug page by accident; only `reveal()` gives the text.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from mprating.core.errors import ApplicationError

MASK = "••••••••"


class Secret:
    """A decrypted password: masked everywhere except `reveal()`."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        return self._text

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"<Secret {MASK}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for index, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"MARKETPLACE_SECRET_KEYS: ключ № {index} не является ключом Fernet "
                '(32 байта в urlsafe base64; создать: python -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())").'
            ) from exc
    return MultiFernet(fernets)


def fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "MARKETPLACE_SECRET_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured(
            "Не заданы ключи шифрования паролей аккаунтов маркетплейсов: MARKETPLACE_SECRET_KEYS."
        )
    return _fernet_for(keys)


@sensitive_variables("plain")
def encrypt(plain: str) -> str:
    """The Fernet token (ASCII) of `plain`, made with the first key."""
    return fernet().encrypt(plain.encode("utf-8")).decode("ascii")


@sensitive_variables("plain")
def decrypt(token: str) -> Secret:
    try:
        plain = fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise ApplicationError(
            "secret_unreadable",
            "Пароль этого аккаунта не расшифровывается текущими ключами "
            "(MARKETPLACE_SECRET_KEYS). Сообщите администратору или задайте пароль заново.",
        ) from None
    return Secret(plain)


def rotate(token: str) -> str:
    """The same secret re-encrypted with the first key (`MultiFernet.rotate`)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")
