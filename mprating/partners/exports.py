"""XLSX of a point's statistics (seed 000 «Смотреть статистику партнёрского ПВЗ»), the same
file for the operator and the owner."""

from django.http import HttpResponse

from mprating.core.exports import XLSX_MIME, build_xlsx
from mprating.partners.selectors import Bucket, PointStats
from mprating.pickup_points.models import PickupPoint

COLUMNS = [
    ("Период", lambda b: b.label),
    ("Поступило в ПВЗ", lambda b: b.arrived),
    ("Из них выкупы", lambda b: b.buyouts),
    ("Выдано", lambda b: b.handed_out),
    ("Возвраты (не забраны)", lambda b: b.returned),
]


def statistics_xlsx_response(point: PickupPoint, stats: PointStats) -> HttpResponse:
    total = Bucket(
        start=stats.period.start,
        label="Итого",
        arrived=stats.arrived,
        buyouts=stats.buyouts,
        handed_out=stats.handed_out,
        returned=stats.returned,
    )
    content = build_xlsx(f"ПВЗ {point.pk}", COLUMNS, [*stats.buckets, total])
    period = stats.period
    name = f"pvz_{point.pk}_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
