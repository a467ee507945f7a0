"""Reads of returns for the cabinet and the back office, each a fixed number of queries.

Every read for a client goes through the client: another client's return, line or photo is
`NotFound` (404), never a hint that it exists.
"""

from django.db.models import Prefetch, QuerySet

from mprating.accounts.models import Client, User
from mprating.core.errors import NotFound
from mprating.core.history import history_of
from mprating.orders.models import OrderLine, OrderStatus
from mprating.returns.models import (
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatusChange,
)

STAFF_PERMISSION = "returns.view_returnrequest"


def reasons_offered() -> QuerySet[ReturnReason]:
    return ReturnReason.objects.filter(is_active=True).order_by("sort_order", "name")


def line_for_return(*, client: Client, line_id: int) -> OrderLine:
    """The client's own line for «Создать возврат», with its status and order."""
    line = (
        OrderLine.objects.select_related("status", "order")
        .filter(client=client, pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound("Позиция заказа не найдена.")
    return line


def lines_returnable_for_client(*, client: Client) -> QuerySet[OrderLine]:
    """The client's lines «Создать возврат» may apply to: shipped and not «невозвратный»
    (the term and the pieces left are `eligibility`'s, read for a page of them at once)."""
    return OrderLine.objects.select_related("status", "order").filter(
        client=client, status__role=OrderStatus.Role.SHIPPED, is_returnable=True
    )


def returns_for_client(*, client: Client) -> QuerySet[ReturnRequest]:
    """The «Возвраты» list: newest first, with the line, its order and the reason joined."""
    return (
        ReturnRequest.objects.filter(client=client)
        .select_related("line__order", "reason")
        .order_by("-created_at", "-id")
    )


def return_for_client(*, client: Client, return_id: int) -> ReturnRequest:
    """A return's page: the return, its photos and its history (three queries)."""
    history = history_of(ReturnStatusChange.objects.all()).order_by("changed_at", "id")
    request = (
        ReturnRequest.objects.filter(client=client, pk=return_id)
        .select_related("line__order", "line__status", "reason")
        .prefetch_related(
            Prefetch("photos", queryset=ReturnPhoto.objects.order_by("pk")),
            Prefetch("history", queryset=history, to_attr="history_rows"),
        )
        .first()
    )
    if request is None:
        raise NotFound("Возврат не найден.")
    return request


def photo_for_client(*, client: Client, photo_id: int) -> ReturnPhoto:
    """A photo of the client's own return (the API: staff read photos in the back office)."""
    photo = ReturnPhoto.objects.filter(pk=photo_id, request__client=client).first()
    if photo is None:
        raise NotFound("Фото не найдено.")
    return photo


def photo_for_viewer(*, user: User, photo_id: int) -> ReturnPhoto:
    """A photo for the client who owns its return, or for staff who may see returns."""
    photos = ReturnPhoto.objects.filter(pk=photo_id)
    if not (user.is_active and user.is_staff and user.has_perm(STAFF_PERMISSION)):
        photos = photos.filter(request__client__user_id=user.pk)
    photo = photos.first()
    if photo is None:
        raise NotFound("Фото не найдено.")
    return photo


def returns_for_backoffice() -> QuerySet[ReturnRequest]:
    """The back office queue: what its columns show, joined once."""
    return ReturnRequest.objects.select_related("client__user", "line__order", "reason").order_by(
        "-created_at", "-id"
    )


def history_for_return(return_id: int) -> QuerySet[ReturnStatusChange]:
    return history_of(ReturnStatusChange.objects.filter(request_id=return_id)).order_by(
        "changed_at", "id"
    )
