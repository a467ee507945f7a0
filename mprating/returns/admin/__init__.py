"""Back office «Управление заявками → Возвраты» and «Настройки → Причины возврата», by topic:

- `steps`: the steps of the workflow (`returns.transitions`) described once as data for
  `core.admin_actions` — a confirmation page, nothing on GET, one POST that calls
  `services.return_status_set` for all the chosen returns, all or nothing;
- `requests`: the managers' queue (filters by status, reason and day, search by order or return
  number, client, article) and a return's page with its photos, amounts and history; the steps
  are actions on both. Managers have the right «change» on returns (the steps), operators «view»;
- `reasons`: the list of reasons managers edit.
"""

from mprating.returns.admin import reasons, requests  # noqa: F401 — registers the admins
