"""`manage.py check`: the keys that encrypt the accounts' passwords are set and valid."""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_keys_check(app_configs, **kwargs) -> list[Error]:
    from mprating.marketplaces.crypto import fernet

    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Задайте MARKETPLACE_SECRET_KEYS — ключи Fernet через запятую, первый "
                "шифрует (см. README, «Конфигурация»).",
                id="marketplaces.E001",
            )
        ]
    return []
