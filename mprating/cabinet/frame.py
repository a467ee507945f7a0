"""The cabinet's left frame and navigation written in Python, once per state (issue 13).

Through the template engine the frame (`cabinet/_aside.html` with `_frame.html`, `_nav.html`
and three includes of `_refusal_badges.html`) cost ~1.5 ms of every cabinet page. Here it is
one function of what it shows — the script's address, the navigation, which of its items is
the page, the balance, the positions by status, the refusals and the unread chat — kept in a
small per-process cache keyed by exactly those values: a changed counter is a new key, so
nothing is ever stale and nothing needs invalidating.

`cabinet/_aside.html` stays the reference (and what a page without a client renders);
tests/test_frame_render.py compares both across states and hostile values.
"""

import functools

from django.templatetags.static import static

from mprating.cabinet.navigation import NavItem
from mprating.cabinet.selectors import CabinetSummary
from mprating.core.fast_widgets import text
from mprating.core.fixed_urls import reverse_fixed
from mprating.core.money import format_rub

CHAT_TITLE = "Новые сообщения менеджера"


def aside_html(*, summary: CabinetSummary, nav: list[NavItem], path: str) -> str:
    """What `cabinet/_aside.html` renders, without the newline that ends the file."""
    active = next((item.url for item in nav if item.url == path), None)
    return _aside(
        static("js/cabinet.js"),
        reverse_fixed("orders:lines"),
        tuple(nav),
        active,
        summary.balance,
        tuple((row.name, row.colour, row.count) for row in summary.status_counts),
        summary.refusals_total,
        summary.refusals_unseen,
        summary.unread_chat,
    )


@functools.lru_cache(maxsize=1024)
def _aside(
    script_url: str,
    orders_url: str,
    nav: tuple[NavItem, ...],
    active: str | None,
    balance,
    status_counts: tuple[tuple, ...],
    refusals_total: int,
    refusals_unseen: int,
    unread_chat: int,
) -> str:
    summary = CabinetSummary(
        balance=balance,
        refusals_total=refusals_total,
        refusals_unseen=refusals_unseen,
        unread_chat=unread_chat,
    )
    balance_text = text(format_rub(balance))
    # cabinet/_refusal_badges.html, part "menu", "frame" and "nav".
    menu_badge = (
        f'<span class="badge" data-testid="menu-badge">{text(summary.attention)}</span>'
        if summary.attention
        else ""
    )
    refusals_link = ""
    if refusals_total:
        css = 'class="frame-refusals-unseen"' if refusals_unseen else 'class="muted"'
        refusals_link = (
            f'<a href="{text(orders_url)}?unseen=on" {css} data-testid="refusals-frame">'
            f"{text(summary.refusals_label)}</a>"
        )
    nav_badge = (
        f'<span class="badge" title="{text(summary.refusals_label)}" '
        f'data-testid="refusals-badge">{text(refusals_unseen)}</span>'
        if refusals_unseen
        else ""
    )
    # cabinet/_frame.html
    rows = "".join(
        f'\n    <div class="status-row"><span class="status-dot" data-colour="{text(colour)}">'
        f"</span>{text(name)} <b>{text(count)}</b></div>\n  "
        for name, colour, count in status_counts
    ) or ('\n    <p class="muted small" data-testid="no-positions">Позиций в работе нет</p>\n  ')
    frame = (
        '<div class="balance" data-testid="balance">\n'
        '  <span class="muted">Баланс</span>\n'
        f"  <strong>{balance_text}</strong>\n"
        "</div>\n"
        '<div class="status-counts">\n'
        '  <span class="muted">Позиции заказов</span>\n'
        f"  {rows}\n"
        f'  \n<div id="refusals-frame" class="small">{refusals_link}</div>\n\n'
        "</div>\n"
    )
    # cabinet/_nav.html
    links = []
    for item in nav:
        current = 'aria-current="page"' if item.url == active else ""
        testid = f' data-testid="{text(item.testid)}"' if item.testid else ""
        badge = ""
        if item.badge == "refusals":
            badge = f'<span id="refusals-nav-badge">{nav_badge}</span>\n'
        elif item.badge == "chat" and unread_chat:
            badge = f' <span class="badge" title="{CHAT_TITLE}">{text(unread_chat)}</span>'
        links.append(
            f'<a href="{text(item.url)}" {current}{testid}>{text(item.label)}{badge}</a>\n  '
        )
    nav_html = (
        '<nav class="cabinet-nav" aria-label="Разделы кабинета">\n  '
        + "".join(links)
        + "\n</nav>\n"
    )
    return (
        f'<script src="{text(script_url)}"></script>\n'
        '  <aside class="frame" id="cabinet-frame" aria-label="Сводка">\n'
        '    <div class="frame-bar">\n'
        '      <button type="button" class="fold-toggle frame-toggle frame-menu-button" '
        'data-fold aria-expanded="false" aria-controls="frame-nav" data-testid="menu-button">\n'
        '        <span class="frame-burger" aria-hidden="true"></span>Разделы'
        f'<span id="menu-badge">{menu_badge}</span>\n</button>\n'
        '      <button type="button" class="fold-toggle frame-toggle frame-summary-button" '
        'data-fold aria-expanded="false" aria-controls="frame-summary" '
        'data-testid="summary-button">\n'
        '        <span class="frame-summary-more muted">Баланс</span>'
        f'<span class="frame-summary-balance">{balance_text}</span></button>\n'
        "    </div>\n"
        f'    <div class="frame-panel fold-panel" id="frame-summary">{frame}</div>\n'
        f'    <div class="frame-panel fold-panel" id="frame-nav">{nav_html}</div>\n'
        "  </aside>"
    )
