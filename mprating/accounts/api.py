"""`/api/v1/profile`: the signed-in client's own profile and search settings."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mprating.accounts import services
from mprating.accounts.models import Client
from mprating.core.api import ErrorOut, ValidationErrorOut
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


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.select_related("user").filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound("Профиль есть только у клиентов магазина.")
    return client


@router.get("/profile", response={200: ProfileOut, 404: ErrorOut})
def profile_get(request: HttpRequest) -> ProfileOut:
    return ProfileOut.from_client(_own_client(request))


@router.put(
    "/profile/search-settings",
    response={200: ProfileOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def profile_search_settings_put(request: HttpRequest, payload: SearchSettingsIn):
    client = services.client_update_search_settings(
        client=_own_client(request),
        markup_percent=payload.markup_percent,
        cross_scheme=payload.cross_scheme,
    )
    return ProfileOut.from_client(client)
