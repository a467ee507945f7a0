"""`{% field_row form.name %}`: `{% include "includes/field.html" with field=form.name %}`
written in Python (core.fast_widgets.field_html, issue 13)."""

from django import template
from django.utils.safestring import SafeString

from mprating.core.fast_widgets import field_html

register = template.Library()


@register.simple_tag
def field_row(field) -> SafeString:
    # field_html escapes every value it writes (the widget is Django's safe HTML).
    return SafeString(field_html(field))  # nosec B703
