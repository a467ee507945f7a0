"""Seed 000 «Подключенные ПВЗ»: operators manage the points (create, edit, switch off, delete,
owners), managers see them (the pattern of accounts 0002_roles)."""

from django.db import migrations

from mprating.core.migration_ops import grant_permissions

GRANTS = {
    "Операторы бэкофиса": [
        ("pickup_points", "view_pickuppoint"),
        ("pickup_points", "add_pickuppoint"),
        ("pickup_points", "change_pickuppoint"),
        ("pickup_points", "delete_pickuppoint"),
        ("pickup_points", "view_pickuppointchange"),
        ("pickup_points", "view_pickuppointowner"),
    ],
    "Менеджеры магазина": [
        ("pickup_points", "view_pickuppoint"),
        ("pickup_points", "view_pickuppointchange"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("pickup_points", "0002_owners_invitations_history"),
        ("accounts", "0002_roles"),
    ]

    operations = [grant_permissions(GRANTS)]
