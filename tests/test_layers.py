"""The layers the code promises (forms_service/README.md, portal/site/README.md), checked
from the imports themselves, so a shortcut across them fails here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("portal.model", "portal.formats", "portal.markup", "portal.urls", "portal.posters")


def imports_of(path: Path) -> set[str]:
    """Absolute module names imported by ``path`` (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*parts, base]))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, forbidden) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(folder)
        for name in sorted(imports_of(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_the_service_uses_only_the_shared_parts_of_portal():
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("forms_service")
        for name in sorted(imports_of(path))
        if name.startswith("portal")
        and name != "portal"
        and not any(name == s or name.startswith(s + ".") for s in SHARED)
    ]
    assert wrong == []


def test_only_the_cli_knows_both_sides():
    wrong = [
        line
        for line in offending("portal", ["forms_service"])
        if not line.startswith("portal/cli.py")
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "folder, forbidden",
    [
        ("forms_service/domain", ["flask", "werkzeug", "forms_service.web"]),
        (
            "forms_service/storage",
            ["flask", "werkzeug", "forms_service.web", "forms_service.domain"],
        ),
        ("portal/model", ["flask", "mkdocs", "portal.site", "portal.preview", "forms_service"]),
        ("portal/site/render", ["mkdocs", "flask"]),
    ],
)
def test_lower_layers_do_not_reach_up(folder, forbidden):
    assert offending(folder, forbidden) == []


def test_every_blueprint_is_registered_by_the_app_factory(service):
    """One blueprint per web module, registered explicitly in create_app."""
    import importlib

    declared = {}
    for path in modules("forms_service/web"):
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if hasattr(module, "bp"):
            declared[module.bp.name] = module.__name__
    assert set(declared) == set(service.blueprints)
