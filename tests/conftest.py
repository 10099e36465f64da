"""Shared fixtures: a scratch copy of the real project, and helpers to break it on purpose."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from portal.model import Problems, check

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("content", "site_config", "mkdocs.yml")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped content, site_config and mkdocs.yml, free to edit."""
    root = tmp_path / "project"
    root.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy(source, root / part)
    return root


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(root: Path, severity: str = "error") -> list:
    result = check(root)
    problems = result if isinstance(result, Problems) else result.problems
    return [p for p in problems.sorted() if p.severity == severity]


def only_problem(root: Path):
    found = problems_of(root)
    assert len(found) == 1, "\n".join(p.format() for p in found)
    return found[0]
