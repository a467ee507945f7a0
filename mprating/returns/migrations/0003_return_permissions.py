"""Grant the roles their rights on returns (the pattern of accounts/0002_roles).

Managers («Менеджеры магазина») work the queue of returns — change a return's status (which the
admin does only through its actions) — and edit the list of reasons. Operators see the
returns, their history and the reasons.
"""

from django.db import migrations

VIEW = [
    ("returns", "view_returnrequest"),
    ("returns", "view_returnstatuschange"),
    ("returns", "view_returnreason"),
    ("returns", "view_returnphoto"),
]

GRANTS = {
    "Операторы бэкофиса": VIEW,
    "Менеджеры магазина": [
        *VIEW,
        ("returns", "change_returnrequest"),
        ("returns", "add_returnreason"),
        ("returns", "change_returnreason"),
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
    for group_name in GRANTS:
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="returns")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("returns", "0002_default_reasons"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
