"""`manage.py rotate_marketplace_keys`: re-encrypt every account password with the first key
of MARKETPLACE_SECRET_KEYS (after putting a new key first and keeping the old one after it)."""

from django.core.management.base import BaseCommand

from mprating.marketplaces.services import secrets_rotate


class Command(BaseCommand):
    help = (
        "Перешифровывает пароли аккаунтов маркетплейсов первым ключом из "
        "MARKETPLACE_SECRET_KEYS. Старый ключ должен оставаться в списке до конца работы команды."
    )

    def handle(self, *args, **options) -> None:
        count = secrets_rotate()
        self.stdout.write(f"Перешифровано паролей: {count}.")
