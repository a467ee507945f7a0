"""Back office «Документы → VIN-запросы», their chat, and the settings of VIN requests.

Seed 004: the request is seen «в списке меню “Документы—>VIN-запросы” ПУПа, доступном только
менеджерам, которым предоставлено право обрабатывать VIN-запросы» — every view here checks
`garage.process_vinrequest`; without it the pages answer 403. Statuses are set by actions that
call `services.vin_request_status_set` (the field itself is read-only); answers are added and
removed through `services`; the chat is a custom page polled by htmx.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from mprating.core.errors import ApplicationError
from mprating.garage import selectors, services
from mprating.garage.forms import ChatForm
from mprating.garage.models import (
    OriginalCatalogLink,
    VinAnswer,
    VinRequest,
    VinRequestLine,
    VinRequestStatusChange,
    VinSettings,
)

PERMISSION = "garage.process_vinrequest"


class AdminChatForm(ChatForm):
    """The cabinet's chat form with the back office's textarea."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget = UnfoldAdminTextareaWidget(
            attrs={"rows": 3, "maxlength": 2000, "placeholder": "Ответ клиенту"}
        )


Status = VinRequest.Status
STATUS_LABELS = {
    Status.NOT_SENT.label: "danger",
    Status.PENDING.label: "warning",
    Status.ACCEPTED.label: "info",
    Status.IN_PROGRESS.label: "info",
    Status.DONE.label: "success",
}


