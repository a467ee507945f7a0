"""Back office «Подключенные ПВЗ → Пункты выдачи» (seed 000): «Управлять партнёрскими ПВЗ:
Создавать, Отключать, Удалять», «Управлять данными партнёрского ПВЗ: Адрес, Название»,
«Управлять владельцем партнёрского ПВЗ».

Thin: the form checks input through the service's own check, saving calls the services,
every action goes through the one action helper (`core.admin_actions`). The statistics page
belongs to the partner area app above this one: linked by its URL name, never imported.
"""

from mprating.pickup_points.admin.points import PickupPointAdmin

__all__ = ["PickupPointAdmin"]
