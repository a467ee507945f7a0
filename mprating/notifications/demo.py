"""Demo data: the demo client keeps only the e-mails most clients keep.

Seed 004: «обычно оставляют только уведомления “Отказ” и “Отгружен”, а остальные отслеживают
в личном кабинете». Set once: if the client already has switches, they are left alone, so
running the seed twice (or after the client changed them) changes nothing.
"""

from mprating.accounts.models import Client
from mprating.notifications import services
from mprating.notifications.models import StatusEmailPreference

DEMO_CLIENT = "client@demo.mprating.ru"


def seed(*, stdout) -> None:
    client = Client.objects.filter(user__email=DEMO_CLIENT).first()
    if client is None:
        stdout.write(f"Уведомления: клиента {DEMO_CLIENT} нет, пропущено.")
        return
    if StatusEmailPreference.objects.filter(client=client).exists():
        stdout.write("Уведомления: настройки демо-клиента уже заданы.")
        return
    enabled = services.preferences_keep_only_key(client=client)
    stdout.write(f"Уведомления: у {DEMO_CLIENT} включены письма для статусов: {enabled}.")
