"""Erasing a client's personal data from the garage (issue 12, 152-ФЗ), called through
`accounts.hooks` when an operator confirms the client's «Удалить мои данные».

The cars of the garage go (a VIN identifies a person's car and nothing needs them after);
the VIN requests stay as a record of the managers' work, without the VIN, the comment and the
text of the client's chat messages. Idempotent.
"""

from django.db import transaction

from mprating.garage.models import ChatMessage, Vehicle, VinRequest

MESSAGE_ERASED = "Сообщение удалено по просьбе клиента."


@transaction.atomic
def garage_erase_personal_data(client_id: int) -> None:
    Vehicle.objects.filter(client_id=client_id).delete()
    requests = VinRequest.objects.filter(client_id=client_id)
    requests.exclude(vin="", comment="").update(vin="", comment="")
    ChatMessage.objects.filter(request__client_id=client_id, from_client=True).exclude(
        text=MESSAGE_ERASED
    ).update(text=MESSAGE_ERASED)
