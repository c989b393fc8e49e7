"""The shape every app keeps (docs/architecture.md, ADR 0016), checked on the source itself.

import-linter, ruff and mypy check imports, style and types; these check what they cannot: module
size, private names crossing modules, audit codes spelled as literals, and the area layout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mend"
APPS = ["cases", "training"]
MAX_LINES = 500


def python_modules() -> list[Path]:
    return sorted(
        p for p in SRC.rglob("*.py") if "migrations" not in p.parts and p.name != "__init__.py"
    )


def module_name(path: Path) -> str:
    return ".".join(("mend", *path.relative_to(SRC).with_suffix("").parts))


def test_no_module_is_over_500_lines_except_migrations_and_demo_seeders():
    too_long = {
        str(p.relative_to(SRC)): n
        for p in python_modules()
        if p.name != "demo.py" and (n := len(p.read_text().splitlines())) > MAX_LINES
    }

    assert too_long == {}


def test_no_module_imports_a_private_name_from_another():
    crossings = []
    for path in python_modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mend"):
                crossings += [
                    f"{module_name(path)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]

    assert crossings == []


def test_audit_codes_are_catalogue_constants_never_literals():
    literals = []
    for path in python_modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                literals.append(f"{module_name(path)}:{node.lineno}: {node.args[0].value!r}")

    assert literals == []


@pytest.mark.parametrize("app", APPS)
def test_every_area_is_a_package_of_the_same_files(app):
    areas = [d for d in (SRC / app).iterdir() if d.is_dir() and (d / "urls.py").exists()]
    flat = sorted(
        p.name
        for p in (SRC / app).glob("*.py")
        if p.name.startswith(("views_", "forms_", "urls_", "actions_"))
    )

    assert len(areas) >= 5
    assert flat == [], "area modules belong in their area's package"
    # Areas that only read (dashboards, the learner's pages, search) have no actions.
    read_only = {"dashboards", "learn", "search"}
    for area in areas:
        files = {p.name for p in area.glob("*.py")}
        assert {"actions.py", "views.py", "urls.py"} <= files or (
            area.name in read_only and {"queries.py", "views.py", "urls.py"} <= files
        ), area
