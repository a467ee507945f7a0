"""`/api/v1/profile`: the signed-in client's own profile and search settings."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mprating.accounts import services
from mprating.accounts.forms import PersonalDataForm
from mprating.accounts.models import Client
from mprating.core.api import INVALID_INPUT_MESSAGE, ErrorOut, ValidationErrorOut, error_body
from mprating.core.errors import NotFound

router = Router(tags=["Профиль"])


class ProfileOut(Schema):
    last_name: str
    first_name: str
    middle_name: str
    email: str
    phone: str
    company_name: str
    inn: str
    markup_percent: Decimal
    cross_scheme: int

    @staticmethod
    def from_client(client: Client) -> "ProfileOut":
        user = client.user
        return ProfileOut(
            last_name=user.last_name,
            first_name=user.first_name,
            middle_name=user.middle_name,
            email=user.email,
            phone=user.phone or "",
            company_name=client.company_name,
            inn=client.inn,
            markup_percent=client.markup_percent,
            cross_scheme=client.cross_scheme,
        )


class SearchSettingsIn(Schema):
    markup_percent: Decimal = Field(
        ..., ge=0, le=100, max_digits=5, decimal_places=2, description="Наценка, %"
    )
    cross_scheme: int = Field(..., ge=1, le=3, description="Схема кросс-связей: 1, 2 или 3")


class PersonalDataIn(Schema):
    """«Личная информация»: the same fields and checks as the cabinet form."""

    last_name: str = Field(..., max_length=150)
    first_name: str = Field(..., max_length=150)
    middle_name: str = Field("", max_length=150)
    email: str = Field(..., max_length=254)
    phone: str = Field(..., max_length=32, description="Например +7 916 123-45-67")
    company_name: str = Field("", max_length=255)
    inn: str = Field("", max_length=20, description="10 цифр для организации или 12 для ИП")


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.select_related("user").filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound("Профиль есть только у клиентов магазина.")
    return client


@router.get(
    "/profile",
    response={200: ProfileOut, 404: ErrorOut},
    summary="Профиль клиента",
    description="Личная информация и настройки поиска (наценка, схема кросс-связей).",
)
def profile_get(request: HttpRequest) -> ProfileOut:
    return ProfileOut.from_client(_own_client(request))


@router.put(
    "/profile/search-settings",
    response={200: ProfileOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Настройки поиска",
    description="Seed 004: «Индивидуальная наценка» (0–100 %) и «Схема кросс-связей» (1, 2, 3).",
)
def profile_search_settings_put(request: HttpRequest, payload: SearchSettingsIn):
    client = services.client_update_search_settings(
        client=_own_client(request),
        markup_percent=payload.markup_percent,
        cross_scheme=payload.cross_scheme,
    )
    return ProfileOut.from_client(client)


@router.put(
    "/profile/personal",
    response={200: ProfileOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Личная информация",
    description=(
        "ФИО, e-mail, телефон, компания и ИНН — те же проверки, что в личном кабинете "
        "(телефон приводится к +7…, e-mail к нижнему регистру, ИНН — 10 или 12 цифр). "
        "E-mail или телефон другого пользователя — 400 `email_taken` / `phone_taken`."
    ),
)
def profile_personal_put(request: HttpRequest, payload: PersonalDataIn):
    client = _own_client(request)
    form = PersonalDataForm(data=payload.dict())
    if not form.is_valid():
        errors = [
            {"field": field, "message": message}
            for field, messages in form.errors.items()
            for message in messages
        ]
        body = error_body("invalid_input", INVALID_INPUT_MESSAGE, field=errors[0]["field"])
        return Status(422, {**body, "errors": errors})
    services.client_update_personal_data(client=client, data=form.personal_data())
    return ProfileOut.from_client(_own_client(request))
