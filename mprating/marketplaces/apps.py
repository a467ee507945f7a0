from django.apps import AppConfig


class MarketplacesConfig(AppConfig):
    name = "mprating.marketplaces"
    label = "marketplaces"
    verbose_name = "Аккаунты маркетплейсов"

    def ready(self) -> None:
        from mprating.marketplaces import checks  # noqa: F401  (registers the system check)
