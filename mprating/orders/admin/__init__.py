"""Back office «Управление заявками» and «Настройки → Статусы» (seed 000, issue 4), by topic:

- `orders`: the list of orders (заявки) and an order's page with its lines and their history;
- `lines`: all lines and «Отказы на рассмотрении»;
- `line_actions`: «Сменить статус», «Подтвердить отказ», «Отклонить отказ», «Отказать (по
  другой причине)», «Комментарий менеджера» — described once for `core.admin_actions` and used
  from the order's page and from the lists alike, each calling one service;
- `listed`: the page of «Заявки» read for its cells only — the lines as plain values (issue 13);
- `statuses`: «Настройки → Статусы»;
- `common`: the status badge, the paginator that does not count a million orders.

The markup of every cell lives in `templates/orders/admin/`.
"""

from mprating.orders.admin import lines, orders, statuses  # noqa: F401 — registers the admins
from mprating.orders.admin.common import status_badge

__all__ = ["status_badge"]
