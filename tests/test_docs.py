"""The docs stay in step with the code (Datasette-style): stale docs fail the suite."""

from __future__ import annotations

import re
import subprocess
import sys

from portal.cli import main as cli
from portal.model.loader import CONTENT_TYPES

from .helpers import ROOT


def test_readme_opens_with_exactly_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert readme.index("```sh") < readme.index("\n## ")


def test_field_reference_is_generated_from_the_code():
    result = subprocess.run([sys.executable, "-c",
                             "import runpy; m = runpy.run_path('scripts/field_reference.py'); "
                             "print(m['render'](), end='')"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    committed = (ROOT / "docs/riferimento-campi.md").read_text(encoding="utf-8")
    assert committed == result.stdout, "docs/riferimento-campi.md is stale: run `make docs`"


def test_every_command_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs/guida-redazione.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"portal {name}" in readme, f"README has no row for `portal {name}`"
    for name in ("check", "translations", "schema"):
        assert f"portal {name}" in guide or f"make {name}" in guide, name


def test_every_content_type_is_in_the_guide_and_the_reference():
    guide = (ROOT / "docs/guida-redazione.md").read_text(encoding="utf-8")
    reference = (ROOT / "docs/riferimento-campi.md").read_text(encoding="utf-8")
    for kind in CONTENT_TYPES:
        assert kind.location in guide, f"{kind.location} is not explained in the guide"
        assert f"## {kind.label}" in reference


def test_every_setting_is_documented():
    from forms_service.config import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.name}` | " in readme, f"{setting.name} has no row in README"
        if setting.default:
            assert f"`{setting.default}`" in readme, f"README shows a stale default for {setting.name}"
    used = set()
    for path in [*(ROOT / "portal").rglob("*.py"), *(ROOT / "forms_service").rglob("*.py")]:
        used |= set(re.findall(r"\"(PORTAL_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert used, "no settings found"
    for name in sorted(used):
        assert f"`{name}`" in readme, f"{name} is read by the code but not documented"
