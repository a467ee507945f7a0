"""Grant operators («Операторы бэкофиса», who already switch a client's access — seed 000
«Управлять статусом пользователя») the list of clients' API tokens and the right to revoke one
(the pattern of accounts/0002_roles)."""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

GRANTS = {
    "Операторы бэкофиса": [
        ("accounts", "view_apitoken"),
        ("accounts", "revoke_apitoken"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token")]

    operations = [grant_permissions(GRANTS)]
