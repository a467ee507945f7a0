from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader (`manage.py seed_demo`), alone on the top floor.

    It calls every app's own `demo.seed`, the cabinet's, the partners' and the back office's
    included; those three are siblings on floor 7 and may not import each other, so the one
    module that imports them all sits one floor above them (DESIGN.md §3: the demo loader lives
    on the top floor).
    """

    name = "mprating.demo"
    label = "demo"
    verbose_name = "Демо-данные"
