from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mprating.accounts"
    label = "accounts"
    verbose_name = "Пользователи"
