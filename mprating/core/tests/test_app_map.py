"""The app map (README «Устройство кода»): what import-linter cannot see.

import-linter's `layers` contract in pyproject.toml checks Python imports. Three other ways an
app can lean on another stay invisible to it, and are checked here against the same floors,
read from that contract (the one place they are written):

- relation targets given as strings (`ForeignKey("garage.Modification")`), as Django resolved
  them: every forward relation of every model of our apps;
- migration dependencies, as the migration graph holds them;
- `apps.get_model("app", "Model")` / `get_model("app.Model")` calls in the source.

Each must point to the same app or to an app on a lower floor; never upward, never to a
sibling on the same floor.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "mprating"
GET_MODEL = re.compile(
    r"""get_model\(\s*["'](?P<label>\w+)(?:\.\w+["']|["']\s*,)""",
)


def _floors() -> dict[str, int]:
    """App module name (`orders`) → floor, from the `floors` contract in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "floors"]
    assert contract["containers"] == ["mprating"]
    layers = contract["layers"]  # top floor first
    floors = {}
    for index, layer in enumerate(layers):
        for name in re.split(r"[|:]", layer):
            floors[name.strip().strip("()")] = len(layers) - 1 - index
    return floors


FLOORS = _floors()


def _our_apps() -> dict[str, str]:
    """App label → app module name, for the apps of the `mprating` package."""
    return {
        config.label: config.name.removeprefix("mprating.")
        for config in apps.get_app_configs()
        if config.name.startswith("mprating.")
    }


@dataclass(frozen=True)
class Edge:
    source: str  # app module name
    target: str
    how: str

    def is_allowed(self) -> bool:
        if self.source == self.target:
            return True
        return FLOORS[self.target] < FLOORS[self.source]

    def __str__(self) -> str:
        return (
            f"{self.source} (floor {FLOORS[self.source]}) → {self.target} "
            f"(floor {FLOORS[self.target]}): {self.how}"
        )


def _assert_allowed(edges: list[Edge]) -> None:
    assert edges  # the walk found such references at all
    violations = sorted({str(edge) for edge in edges if not edge.is_allowed()})
    assert not violations, "against the app map:\n" + "\n".join(violations)


def test_the_floors_are_the_ones_of_the_design():
    assert FLOORS == {
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
        "demo": 8,
    }


def test_every_app_is_on_a_floor():
    assert set(_our_apps().values()) - set(FLOORS) == set()


def test_model_relations_point_to_the_same_or_a_lower_floor():
    ours = _our_apps()
    edges = []
    for model in apps.get_models(include_auto_created=True):
        source = ours.get(model._meta.app_label)
        if source is None:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            # Forward relations only: a reverse relation is the other model's forward one.
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = ours.get(field.related_model._meta.app_label)
            if target is not None:
                how = f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
                edges.append(Edge(source, target, how))

    _assert_allowed(edges)


def test_migration_dependencies_point_to_the_same_or_a_lower_floor():
    ours = _our_apps()
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    edges = []
    for (label, name), node in graph.node_map.items():
        source = ours.get(label)
        if source is None:
            continue
        for parent in node.parents:
            target = ours.get(parent.key[0])
            if target is not None:
                how = f"{label}.{name} depends on {parent.key[0]}.{parent.key[1]}"
                edges.append(Edge(source, target, how))

    _assert_allowed(edges)


def test_get_model_strings_point_to_the_same_or_a_lower_floor():
    ours = _our_apps()
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.relative_to(PACKAGE).parts[0]
        if source not in FLOORS or path == Path(__file__).resolve():
            continue  # this module quotes such calls in its own self-test
        text = path.read_text(encoding="utf-8")
        for match in GET_MODEL.finditer(text):
            target = ours.get(match["label"])
            if target is not None:
                line = text.count("\n", 0, match.start()) + 1
                how = f"{path.relative_to(ROOT)}:{line} {match.group(0)}"
                edges.append(Edge(source, target, how))

    _assert_allowed(edges)


def test_the_check_itself_catches_an_upward_and_a_sibling_edge():
    assert not Edge("catalog", "garage", "upward").is_allowed()
    assert not Edge("garage", "notifications", "sibling").is_allowed()
    assert Edge("garage", "catalog", "downward").is_allowed()
    assert GET_MODEL.search('apps.get_model("orders", "OrderStatus")')["label"] == "orders"
    assert GET_MODEL.search("apps.get_model('garage.Make')")["label"] == "garage"
