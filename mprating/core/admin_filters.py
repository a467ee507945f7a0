"""Back office list filters shared by the apps' admins.

`DateRangeFilter` is unfold's «с … по …» date filter made to understand the dates people type
and the date picker fills in here — ДД.ММ.ГГГГ (DESIGN.md §5). Unfold parses them with the
project-wide `settings.DATE_INPUT_FORMATS`, which do not include the Russian format, so
«01.02.2026» was silently ignored. On a date-and-time column the range is whole days of
Moscow time: «по 28.02.2026» includes the whole of 28 February.

A date that is not a date («31.02.2026», «вчера») filters nothing: the list stays whole and
the filter's own form shows Django's Russian «Введите правильную дату.» under that field.
"""

from datetime import date, datetime, time, timedelta

from django.core.validators import EMPTY_VALUES
from django.db.models import DateTimeField, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from unfold.contrib.filters.admin import RangeDateFilter


def parse_day(value: str) -> date | None:
    """A date typed in the active locale's formats (ДД.ММ.ГГГГ) or ISO; None if not a date."""
    for format_ in [*formats.get_format("DATE_INPUT_FORMATS"), "%Y-%m-%d"]:
        try:
            return datetime.strptime(value.strip(), format_).date()
        except (TypeError, ValueError):
            continue
    return None


def _day_start(day: date, *, days_later: int = 0) -> datetime | None:
    """Midnight of `day` (+ `days_later`) in the current (Moscow) time zone; None past 9999."""
    try:
        return timezone.make_aware(datetime.combine(day + timedelta(days=days_later), time.min))
    except OverflowError:
        return None


class DateRangeFilter(RangeDateFilter):
    """«с … по …», both ends included, typed as ДД.ММ.ГГГГ (or ISO)."""

    def _day(self, suffix: str) -> date | None:
        value = self.used_parameters.get(f"{self.parameter_name}_{suffix}")
        if value in EMPTY_VALUES or not isinstance(value, str):
            return None
        return parse_day(value)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        first, last = self._day("from"), self._day("to")
        name = self.parameter_name
        if isinstance(self.field, DateTimeField):
            start = _day_start(first) if first is not None else None
            end = _day_start(last, days_later=1) if last is not None else None
            if start is not None:
                queryset = queryset.filter(**{f"{name}__gte": start})
            if end is not None:
                queryset = queryset.filter(**{f"{name}__lt": end})
            return queryset
        if first is not None:
            queryset = queryset.filter(**{f"{name}__gte": first})
        if last is not None:
            queryset = queryset.filter(**{f"{name}__lte": last})
        return queryset
