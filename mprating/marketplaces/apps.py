from django.apps import AppConfig


class MarketplacesConfig(AppConfig):
    name = "mprating.marketplaces"
    label = "marketplaces"
    verbose_name = "Аккаунты маркетплейсов"

    def ready(self) -> None:
        from mprating.marketplaces import checks  # noqa: F401  (registers the system check)
        from mprating.marketplaces.order_actions import buyout_line_actions
        from mprating.orders import hooks

        # orders (floor 5) never imports marketplaces: its order page asks the hook which
        # actions a line has, and marketplaces answers «Оформить выкуп».
        hooks.on_line_actions(buyout_line_actions, where=hooks.BACKOFFICE)
