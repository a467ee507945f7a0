"""`/api/v1/notifications`: the cabinet «Уведомления» switches as JSON (same selectors and
services as the page).

Seed 004: «возможность подавить некоторые системные оповещения по электронной почте … обычно
оставляют только уведомления “Отказ” и “Отгружен”». The cabinet has no list of notifications
to read (the letters go by e-mail), so neither has the API.
"""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mprating.accounts.models import Client
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.errors import NotFound
from mprating.notifications import selectors, services

router = Router(tags=["Уведомления"])


class PreferenceOut(Schema):
    status_id: int
    name: str
    colour: str
    email_enabled: bool = Field(..., description="Письмо на e-mail при переходе в этот статус")
    is_key: bool = Field(..., description="Ключевой статус: «Отказ» или «Отгружен»")


class PreferencesOut(Schema):
    statuses: list[PreferenceOut]
    enabled_count: int = Field(..., description="Сколько статусов с письмами")


class PreferencesIn(Schema):
    enabled_status_ids: list[int] = Field(
        ...,
        max_length=100,
        description="id статусов, о которых слать письма; остальные выключаются. id статусов, "
        "о которых письма не предусмотрены, не учитываются.",
    )


def _own_client(request: HttpRequest) -> Client:
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        raise NotFound("Уведомления есть только у клиентов магазина.")
    return client


def _preferences(client: Client) -> PreferencesOut:
    statuses = selectors.preferences_for_client(client=client)
    return PreferencesOut(
        statuses=[
            PreferenceOut(
                status_id=s.pk,
                name=s.name,
                colour=s.colour,
                email_enabled=s.email_enabled,
                is_key=s.role in selectors.KEY_ROLES,
            )
            for s in statuses
        ],
        enabled_count=sum(1 for s in statuses if s.email_enabled),
    )


@router.get(
    "/preferences",
    response={200: PreferencesOut, 404: ErrorOut},
    summary="Уведомления: письма по статусам позиций",
    description="Статусы, о которых можно получать письма, с переключателями (по умолчанию "
    "включены все).",
)
def preferences_get(request: HttpRequest):
    return _preferences(_own_client(request))


@router.put(
    "/preferences",
    response={200: PreferencesOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Сохранить переключатели писем",
    description="Письма включаются ровно для перечисленных статусов, для остальных — выключаются.",
)
def preferences_put(request: HttpRequest, payload: PreferencesIn):
    client = _own_client(request)
    services.preferences_save(client=client, enabled_status_ids=payload.enabled_status_ids)
    return _preferences(client)


@router.post(
    "/preferences/keep-key",
    response={200: PreferencesOut, 400: ErrorOut, 404: ErrorOut},
    summary="Оставить только «Отказ» и «Отгружен»",
    description="Seed 004: «обычно оставляют только уведомления “Отказ” и “Отгружен”».",
)
def preferences_keep_key(request: HttpRequest):
    client = _own_client(request)
    services.preferences_keep_only_key(client=client)
    return _preferences(client)


@router.post(
    "/preferences/enable-all",
    response={200: PreferencesOut, 400: ErrorOut, 404: ErrorOut},
    summary="Включить письма обо всех статусах",
)
def preferences_enable_all(request: HttpRequest):
    client = _own_client(request)
    services.preferences_enable_all(client=client)
    return _preferences(client)
