"""Small pieces the marketplaces admin pages share."""

from django.utils import timezone
from django.utils.html import format_html

from mprating.core.text import days_ru
from mprating.marketplaces.models import AccountStatus, BuyoutStatus

ACCOUNT_STATUS_LABELS = {
    AccountStatus.ACTIVE.label: "success",
    AccountStatus.INACTIVE.label: "danger",
    AccountStatus.BUSY.label: "warning",
}
BUYOUT_STATUS_LABELS = {
    BuyoutStatus.PLACED.label: "info",
    BuyoutStatus.IN_TRANSIT.label: "warning",
    BuyoutStatus.AT_POINT.label: "primary",
    BuyoutStatus.RECEIVED.label: "success",
    BuyoutStatus.CANCELLED.label: "danger",
}


def date_ru(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def moment_ru(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def nowrap(text):
    return format_html('<span style="white-space:nowrap">{}</span>', text)


def badge(text: str, variant: str):
    """A coloured label as unfold draws it in lists, for readonly fields of a page."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    html = render_to_string("unfold/helpers/label.html", {"text": text, "variant": variant})
    html = html.strip()
    # unfold's own template; the text is auto-escaped by it.
    return mark_safe(html)  # nosec B308 B703


def expiry_message(days: int) -> str:
    """Seed 000: «Система должна в явном виде, дать информацию о том, что через 30 дней,
    учетная запись перейдёт из статуса Активен в Не активен».

    `days` is `selectors.days_until_inactive`: 1 — tomorrow (today is the last day of service),
    0 — it already has.
    """
    if days <= 0:
        return "Срок службы истёк: учётная запись перешла из статуса «Активен» в «Неактивен»."
    if days == 1:
        return (
            "Сегодня последний день срока службы: завтра учётная запись перейдёт "
            "из статуса «Активен» в «Неактивен»."
        )
    return f"Через {days_ru(days)} учётная запись перейдёт из статуса «Активен» в «Неактивен»."
