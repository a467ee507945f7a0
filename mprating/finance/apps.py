from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "mprating.finance"
    label = "finance"
    verbose_name = "Финансы"
