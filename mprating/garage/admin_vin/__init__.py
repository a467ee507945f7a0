"""Back office «Документы → VIN-запросы», their chat, and the settings of VIN requests.

Seed 004: the request is seen «в списке меню “Документы—>VIN-запросы” ПУПа, доступном только
менеджерам, которым предоставлено право обрабатывать VIN-запросы» — every view here checks
`garage.process_vinrequest`; without it the pages answer 403.

- `requests`: the list and the page of a request, answers «Бренд, Артикул», the status actions
  (a confirmation page and a POST through `core.admin_actions`, only forward);
- `inlines`: the rows, the answers and the status history on the request's page;
- `chat`: the chat page, polled by htmx;
- `vin_settings`: «Настройки» — the managers' e-mail and the original catalogs of makes.
"""

from mprating.garage.admin_vin import chat, inlines, requests, vin_settings  # noqa: F401
