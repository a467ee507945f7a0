"""Back office list filters shared by the apps' admins.

`DateRangeFilter` is unfold's «с … по …» date filter made to understand the dates people type
and the date picker fills in here — ДД.ММ.ГГГГ (DESIGN.md §5). Unfold parses them with the
project-wide `settings.DATE_INPUT_FORMATS`, which do not include the Russian format, so
«01.02.2026» was silently ignored. On a date-and-time column the range is whole days of
Moscow time: «по 28.02.2026» includes the whole of 28 February.

A date that is not a date («31.02.2026», «вчера») filters nothing: the list stays whole and
the filter's own form shows Django's Russian «Введите правильную дату.» under that field.

`titled(base, title)` gives a related field's filter a Russian title (the foreign keys have no
verbose_name); one that lists every related row reads them through the kept statement of their
plain query (`KeptChoicesMixin`, issue 13).
"""

from datetime import date, datetime, time, timedelta

from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.validators import EMPTY_VALUES
from django.db.models import DateTimeField, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from unfold.contrib.filters.admin import RangeDateFilter

from mprating.core.kept_queries import kept_statements


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


def titled(base: type, title: str) -> type:
    """A related-field filter with a Russian title (the foreign keys have no verbose_name); one
    that lists the related rows reads them with the statement kept (`KeptChoicesMixin`)."""
    bases = (base,)
    if base.field_choices is RelatedFieldListFilter.field_choices:
        bases = (KeptChoicesMixin, base)

    def __init__(self, *args, **kwargs) -> None:
        super(Filter, self).__init__(*args, **kwargs)
        self.title = title

    Filter = type(f"{base.__name__}_{title}", bases, {"__init__": __init__})
    return Filter


class KeptChoicesMixin:
    """`RelatedFieldListFilter.field_choices` (every related row, by the related admin's
    ordering) with its plain statement compiled once and kept (`core.kept_queries`): the same
    statement on every visit of the list (~400 Python calls), the rows read anew each time."""

    def field_choices(self, field, request, model_admin):
        if field.choices is not None or field.get_limit_choices_to():
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = field.remote_field.model._default_manager.all()
        if ordering:
            rows = rows.order_by(*ordering)
        attname = field.remote_field.get_related_field().attname
        return [(getattr(row, attname), str(row)) for row in kept_statements(rows)]
