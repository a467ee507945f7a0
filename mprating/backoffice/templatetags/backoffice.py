from django import template

from mprating.backoffice.counts import records_ru

register = template.Library()


@register.simple_tag
def records(opts, count: int) -> str:
    """`{% records cl.opts cl.result_count %}` → «41 клиент»."""
    return records_ru(opts.label_lower, count)