def _can_process(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.has_perm(PERMISSION)


class _ProcessPermissionInline(TabularInline):
    """Inlines of a request follow the one right «обрабатывать VIN-запросы»."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return _can_process(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LineInline(_ProcessPermissionInline):
    model = VinRequestLine
    verbose_name_plural = "Позиции запроса"
    fields = ["position", "part_name", "quantity", "note", "answers_list"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("answers")

    @admin.display(description="ответы «Бренд, Артикул»")
    def answers_list(self, obj: VinRequestLine) -> str:
        answers = list(obj.answers.all())
        if not answers:
            return format_html('<span style="color:#b45309">{}</span>', "без ответа")
        return ", ".join(str(answer) for answer in answers)


class AnswerForm(forms.ModelForm):
    """A new pair for a row: a product picked from the catalog, or brand and article typed."""

    class Meta:
        model = VinAnswer
        fields = ["line", "product", "brand_name", "article"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("brand_name", "article"):
            self.fields[name].required = False
        self.fields["product"].help_text = "Из каталога — или впишите бренд и артикул."
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or not self.has_changed() or self.errors:
            return cleaned
        line = cleaned.get("line")
        if line is None:
            return cleaned
        try:
            pair = services.vin_answer_prepare(
                line=line,
                product_id=cleaned["product"].pk if cleaned.get("product") else None,
                brand_name=cleaned.get("brand_name", ""),
                article=cleaned.get("article", ""),
            )
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        else:
            cleaned["brand_name"], cleaned["article"] = pair.brand_name, pair.article
        return cleaned


class AnswerInline(_ProcessPermissionInline):
    model = VinAnswer
    form = AnswerForm
    fk_name = "request"
    verbose_name = "ответ"
    verbose_name_plural = "Ответы менеджера: пары «Бренд, Артикул»"
    fields = ["line", "product", "brand_name", "article", "created_by"]
    readonly_fields = ["created_by"]
    autocomplete_fields = ["product"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("line", "product__brand", "created_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return _can_process(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _can_process(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _can_process(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "line":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = VinRequestLine.objects.filter(request_id=object_id).order_by(
                "position"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusHistoryInline(_ProcessPermissionInline):
    model = VinRequestStatusChange
    verbose_name_plural = "История статусов"
    fields = ["changed_at", "status_from", "status_to", "changed_by_name", "note"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description="кто")
    def changed_by_name(self, obj: VinRequestStatusChange) -> str:
        return str(obj.changed_by) if obj.changed_by else "система"


@admin.register(VinRequest)
class VinRequestAdmin(ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "client_short",
        "vehicle_column",
        "lines_total",
        "answered_total",
        "status_badge",
        "chat_link",
    ]
    list_display_links = ["number", "vehicle_column"]
    list_filter = ["status", ("created_at", RangeDateFilter)]
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["=id", "vin", "vehicle_name", "client__user__email", "client__user__last_name"]
    search_help_text = "Номер, VIN, автомобиль, e-mail или фамилия клиента"
    ordering = ["-id"]
    inlines = [LineInline, AnswerInline, StatusHistoryInline]
    actions = ["set_accepted", "set_in_progress", "set_done"]
    actions_detail = ["accept", "take", "complete", "open_chat"]
    fieldsets = [
        (
            "VIN-запрос",
            {
                "fields": [
                    "number",
                    "created_at",
                    "status_badge",
                    "client_name",
                    "vehicle_name",
                    "vin",
                    "comment",
                    "email_state",
                ]
            },
        ),
    ]
    readonly_fields = [
        "number",
        "created_at",
        "status_badge",
        "client_name",
        "vehicle_name",
        "vin",
        "comment",
        "email_state",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VinRequest]:
        return selectors.vin_requests_for_backoffice()

    # ---- permissions: only «обрабатывать VIN-запросы» ------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_process(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _can_process(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _can_process(request)

    def has_process_permission(self, request: HttpRequest, object_id=None) -> bool:
        return _can_process(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients create requests in the cabinet

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Every field of the request is read-only: nothing to write (answers go by services)."""

    def save_formset(self, request, form, formset, change) -> None:
        # The admin's change message reads these lists; the writes below go through services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not VinAnswer:
            return
        for answer_form in formset.forms:
            if not hasattr(answer_form, "cleaned_data") or not answer_form.cleaned_data:
                continue
            instance = answer_form.instance
            if instance.pk and answer_form.cleaned_data.get("DELETE"):
                services.vin_answer_delete(answer_id=instance.pk, by=request.user)
            elif not instance.pk and answer_form.has_changed():
                data = answer_form.cleaned_data
                try:
                    services.vin_answer_add(
                        line_id=data["line"].pk,
                        by=request.user,
                        product_id=data["product"].pk if data.get("product") else None,
                        brand_name=data.get("brand_name", ""),
                        article=data.get("article", ""),
                    )
                except ApplicationError as error:
                    self.message_user(request, error.message, messages.ERROR)

    # ---- columns ----------------------------------------------------------------------------

    @display(description="№", ordering="id")
    def number(self, obj: VinRequest) -> str:
        return f"№ {obj.pk}"

    @display(description="клиент", ordering="client__user__last_name")
    def client_name(self, obj: VinRequest) -> str:
        user = obj.client.user
        return f"{user.get_full_name() or user.email} ({user.email})"

    @display(description="клиент", ordering="client__user__last_name")
    def client_short(self, obj: VinRequest) -> str:
        return obj.client.user.get_full_name() or obj.client.user.email

    @display(description="автомобиль, VIN", ordering="vehicle_name")
    def vehicle_column(self, obj: VinRequest) -> str:
        return format_html(
            '{}<br><span style="font-family:monospace;font-size:.8em;color:#6b7280">{}</span>',
            obj.vehicle_name,
            obj.vin or "—",
        )

    @display(description="позиций", ordering="lines_count")
    def lines_total(self, obj: VinRequest) -> int:
        return obj.lines_count

    @display(description="обработано", ordering="answered_count")
    def answered_total(self, obj: VinRequest) -> int:
        return obj.answered_count

    @display(description="статус", ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj: VinRequest) -> str:
        return obj.get_status_display()

    @display(description="чат")
    def chat_link(self, obj: VinRequest) -> str:
        url = reverse("admin:garage_vinrequest_chat", args=[obj.pk])
        unread = getattr(obj, "unread_for_managers", 0)
        if unread:
            return format_html(
                '<a href="{}" data-testid="chat-unread"><b style="color:#b91c1c">новых: {}</b></a>',
                url,
                unread,
            )
        return format_html('<a href="{}">открыть</a>', url)

    @display(description="письмо менеджерам")
    def email_state(self, obj: VinRequest) -> str:
        if obj.email_sent_at:
            return f"отправлено {timezone.localtime(obj.email_sent_at):%d.%m.%Y %H:%M}"
        if obj.email_error:
            return f"не отправлено ({obj.email_attempts} попыт.): {obj.email_error}"
        return "в очереди на отправку"

    # ---- statuses: «выставляются дежурным по VIN-запросам менеджером вручную» -------------

    def _set_status(self, request: HttpRequest, request_ids: list[int], status: str) -> None:
        done = 0
        for request_id in request_ids:
            try:
                services.vin_request_status_set(
                    request_id=request_id, status=status, by=request.user
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            done += 1
            unanswered = selectors.unanswered_lines_count(request_id)
            if status == Status.DONE and unanswered:
                self.message_user(
                    request,
                    f"VIN-запрос № {request_id} отмечен «Выполнен», но {unanswered} из его "
                    "позиций без ответа «Бренд, Артикул». Система этого не запрещает — проверьте, "
                    "что клиенту ответили по всем позициям.",
                    messages.WARNING,
                )
        if done:
            label = Status(status).label
            self.message_user(request, f"Статус «{label}» выставлен: {done}.", messages.SUCCESS)

    def _detail_status(self, request: HttpRequest, object_id: str, status: str):
        if not _can_process(request):
            raise PermissionDenied
        vin_request = get_object_or_404(VinRequest, pk=object_id)
        self._set_status(request, [vin_request.pk], status)
        return HttpResponseRedirect(reverse("admin:garage_vinrequest_change", args=[object_id]))

    @action(description="Принят", url_path="accept", permissions=["process"], icon="inbox")
    def accept(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.ACCEPTED)

    @action(description="Обрабатывается", url_path="take", permissions=["process"], icon="pending")
    def take(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.IN_PROGRESS)

    @action(description="Выполнен", url_path="complete", permissions=["process"], icon="task_alt")
    def complete(self, request: HttpRequest, object_id: str):
        return self._detail_status(request, object_id, Status.DONE)

    @action(description="Открыть чат", url_path="open-chat", permissions=["process"], icon="chat")
    def open_chat(self, request: HttpRequest, object_id: str):
        return HttpResponseRedirect(reverse("admin:garage_vinrequest_chat", args=[object_id]))

    @admin.action(description="Статус «Принят»", permissions=["process"])
    def set_accepted(self, request, queryset):
        self._set_status(request, sorted(queryset.values_list("pk", flat=True)), Status.ACCEPTED)

    @admin.action(description="Статус «Обрабатывается»", permissions=["process"])
    def set_in_progress(self, request, queryset):
        self._set_status(request, sorted(queryset.values_list("pk", flat=True)), Status.IN_PROGRESS)

    @admin.action(description="Статус «Выполнен»", permissions=["process"])
    def set_done(self, request, queryset):
        self._set_status(request, sorted(queryset.values_list("pk", flat=True)), Status.DONE)

    # ---- chat: «В ПУПе результат такой беседы выглядит так» ------------------------------------

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
        ]
        return urls + super().get_urls()

    def _chat_request(self, request: HttpRequest, object_id: int) -> VinRequest:
        if not _can_process(request):
            raise PermissionDenied
        return get_object_or_404(VinRequest.objects.select_related("client__user"), pk=object_id)

    def _chat_context(self, request: HttpRequest, vin_request: VinRequest, form) -> dict:
        services.chat_mark_read(request_id=vin_request.pk, reader_is_client=False)
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Чат по VIN-запросу № {vin_request.pk}",
            "vin_request": vin_request,
            "chat": list(selectors.chat_messages(vin_request.pk)),
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

    def chat_messages_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        vin_request = self._chat_request(request, object_id)
        context = self._chat_context(request, vin_request, None)
        return TemplateResponse(request, "garage/admin/chat.html#messages", context)


# ---- «Настройки» ---------------------------------------------------------------------------


class VinSettingsForm(forms.ModelForm):
    class Meta:
        model = VinSettings
        fields = ["manager_emails"]
        widgets = {"manager_emails": forms.Textarea(attrs={"rows": 3})}

    def clean_manager_emails(self) -> str:
        try:
            return "\n".join(services.parse_manager_emails(self.cleaned_data["manager_emails"]))
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(VinSettings)
class VinSettingsAdmin(ModelAdmin):
    """One row: the changelist opens it directly."""

    form = VinSettingsForm
    fields = ["manager_emails", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = VinSettings.objects.filter(pk=1).first()
        if row is None:
            row = services.vin_settings_update(manager_emails="", by=request.user)
        return HttpResponseRedirect(reverse("admin:garage_vinsettings_change", args=[row.pk]))

    def save_model(self, request, obj, form, change) -> None:
        saved = services.vin_settings_update(
            manager_emails=form.cleaned_data["manager_emails"], by=request.user
        )
        obj.pk, obj.updated_by, obj.updated_at = saved.pk, saved.updated_by, saved.updated_at


class OriginalCatalogLinkForm(forms.ModelForm):
    url = forms.URLField(label="адрес каталога", max_length=500, assume_scheme="https")

    class Meta:
        model = OriginalCatalogLink
        fields = ["make_name", "title", "url"]

    def clean_make_name(self) -> str:
        from mprating.vehicles.vin import name_key

        name = self.cleaned_data["make_name"].strip()
        clash = (
            OriginalCatalogLink.objects.filter(make_key=name_key(name))
            .exclude(pk=self.instance.pk or 0)
            .first()
        )
        if clash is not None:
            raise forms.ValidationError(f"Для марки «{clash.make_name}» каталог уже задан.")
        return name


@admin.register(OriginalCatalogLink)
class OriginalCatalogLinkAdmin(ModelAdmin):
    """Special original catalogs: seed 004 «оригинальный каталог ВАЗ»."""

    form = OriginalCatalogLinkForm
    list_display = ["make_name", "title", "url"]
    search_fields = ["make_name", "title"]
    ordering = ["make_name"]

    def save_model(self, request, obj, form, change) -> None:
        saved = services.original_catalog_link_save(
            link_id=obj.pk,
            make_name=form.cleaned_data["make_name"],
            title=form.cleaned_data["title"],
            url=form.cleaned_data["url"],
        )
        obj.pk = saved.pk
