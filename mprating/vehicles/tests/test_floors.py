"""The vehicle reference sits on floor 2 (DESIGN.md §3): it imports only core and accounts, and
the catalog above it never reaches the garage above the catalog — not by an import, a string
model reference («garage.X») or a migration dependency. Migration dependencies of every app
point to its own floor or lower ones."""

import ast
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

PACKAGE = Path(__file__).resolve().parents[2]  # mprating/

FLOORS = {
    "core": 0,
    "accounts": 1,
    "vehicles": 2,
    "catalog": 3,
    "pickup_points": 3,
    "finance": 3,
    "billing": 3,
    "cart": 4,
    "orders": 5,
    "notifications": 6,
    "garage": 6,
    "returns": 6,
    "marketplaces": 6,
    "cabinet": 7,
    "partners": 7,
    "backoffice": 7,
}


def _our_apps() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("mprating.")]


def _references(app: str) -> list[tuple[str, str]]:
    """(file, other app) for every import of `mprating.<other>` and every string literal that
    names a model or permission of an app («garage.Vehicle», «garage.modification» in a
    migration, «garage.process_vinrequest»), in all of the app's Python files."""
    labels = set(_our_apps())
    found = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "mprating" and len(parts) > 1:
                    found.append((str(path.relative_to(PACKAGE)), parts[1]))
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                head, dot, tail = node.value.partition(".")
                if dot and head in labels and tail.isidentifier():
                    found.append((str(path.relative_to(PACKAGE)), head))
    return found


def test_vehicles_reach_only_core_and_accounts():
    allowed = {"core", "accounts", "vehicles"}
    wrong = [(f, other) for f, other in _references("vehicles") if other not in allowed]
    assert wrong == []


def test_catalog_never_reaches_the_garage():
    wrong = [(f, other) for f, other in _references("catalog") if other == "garage"]
    assert wrong == []


def test_migration_dependencies_point_to_the_same_floor_or_lower():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    ours = set(_our_apps())
    unknown = sorted(ours - set(FLOORS))
    assert unknown == [], "add the new app to FLOORS (DESIGN.md §3)"
    upward = [
        (key, parent)
        for key in graph.nodes
        if key[0] in ours
        for parent in graph.node_map[key].parents
        if parent.key[0] in ours and FLOORS[parent.key[0]] > FLOORS[key[0]]
    ]
    assert upward == []
