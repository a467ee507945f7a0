"""Login by e-mail or phone (DESIGN.md §3: «login by e-mail or phone»)."""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from mprating.accounts.models import User
from mprating.accounts.phones import try_normalize_phone
from mprating.core.compiled import CompiledQuery

# `get_user`'s statement, compiled once (core.compiled): the same SQL as
# `User._default_manager.select_related("client").filter(pk=…).first()`.
USER_ID_MARKER = -7_130_013


def _user_by_pk(user_id):
    return User._default_manager.select_related("client").filter(pk=user_id)


def _first_user_by_pk(user_id):
    """What `.first()` runs."""
    queryset = _user_by_pk(user_id)
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]


user_by_pk = CompiledQuery(_first_user_by_pk, marker=USER_ID_MARKER, model=User)


def find_user_by_login(login: str) -> User | None:
    """The user whose e-mail or phone is `login`; a phone in any common spelling."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    phone = try_normalize_phone(login)
    if phone is None:
        return None
    return User.objects.filter(phone=phone).first()


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user_by_login(username)
        if user is None:
            # Hash anyway so that a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: int) -> User | None:
        """The signed-in user of every request, with the client row in the same query (a LEFT
        JOIN on its unique key): `client_required` then reads `user.client` without a second
        query on every cabinet page (issue 13). Staff and ПВЗ owners get no client (None).
        The statement is compiled once (`user_by_pk`); an id that is not an int (Django's
        session reader converts it) takes the ORM's own path, with its errors."""
        if type(user_id) is int:
            users = user_by_pk.rows(user_id)
            user = users[0] if users else None
        else:
            user = _user_by_pk(user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The key django-axes counts failures under: one per account, whatever the spelling
    («8 916 …», «+7916…», «Ivanov@Mail.ru»), so varying it does not reset the counter."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    raw = raw.strip()
    user = find_user_by_login(raw)
    if user is not None:
        return user.email
    if "@" in raw:
        return raw.lower()
    return try_normalize_phone(raw) or raw
