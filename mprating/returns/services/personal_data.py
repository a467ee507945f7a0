"""Erasing a client's personal data from their returns (issue 12, 152-ФЗ), called through
`accounts.hooks` when an operator confirms the client's «Удалить мои данные».

Returns stay with their quantities, amounts, statuses and history (accounting keeps them); the
client's description and the photos go (a photo may show the person, their car, their home).
The photo files are removed from the storage after the commit. Idempotent.
"""

from django.db import transaction

from mprating.returns.models import ReturnPhoto, ReturnRequest


@transaction.atomic
def returns_erase_personal_data(client_id: int) -> None:
    ReturnRequest.objects.filter(client_id=client_id).exclude(description="").update(description="")
    photos = list(ReturnPhoto.objects.filter(request__client_id=client_id))
    if not photos:
        return
    files = [(photo.file.storage, photo.file.name) for photo in photos if photo.file]
    ReturnPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
