"""Grant the roles their rights on marketplace accounts (the pattern of accounts/0002_roles).

Operators («Операторы бэкофиса») manage accounts and buyouts and may «Войти вручную»; managers
(«Менеджеры магазина») see them. The targets and the buyout → line status table are edited by
a superuser only (nobody is granted their change permission).
"""

from django.db import migrations

VIEW = [
    ("marketplaces", "view_marketplaceaccount"),
    ("marketplaces", "view_accounthistory"),
    ("marketplaces", "view_buyout"),
    ("marketplaces", "view_buyouthistory"),
    ("marketplaces", "view_marketplacesettings"),
    ("marketplaces", "view_buyoutlinestatus"),
]

GRANTS = {
    "Операторы бэкофиса": [
        *VIEW,
        ("marketplaces", "add_marketplaceaccount"),
        ("marketplaces", "change_marketplaceaccount"),
        ("marketplaces", "login_manually"),
        ("marketplaces", "add_buyout"),
        ("marketplaces", "change_buyout"),
    ],
    "Менеджеры магазина": VIEW,
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
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="marketplaces",
                    codename__in=[codename for _, codename in codenames],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("marketplaces", "0002_buyout_line_statuses"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
