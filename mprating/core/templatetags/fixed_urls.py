from django import template

from mprating.core.fixed_urls import reverse_fixed

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% fixed_url 'orders:lines' %}`: `{% url %}` for an address without arguments,
    reversed once per process (`core.fixed_urls`)."""
    return reverse_fixed(name)
