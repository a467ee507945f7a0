"""The chat of a VIN request in the back office: «В ПУПе результат такой беседы выглядит так»
(seed 004). A page with the messages (polled by htmx) and the manager's reply form."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from unfold.widgets import UnfoldAdminTextareaWidget

from mprating.core.errors import ApplicationError
from mprating.garage import selectors, services
from mprating.garage.admin_vin.inlines import can_process
from mprating.garage.forms import ChatForm
from mprating.garage.models import VinRequest


class AdminChatForm(ChatForm):
    """The cabinet's chat form with the back office's textarea."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget = UnfoldAdminTextareaWidget(
            attrs={"rows": 3, "maxlength": 2000, "placeholder": "Ответ клиенту"}
        )


class ChatAdminMixin:
    """Adds the chat pages to the VIN request admin."""

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/chat/",
                self.admin_site.admin_view(self.chat_view),
                name="garage_vinrequest_chat",
            ),
            path(
                "<int:object_id>/chat/messages/",
                self.admin_site.admin_view(self.chat_messages_view),
                name="garage_vinrequest_chat_messages",
            ),
            path(
                "<int:object_id>/chat/read/",
                self.admin_site.admin_view(require_POST(self.chat_read_view)),
                name="garage_vinrequest_chat_read",
            ),
        ]
        return urls + super().get_urls()

    def _chat_request(self, request: HttpRequest, object_id: int) -> VinRequest:
        if not can_process(request):
            raise PermissionDenied
        return get_object_or_404(VinRequest.objects.select_related("client__user"), pk=object_id)

    def _chat_context(self, request: HttpRequest, vin_request: VinRequest, form) -> dict:
        chat = list(selectors.chat_messages(vin_request.pk))
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Чат по VIN-запросу № {vin_request.pk}",
            "vin_request": vin_request,
            "chat": chat,
            "has_unread": selectors.chat_unread_for(chat, reader_is_client=False),
            "form": form,
            "change_url": reverse("admin:garage_vinrequest_change", args=[vin_request.pk]),
        }

    def chat_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        vin_request = self._chat_request(request, object_id)
        form = AdminChatForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.chat_message_post(
                    request=vin_request,
                    author=request.user,
                    from_client=False,
                    text=form.cleaned_data["text"],
                )
            except ApplicationError as error:
                form.add_error("text", error.message)
            else:
                return HttpResponseRedirect(
                    reverse("admin:garage_vinrequest_chat", args=[vin_request.pk])
                )
        context = self._chat_context(request, vin_request, form)
        status = 422 if form.errors else 200
        return TemplateResponse(request, "garage/admin/chat.html", context, status=status)

    def chat_read_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The client's messages shown on the chat page are read by the managers: the page
        posts here when it shows unread ones (a GET of the page changes nothing)."""
        vin_request = self._chat_request(request, object_id)
        services.chat_mark_read(request_id=vin_request.pk, reader_is_client=False)
        return HttpResponse(status=204)

    def chat_messages_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        vin_request = self._chat_request(request, object_id)
        context = self._chat_context(request, vin_request, None)
        return TemplateResponse(request, "garage/admin/chat.html#messages", context)
