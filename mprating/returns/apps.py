from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Returns (seed 004 «Возвраты», floor 6): a client returns shipped goods by the line's
    return policy; managers work the queue in the back office."""

    name = "mprating.returns"
    label = "returns"
    verbose_name = "Возвраты"

    def ready(self) -> None:
        # orders (floor 5) never imports returns (floor 6): it asks its hook which extra
        # actions a line of the «Заказы» table has, and returns answers «Создать возврат».
        from mprating.orders import hooks
        from mprating.returns import eligibility

        hooks.on_line_actions(eligibility.line_actions_provider)
        # …and which pieces of a line a return already pays back, so that a refusal of the
        # line later on never pays the same piece twice.
        hooks.on_returned_pieces(eligibility.returned_pieces_provider)
        # accounts erases a client's personal data through its hook (issue 12, 152-ФЗ).
        from mprating.accounts import hooks as accounts_hooks
        from mprating.returns.services.personal_data import returns_erase_personal_data

        accounts_hooks.on_personal_data_erase(returns_erase_personal_data)
