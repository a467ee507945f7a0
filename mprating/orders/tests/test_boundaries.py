"""What orders leaves to others (DESIGN.md §3): it never imports notifications (a higher floor,
reached through `orders.hooks`), never writes the cart's rows nor the catalog's stock (it calls
`cart.services.cart_lines_hand_over` and `catalog.services.offer_stock_*`)."""

import ast
from pathlib import Path

import mprating.orders

ROOT = Path(mprating.orders.__file__).parent


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, path.read_text(encoding="utf-8")


def test_orders_never_imports_notifications():
    imported = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            imported += [(path.name, name) for name in names if "notifications" in name]

    assert imported == []


WRITES = {"update", "delete", "create", "bulk_create", "bulk_update", "get_or_create"}


def _root_name(node: ast.AST) -> str:
    """`Offer` of `Offer.objects.filter(...).update(...)`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else ""


def test_orders_never_writes_cart_rows_or_offer_stock_itself():
    writes = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
                and _root_name(node.func.value) in {"CartLine", "Offer"}
            ):
                writes.append((path.name, node.lineno))

    assert writes == []
