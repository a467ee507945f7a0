"""«Подключение к 1С»: the one connection row, its form and «Проверить подключение»."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.widgets import (
    UnfoldAdminPasswordWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminURLInputWidget,
)

from mprating.core.errors import ApplicationError
from mprating.finance.onec import crypto, services
from mprating.finance.onec.admin.common import post_button, when
from mprating.finance.onec.mapping import mapping_from_json, mapping_to_text
from mprating.finance.onec.models import OneCConnection

# ---- «Подключение к 1С» ---------------------------------------------------------------------


class ConnectionForm(forms.ModelForm):
    base_url = forms.URLField(
        label="Адрес публикации 1С",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=UnfoldAdminURLInputWidget,
        help_text=OneCConnection._meta.get_field("base_url").help_text,
    )
    password = forms.CharField(
        label="Пароль 1С",
        required=False,
        strip=False,
        widget=UnfoldAdminPasswordWidget(
            render_value=False, attrs={"autocomplete": "new-password"}
        ),
        help_text="Оставьте пустым, чтобы не менять. Хранится зашифрованным и не показывается.",
    )
    mapping_text = forms.CharField(
        label="Соответствие полей (JSON)",
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 22, "style": "font-family:monospace"}),
        help_text="Имена наборов и полей стандартного интерфейса OData вашей конфигурации. "
        "Пусто — значения по умолчанию для УТ 11. receipt_is_debit: true — приход регистра "
        "(реализация) увеличивает долг клиента. analytics_set пусто — измерение регистра само "
        "содержит контрагента. Проверьте кнопкой «Проверить подключение».",
    )

    class Meta:
        model = OneCConnection
        fields = ["username", "timeout_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_url"].initial = self.instance.base_url
        try:
            mapping = mapping_from_json(self.instance.mapping)
        except ApplicationError:
            mapping = mapping_from_json(None)
        self.fields["mapping_text"].initial = mapping_to_text(mapping)

    def clean_base_url(self) -> str:
        try:
            return services.clean_base_url(self.cleaned_data["base_url"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            try:
                crypto.encrypt_password(password)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from None
        return password

    def clean_mapping_text(self) -> str:
        text = self.cleaned_data["mapping_text"]
        try:
            mapping_from_json(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return text


@admin.register(OneCConnection)
class OneCConnectionAdmin(ModelAdmin):
    """One row: the changelist opens it directly."""

    form = ConnectionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            "Подключение к 1С:Управление торговлей (стандартный интерфейс OData)",
            {"fields": ["base_url", "username", "password", "password_state", "timeout_seconds"]},
        ),
        ("Проверка", {"fields": ["check_state"]}),
        ("Где данные в 1С", {"fields": ["mapping_text"]}),
        ("Изменения", {"fields": ["updated_at", "updated_by"]}),
    ]
    readonly_fields = ["password_state", "check_state", "updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("check/", view(self.check_view), name="finance_onecconnection_check"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # The one settings row exists from migration finance 0004 on: a GET creates nothing.
        return HttpResponseRedirect(
            reverse("admin:finance_onecconnection_change", args=[services.CONNECTION_PK])
        )

    def save_model(self, request, obj, form, change) -> None:
        saved = services.connection_update(
            base_url=form.cleaned_data["base_url"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"] or None,
            timeout_seconds=form.cleaned_data["timeout_seconds"],
            mapping=form.cleaned_data["mapping_text"],
            by=request.user,
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by

    def check_view(self, request: HttpRequest) -> HttpResponse:
        """«Проверить подключение»: the saved settings against 1С, the result as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        result = services.connection_check(by=request.user)
        if result.ok:
            self.message_user(request, "Подключение к 1С работает, всё нужное опубликовано.")
        for problem in result.problems:
            self.message_user(request, problem, messages.ERROR)
        for warning in result.warnings:
            self.message_user(request, warning, messages.WARNING)
        connection = services.connection_ensure()
        return HttpResponseRedirect(
            reverse("admin:finance_onecconnection_change", args=[connection.pk])
        )

    @display(description="сохранённый пароль")
    def password_state(self, obj: OneCConnection) -> str:
        return "задан (хранится зашифрованным)" if obj.password_encrypted else "не задан"

    @display(description="результат последней проверки")
    def check_state(self, obj: OneCConnection) -> str:
        return render_to_string(
            "finance/admin/onec/check_state.html",
            {
                "connection": obj,
                "checked": when(obj.checked_at),
                "button": post_button(
                    reverse("admin:finance_onecconnection_check"),
                    "Проверить подключение",
                    "onec-check",
                ),
            },
        )
