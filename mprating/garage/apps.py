from django.apps import AppConfig


class GarageConfig(AppConfig):
    name = "mprating.garage"
    label = "garage"
    verbose_name = "Автомобили"

    def ready(self) -> None:
        # The VIN request follows its managers' letter in the core outbox (core never imports
        # the garage: it calls the listeners registered for the letter's kind).
        from mprating.core import outbox
        from mprating.garage import services

        outbox.on_email_state(services.LETTER_KIND, services.vin_request_letter_state)
        # accounts erases a client's personal data through its hook (issue 12, 152-ФЗ).
        from mprating.accounts import hooks as accounts_hooks
        from mprating.garage.personal_data import garage_erase_personal_data

        accounts_hooks.on_personal_data_erase(garage_erase_personal_data)
