"""Seed 000 «Подключенные ПВЗ»: operators decide on partner applications, managers see them
(the pattern of accounts 0002_roles)."""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

GRANTS = {
    "Операторы бэкофиса": [
        ("partners", "view_partnerapplication"),
        ("partners", "change_partnerapplication"),
        ("partners", "view_partnerapplicationchange"),
    ],
    "Менеджеры магазина": [
        ("partners", "view_partnerapplication"),
        ("partners", "view_partnerapplicationchange"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_at_point_status"),
        ("accounts", "0002_roles"),
    ]

    operations = [grant_permissions(GRANTS)]
