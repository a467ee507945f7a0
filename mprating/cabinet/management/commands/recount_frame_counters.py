"""`manage.py recount_frame_counters`: rebuild the cabinet frame's counters from the data they
count — the positions by status and refusals (`orders.ClientStatusCount`, from the order lines)
and the unread chat badge (`garage.ClientChatUnread`, from the messages).

The repair for rows written outside the services (a hand-made SQL fix, a bulk load such as
`bench/generate_orders.py`): the services keep the counters exact by themselves. It lives in
`cabinet` because the frame is the cabinet's: the apps below own one counter each.
"""

from django.core.management.base import BaseCommand

from mprating.core.text import count_ru
from mprating.garage.services import chat_unread_recount
from mprating.orders.services import counts_recount


class Command(BaseCommand):
    help = (
        "Пересчитывает счётчики левого фрейма кабинета (позиции по статусам, отказы, "
        "непрочитанные сообщения чата) по позициям заказов и сообщениям; --client — только "
        "для указанных клиентов."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--client", type=int, action="append", dest="clients", help="id клиента"
        )

    def handle(self, *args, clients=None, **options) -> None:
        fixed = counts_recount(client_ids=clients) + chat_unread_recount(client_ids=clients)
        if fixed:
            self.stdout.write(f"Исправлено: {count_ru(fixed, 'строка', 'строки', 'строк')}.")
        else:
            self.stdout.write("Счётчики верны, исправлять нечего.")
