"""Back office «Монетизация» (seed 000): packages, the clients' purchases, the revenue.

Operators create and change packages and put them on sale or take them off; they confirm that
an invoice was paid («Подтвердить оплату») and cancel purchases that will not be paid
(«Отменить»). Every change goes through `billing.services` (with its history) and every action
through the one action helper `core.admin_actions` (a confirmation page, POST, one service
call). Managers see everything read-only. «Выручка» is a page of this admin
(`revenue_view`): revenue and packages sold per month, aggregated in SQL.
"""

from mprating.billing.admin import packages, purchases  # noqa: F401 — registers the admins
