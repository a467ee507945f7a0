"""Back office «Подключенные ПВЗ → Заявки партнёров» and the statistics page of a point
(seed 000 «Смотреть статистику партнёрского ПВЗ»).

Approving an application makes the point, the owner's account and the invitation in one
transaction; declining keeps the reason. Both are POST after a confirmation page (the one
action helper), recorded with who and when.
"""

from mprating.partners.admin.applications import PartnerApplicationAdmin
from mprating.partners.admin.partner_settings import PartnerSettingsAdmin
from mprating.partners.admin.statistics import PointStatisticsAdmin

__all__ = ["PartnerApplicationAdmin", "PartnerSettingsAdmin", "PointStatisticsAdmin"]
