from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "mprating.partners"
    label = "partners"
    verbose_name = "Подключенные ПВЗ"

    def ready(self) -> None:
        # New status history → the point events are brought up to date (DESIGN §3: orders
        # calls the hook a higher app registered; it never imports partners).
        from mprating.orders.hooks import on_line_status_changed
        from mprating.partners.events import after_status_changes

        on_line_status_changed(after_status_changes)

        # «Сводка» of the back office, a sibling on this floor: the card goes through core.
        from mprating.core.desk import on_desk_cards
        from mprating.partners.selectors import desk_cards

        on_desk_cards(
            section="Подключенные ПВЗ",
            permission="partners.view_partnerapplication",
            cards=desk_cards,
        )
