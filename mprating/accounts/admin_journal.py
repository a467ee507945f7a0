"""152-ФЗ: the back office pages of one client's object that show their personal data — an
order (name, phone, delivery address), a VIN request (name, car, VIN), a return (name, photos)
— are journaled like the client's card: one INSERT into the journal when the page is shown to
a person (a GET answered 200), none for a redirect, a 403 or a 404.

A ModelAdmin whose object has `client_id` mixes in `ClientDataViewJournal` and names what the
page is (`journal_what`)."""

from django.http import HttpRequest

from mprating.accounts import personal_data
from mprating.core.client_ip import client_ip


class ClientDataViewJournal:
    journal_what: str = ""

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            shown = getattr(response, "context_data", {}).get("original")
            client_id = getattr(shown, "client_id", None)
            if client_id is not None:
                personal_data.personal_data_view_record(
                    viewer=request.user,
                    client_id=client_id,
                    what=self.journal_what,
                    ip=client_ip(request),
                )
        return response
