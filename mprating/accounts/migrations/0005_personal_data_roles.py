"""Who may handle personal data requests and see the journal of views (issue 12, 152-ФЗ).

Operators and managers see «Запросы на удаление данных» and confirm them. The journal of
views of personal data is for managers (and superusers): operators are the ones it watches.
"""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

GRANTS = {
    "Операторы бэкофиса": [
        ("accounts", "view_deletionrequest"),
        ("accounts", "confirm_deletionrequest"),
    ],
    "Менеджеры магазина": [
        ("accounts", "view_deletionrequest"),
        ("accounts", "confirm_deletionrequest"),
        ("accounts", "view_personaldataview"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_personal_data")]

    operations = [grant_permissions(GRANTS)]
