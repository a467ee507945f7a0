"""The default line statuses of «Настройки → Статусы» (issue 4); managers may change them.

Chains by source: own warehouse Новый → Принят → Собран → Отгружен; transit Новый → Заказан у
поставщика → В пути → Поступил на склад → Отгружен; marketplace Новый → Выкуплен → В пути в
ПВЗ → В ПВЗ → Отгружен; «Отказ» ends a line in any chain.
"""

from django.db import migrations

H, T, M = "home", "transit", "marketplace"

# name, colour, sort_order, role, is_final, notify_client, sources
STATUSES = [
    ("Новый", "#2563eb", 10, "new", False, False, (H, T, M)),
    ("Принят", "#0891b2", 20, "", False, True, (H,)),
    ("Заказан у поставщика", "#d97706", 20, "", False, True, (T,)),
    ("Выкуплен", "#9333ea", 20, "", False, True, (M,)),
    ("Собран", "#7c3aed", 30, "", False, True, (H,)),
    ("В пути", "#ea580c", 30, "", False, True, (T,)),
    ("В пути в ПВЗ", "#db2777", 30, "", False, True, (M,)),
    ("Поступил на склад", "#0d9488", 40, "", False, True, (T,)),
    ("В ПВЗ", "#4f46e5", 40, "", False, True, (M,)),
    ("Отгружен", "#16a34a", 90, "shipped", True, True, (H, T, M)),
    ("Отказ", "#dc2626", 100, "refused", True, True, (H, T, M)),
]


def create_statuses(apps, schema_editor):
    OrderStatus = apps.get_model("orders", "OrderStatus")
    for name, colour, sort_order, role, is_final, notify, sources in STATUSES:
        OrderStatus.objects.get_or_create(
            name=name,
            defaults={
                "colour": colour,
                "sort_order": sort_order,
                "role": role,
                "is_final": is_final,
                "notify_client": notify,
                "for_home": H in sources,
                "for_transit": T in sources,
                "for_marketplace": M in sources,
            },
        )


def remove_statuses(apps, schema_editor):
    OrderStatus = apps.get_model("orders", "OrderStatus")
    OrderStatus.objects.filter(name__in=[row[0] for row in STATUSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create_statuses, remove_statuses)]
