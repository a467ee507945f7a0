from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "mprating.orders"
    label = "orders"
    verbose_name = "Заявки"

    def ready(self) -> None:
        # accounts (floor 1) erases a client's personal data through its hook; the orders'
        # part is ours to write (issue 12, 152-ФЗ).
        from mprating.accounts import hooks
        from mprating.orders.services.personal_data import orders_erase_personal_data

        hooks.on_personal_data_erase(orders_erase_personal_data)
