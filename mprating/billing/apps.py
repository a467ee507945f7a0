from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "mprating.billing"
    label = "billing"
    verbose_name = "Монетизация"
