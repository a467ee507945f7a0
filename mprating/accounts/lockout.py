"""What a person locked out by django-axes sees (settings.AXES_LOCKOUT_CALLABLE).

Every sign-in form — the cabinet's `/accounts/login/` (where ПВЗ owners sign in too) and the
back office's `/backoffice/login/` — authenticates through `authenticate(request=…)` (Django's
AuthenticationForm, which both use), so django-axes counts each failure; after
`AXES_FAILURE_LIMIT` of them the e-mail or phone is locked from that address for
`AXES_COOLOFF_TIME` hours, and even the right password is refused.

The answer is the same sign-in page the person used, with the Russian lockout message in place
of the form's error (status 429): the login view's own response is rendered again with that
message, so the cabinet's page stays the cabinet's and the back office's stays unfold's.
Anything that is no such page (another caller of `authenticate`) gets the site's
registration/locked_out.html.
"""

from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse

from mprating.core.text import count_ru

LOCKED_STATUS = 429


def lockout_message() -> str:
    hours = count_ru(settings.AXES_COOLOFF_TIME, "час", "часа", "часов")
    return (
        "Слишком много попыток входа: вход для этой учётной записи с вашего адреса "
        f"заблокирован на {hours}. Попробуйте позже или восстановите пароль."
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and form is not None:
        # Replace the form's errors without cleaning it again: a second clean would call
        # authenticate() once more and count one more failure.
        form._errors = ErrorDict(
            {
                NON_FIELD_ERRORS: form.error_class(
                    [lockout_message()], error_class="nonfield", renderer=form.renderer
                )
            }
        )
        original_response.content = original_response.rendered_content
        original_response.status_code = LOCKED_STATUS
        return original_response
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message()},
        status=LOCKED_STATUS,
    )
