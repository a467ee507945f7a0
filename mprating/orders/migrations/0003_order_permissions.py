"""Grant the roles their rights on orders (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») run «Управление заявками» and «Настройки → Статусы»: they
change line statuses, confirm or decline refusals and edit the statuses. Operators see the
orders, their lines, history and the statuses.
"""

from django.db import migrations

VIEW = [
    ("orders", "view_order"),
    ("orders", "view_orderline"),
    ("orders", "view_orderstatus"),
    ("orders", "view_statuschange"),
]

GRANTS = {
    "Операторы бэкофиса": VIEW,
    "Менеджеры магазина": [
        *VIEW,
        ("orders", "change_order"),
        ("orders", "change_orderline"),
        ("orders", "add_orderstatus"),
        ("orders", "change_orderstatus"),
        ("orders", "delete_orderstatus"),
    ],
}


def ensure_permissions(apps) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps)


def grant(apps) -> None:
    """Add the permissions to the groups (also used by transactional tests after a flush)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="orders", codename__in=[c for _, c in codenames]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("orders", "0002_default_statuses"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
