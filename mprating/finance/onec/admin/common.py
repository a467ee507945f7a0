"""What the 1С pages share: a moment as text and the POST button that submits the page's form."""

from django.template.loader import render_to_string
from django.utils import timezone


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else "—"


def post_button(url: str, label: str, testid: str) -> str:
    """A button that submits the page's form (and its CSRF token) to `url` by POST."""
    return render_to_string(
        "finance/admin/onec/post_button.html", {"url": url, "label": label, "testid": testid}
    )
