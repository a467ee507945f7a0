from django.apps import AppConfig


class CabinetConfig(AppConfig):
    """The client's cabinet shell (floor 7): the left frame, the navigation, the home page,
    the error pages and the demo data command. The sections themselves belong to their apps."""

    name = "mprating.cabinet"
    label = "cabinet"
    verbose_name = "Личный кабинет"
