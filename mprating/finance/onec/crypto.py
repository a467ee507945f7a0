"""The 1С password at rest: `MultiFernet`, keys from the environment.

`FINANCE_ONEC_SECRET_KEYS` lists Fernet keys, newest first: the first encrypts, all decrypt,
so a key is rotated by putting the new one in front, re-saving the password, then dropping the
old key. Without keys a key derived from `SECRET_KEY` is used, but only in development
(`DJANGO_DEBUG=1`) and in the test settings; production refuses to store a password.
"""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from mprating.core.errors import ApplicationError
from mprating.finance.onec.odata import OneCError

TEST_SETTINGS = "config.settings_test"


def _keys() -> list[bytes]:
    configured = [k.strip() for k in getattr(settings, "FINANCE_ONEC_SECRET_KEYS", []) if k]
    if configured:
        return [k.encode() for k in configured]
    if settings.DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE") == TEST_SETTINGS:
        digest = hashlib.sha256(f"mprating.finance.onec:{settings.SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    raise ApplicationError(
        "onec_no_secret_keys",
        "Не заданы ключи шифрования пароля 1С: укажите FINANCE_ONEC_SECRET_KEYS "
        '(ключ создаёт python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())").',
    )


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as exc:
        raise ApplicationError(
            "onec_bad_secret_keys",
            "FINANCE_ONEC_SECRET_KEYS содержит неверный ключ: нужен ключ Fernet "
            "(32 байта в base64).",
        ) from exc


def encrypt_password(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode("ascii")


def decrypt_password(token: str) -> str:
    if not token:
        return ""
    try:
        fernet = _fernet()
    except ApplicationError as exc:
        raise OneCError("config", exc.message) from exc
    try:
        return fernet.decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise OneCError(
            "config",
            "Не удалось расшифровать пароль 1С: ключи FINANCE_ONEC_SECRET_KEYS не подходят к "
            "сохранённому паролю. Введите пароль заново в настройках подключения.",
        ) from exc
