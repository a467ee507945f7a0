"""Roles are Django groups; their permissions are granted by data migrations.

DESIGN.md §2: client, operator, manager, PVZ owner; the superuser is a flag, not a group.
Each app that adds models grants its permissions to these groups in its own migration
(see `0002_roles` for the pattern).
"""

CLIENT = "Клиенты"
OPERATOR = "Операторы бэкофиса"
MANAGER = "Менеджеры магазина"
PICKUP_POINT_OWNER = "Владельцы ПВЗ"

ALL = (CLIENT, OPERATOR, MANAGER, PICKUP_POINT_OWNER)
STAFF = (OPERATOR, MANAGER)


def has_role(user, role: str) -> bool:
    """Whether an authenticated `user` belongs to the group `role` (one query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=role).exists()
