"""Background work of accounts (the worker is `manage.py db_worker`)."""

from django_tasks import task

from mprating.accounts import services


@task()
def password_reset_send(*, email: str) -> None:
    """The reset letter for the address typed in «Забыли пароль?», if it is anyone's.

    Takes the address, not a user id, on purpose: finding out whether it belongs to someone
    is the part the request must not do (services.password_reset_request)."""
    services.password_reset_request(email=email)
