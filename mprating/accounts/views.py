"""Sign-up, sign-in, the site's front door and the cabinet's «Личная информация» (with its
«API-токены»)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mprating.accounts import personal_data, roles, selectors, services
from mprating.accounts.decorators import client_required
from mprating.accounts.forms import (
    ApiTokenCreateForm,
    DeletionRequestForm,
    LoginForm,
    PersonalDataForm,
    QueuedPasswordResetForm,
    RegistrationForm,
    SearchSettingsForm,
)
from mprating.accounts.models import Client
from mprating.core import ratelimits
from mprating.core.errors import ApplicationError, NotFound

AUTH_BACKEND = "mprating.accounts.backends.EmailOrPhoneBackend"


def home(request: HttpRequest) -> HttpResponse:
    """The store's front door: clients go to their cabinet, staff to the back office, pickup
    point owners to the partner area (`LOGIN_REDIRECT_URL` is this page, so the same holds
    right after signing in). The partner area is a higher app: named, never imported."""
    user = request.user
    if user.is_authenticated:
        if Client.objects.filter(user_id=user.pk).exists():
            return redirect("cabinet:home")
        if user.is_staff:
            return redirect("admin:index")
        if roles.has_role(user, roles.PICKUP_POINT_OWNER):
            return redirect("partners:home")
    return render(request, "home.html")


def _apply_service_error(form: Form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
@ratelimits.limit("registration", "RATELIMIT_REGISTRATION")
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_register(
                data=form.personal_data(),
                password=form.cleaned_data["password1"],
                consent_given=form.cleaned_data["consent"],
            )
        except ApplicationError as error:
            _apply_service_error(form, error)
        else:
            login(request, client.user, backend=AUTH_BACKEND)
            messages.success(request, "Добро пожаловать! Регистрация завершена.")
            return redirect("cabinet:home")
    return render(request, "registration/register.html", {"form": form})


@method_decorator(ratelimits.limit("login", "RATELIMIT_LOGIN"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(ratelimits.limit("password-reset", "RATELIMIT_PASSWORD_RESET"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


# ---- «Личная информация» in the cabinet (mounted by mprating/cabinet/urls.py) -------------


def _profile_forms(client: Client) -> tuple[PersonalDataForm, SearchSettingsForm]:
    user = client.user
    personal = PersonalDataForm(
        initial={
            "last_name": user.last_name,
            "first_name": user.first_name,
            "middle_name": user.middle_name,
            "email": user.email,
            "phone": user.phone_display,
            "company_name": client.company_name,
            "inn": client.inn,
        },
        prefix="personal",
    )
    search = SearchSettingsForm(
        initial={"markup_percent": client.markup_percent, "cross_scheme": client.cross_scheme},
        prefix="search",
    )
    return personal, search


def _render_profile(
    request: HttpRequest,
    *,
    personal: PersonalDataForm,
    search: SearchSettingsForm,
    partial: str | None = None,
    saved: str | None = None,
    status: int = 200,
    deletion_form: DeletionRequestForm | None = None,
) -> HttpResponse:
    template = "accounts/profile.html"
    if partial and request.htmx:
        template = f"{template}#{partial}"
    context = {"personal_form": personal, "search_form": search, "saved": saved}
    context.update(_personal_data_context(request, deletion_form))
    context.update(_api_tokens_context(request))
    return render(request, template, context, status=status)


def _personal_data_context(request: HttpRequest, form: DeletionRequestForm | None) -> dict:
    """The «Мои персональные данные» section (accounts/_personal_data.html): downloads, and
    the deletion request waiting or the form to make one (one query)."""
    return {
        "deletion_request": personal_data.deletion_request_pending(client_id=request.client.pk),
        "deletion_form": form or DeletionRequestForm(prefix="deletion"),
    }


@client_required
def profile(request: HttpRequest) -> HttpResponse:
    personal, search = _profile_forms(request.client)
    return _render_profile(request, personal=personal, search=search)


@client_required
@require_http_methods(["POST"])
def profile_personal(request: HttpRequest) -> HttpResponse:
    client = request.client
    _, search = _profile_forms(client)
    form = PersonalDataForm(request.POST, prefix="personal")
    if form.is_valid():
        try:
            services.client_update_personal_data(client=client, data=form.personal_data())
        except ApplicationError as error:
            _apply_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Личные данные сохранены.")
                return redirect("cabinet:profile")
            form, _ = _profile_forms(client)
            return _render_profile(
                request, personal=form, search=search, partial="personal-form", saved="personal"
            )
    return _render_profile(
        request, personal=form, search=search, partial="personal-form", status=422
    )


@client_required
@require_http_methods(["POST"])
def profile_search_settings(request: HttpRequest) -> HttpResponse:
    client = request.client
    personal, _ = _profile_forms(client)
    form = SearchSettingsForm(request.POST, prefix="search")
    if form.is_valid():
        try:
            services.client_update_search_settings(
                client=client,
                markup_percent=form.cleaned_data["markup_percent"],
                cross_scheme=form.cleaned_data["cross_scheme"],
            )
        except ApplicationError as error:
            _apply_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Настройки поиска сохранены.")
                return redirect("cabinet:profile")
            _, form = _profile_forms(client)
            return _render_profile(
                request, personal=personal, search=form, partial="search-form", saved="search"
            )
    return _render_profile(
        request, personal=personal, search=form, partial="search-form", status=422
    )


# ---- «API-токены» of «Личная информация» (issue 12) ---------------------------------------


def _api_tokens_context(
    request: HttpRequest,
    form: ApiTokenCreateForm | None = None,
    issued: services.IssuedApiToken | None = None,
    revoked: str = "",
) -> dict:
    return {
        "api_tokens": selectors.api_tokens_for_client(client=request.client),
        "api_token_form": form or ApiTokenCreateForm(request),
        "issued_token": issued,
        "revoked_token_name": revoked,
        "api_token_limit": settings.API_TOKENS_PER_CLIENT,
    }


def _render_api_tokens(
    request: HttpRequest,
    *,
    form: ApiTokenCreateForm | None = None,
    issued: services.IssuedApiToken | None = None,
    revoked: str = "",
    status: int = 200,
) -> HttpResponse:
    """The section alone for htmx; a page with just the section without JavaScript."""
    template = "accounts/_api_tokens.html" if request.htmx else "accounts/api_tokens.html"
    context = _api_tokens_context(request, form, issued, revoked)
    return render(request, template, context, status=status)


@never_cache
@client_required
@require_http_methods(["POST"])
def api_token_create(request: HttpRequest) -> HttpResponse:
    """The token is in this answer only (never in a URL, the session or a log): the section
    shows it once, the answer is not cached, and a reload shows the list without it."""
    form = ApiTokenCreateForm(request, request.POST)
    if form.is_valid():
        try:
            issued = services.api_token_create(
                client=request.client,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except ApplicationError as error:
            _apply_service_error(form, error)
        else:
            return _render_api_tokens(request, issued=issued)
    return _render_api_tokens(request, form=form, status=422)


@client_required
@require_http_methods(["POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(client=request.client, token_id=token_id)
    if request.htmx:
        return _render_api_tokens(request, revoked=token.name)
    messages.success(request, f"Токен «{token.name}» отозван.")
    return redirect(f"{reverse('cabinet:profile')}#api-tokens")


@client_required
@require_http_methods(["POST"])
# The form asks for the password: as many guesses as the sign-in form allows, per person.
@ratelimits.limit("login", "RATELIMIT_LOGIN", key=ratelimits.BY_USER)
def profile_deletion_request(request: HttpRequest) -> HttpResponse:
    """«Удалить мои данные» (issue 12, 152-ФЗ): the request waits for an operator."""
    form = DeletionRequestForm(request.POST, prefix="deletion")
    if form.is_valid():
        try:
            personal_data.deletion_request_create(
                client=request.client, password=form.cleaned_data["password"]
            )
        except ApplicationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                "Запрос на удаление данных отправлен. Оператор подтвердит его, и данные будут "
                "удалены; пока он ждёт, его можно отменить.",
            )
            return redirect(reverse("cabinet:profile") + "#personal-data-card")
    personal, search = _profile_forms(request.client)
    return _render_profile(
        request, personal=personal, search=search, deletion_form=form, status=422
    )


@client_required
@require_http_methods(["POST"])
def profile_deletion_cancel(request: HttpRequest) -> HttpResponse:
    """The client withdraws the waiting request; another client's request is «not found»."""
    request_id = request.POST.get("request", "")
    if not request_id.isdigit():
        raise Http404("Запрос не найден.")
    try:
        personal_data.deletion_request_cancel(client=request.client, request_id=int(request_id))
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Запрос на удаление данных отменён.")
    return redirect(reverse("cabinet:profile") + "#personal-data-card")


@client_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Пароль изменён.")
        return redirect(reverse("cabinet:profile"))
    return render(request, "accounts/password_change.html", {"form": form})
