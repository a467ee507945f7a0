"""Reads for the back office «Пользователи» section and its dashboard, who may reset a
password, and the API tokens of «Личная информация»."""

import unicodedata
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from mprating.accounts.models import ApiToken, Client, ClientStatusChange, User
from mprating.core.history import history_of


def clients_for_backoffice() -> QuerySet[Client]:
    return Client.objects.select_related("user")


def client_status_history(*, client_id: int) -> QuerySet[ClientStatusChange]:
    return history_of(ClientStatusChange.objects.filter(client_id=client_id))


@dataclass(frozen=True)
class ClientCounts:
    total: int
    active: int
    blocked: int
    new_last_7_days: int


def client_counts(*, since) -> ClientCounts:
    """One aggregate query for the back office dashboard."""
    row = Client.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(user__is_active=True)),
        new=Count("id", filter=Q(created_at__gte=since)),
    )
    return ClientCounts(
        total=row["total"],
        active=row["active"],
        blocked=row["total"] - row["active"],
        new_last_7_days=row["new"],
    )


def users_for_password_reset(*, email: str) -> list[User]:
    """Who gets a reset letter for `email`: Django's rule (PasswordResetForm.get_users) —
    active users with a usable password whose address equals `email` case-insensitively,
    compared after Unicode normalization (so «ß» and «SS» are not taken for one address)."""

    def folded(value: str) -> str:
        return unicodedata.normalize("NFKC", value).casefold()

    return [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password() and folded(user.email) == folded(email)
    ]


def api_tokens_for_client(*, client: Client) -> QuerySet[ApiToken]:
    """«API-токены» of «Личная информация»: the client's tokens that are not revoked (working
    and expired, marked `is_expired`), newest first; one query. A revoked token leaves the
    list."""
    expired = ExpressionWrapper(Q(expires_at__lte=timezone.now()), output_field=BooleanField())
    return (
        ApiToken.objects.filter(client=client, revoked_at__isnull=True)
        .annotate(is_expired=expired)
        .order_by("-created_at", "-id")
    )


def api_tokens_for_backoffice() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("client__user", "revoked_by")


def client_of_user(user: User) -> Client | None:
    """The signed-in user's client, or None (staff, ПВЗ owners): no query when it was loaded
    with the user (an API token's user; a session user read with its client), else one.
    The returned client's `user` is this user (no query for it either)."""
    if User.client.is_cached(user):
        client = getattr(user, "client", None)
    else:
        client = Client.objects.filter(user_id=user.pk).first()
    if client is not None:
        client.user = user
    return client
