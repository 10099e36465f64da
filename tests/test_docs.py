"""The docs stay in step with the code (Datasette-style): stale docs fail the suite."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import yaml

from portal.cli import main as cli
from portal.model.fields import field_names
from portal.model.loader import CONTENT_TYPES
from portal.model.messages import MESSAGES

from .conftest import model_classes
from .helpers import ROOT


def test_readme_opens_with_exactly_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert readme.index("```sh") < readme.index("\n## ")


def test_field_reference_is_generated_from_the_code():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; m = runpy.run_path('scripts/field_reference.py'); "
            "print(m['render'](), end='')",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
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
            assert f"`{setting.default}`" in readme, (
                f"README shows a stale default for {setting.name}"
            )
    used = set()
    for path in [*(ROOT / "portal").rglob("*.py"), *(ROOT / "forms_service").rglob("*.py")]:
        used |= set(re.findall(r"\"(PORTAL_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert used, "no settings found"
    for name in sorted(used):
        assert f"`{name}`" in readme, f"{name} is read by the code but not documented"


# --- the editing guide quotes the real messages and field names ---------------------------

GUIDE = ROOT / "docs/guida-redazione.md"
PROBLEM_LINE = re.compile(r"^(?P<file>\S+\.yml):\d+:\d+: (?:avviso: )?(?P<rest>.*)$")


def _code_blocks(language: str = "") -> list[str]:
    """The guide's fenced blocks in ``language`` ("" for terminal output), dedented."""
    blocks: list[str] = []
    current: list[str] | None = None  # the lines of the block being read
    fence = ""
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            if current is None:
                current, fence = [], line.strip()[3:]
                continue
            if fence == language:
                blocks.append(textwrap.dedent("\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _template_pattern(template: str) -> re.Pattern:
    """A message template as a regex: each {name} stands for any text."""
    parts = re.split(r"{(\w+)}", template)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:
            regex += r"(?: Forse intendevi «.+?»\?)?" if part == "hint" else rf"(?P<{part}>.+?)"
    return re.compile(regex)


def _guide_problems() -> list[tuple[str, str, re.Match]]:
    """(file, field, match of its template) of every problem line the guide shows."""
    patterns = {code: _template_pattern(texts["it"]) for code, texts in MESSAGES.items()}
    found = []
    for block in _code_blocks():
        for line in block.splitlines():
            quoted = PROBLEM_LINE.match(line.strip())
            if not quoted:
                continue
            rest = quoted["rest"]
            field, _, after = rest.partition(": ")
            candidates = [("", rest), (field, after)]
            match = next(
                (
                    (name, m)
                    for name, text in candidates
                    for m in [p.fullmatch(text) for p in patterns.values()]
                    if m
                ),
                None,
            )
            assert match, f"the guide quotes a message that the code does not write: {line}"
            found.append((quoted["file"], *match))
    return found


def test_every_message_quoted_in_the_guide_exists():
    assert len(_guide_problems()) >= 20


def test_the_fields_listed_in_the_guide_are_the_real_ones():
    locations = {kind.location: kind.cls for kind in CONTENT_TYPES}
    for file, field, match in _guide_problems():
        allowed = match.groupdict().get("allowed")
        cls = locations.get(file.rsplit("/", 1)[0]) or locations.get(file)
        if allowed and cls and "." not in field:
            assert allowed == ", ".join(field_names(cls)), f"stale field list for {file}"


def test_every_key_in_the_guides_yaml_examples_is_a_field():
    known = set(yaml.safe_load((ROOT / "site_config/strings/it.yml").read_text("utf-8")))
    known |= {name for cls in model_classes() for name in field_names(cls)}

    def keys(value):
        if isinstance(value, dict):
            text = "it" in value  # a text: one key per language code
            for key, inner in value.items():
                assert key in known or (text and re.fullmatch(r"[a-z]{2,3}(-\w+)?", key)), (
                    f"the guide's YAML uses «{key}:», which is no field"
                )
                keys(inner)
        elif isinstance(value, list):
            for inner in value:
                keys(inner)

    blocks = _code_blocks("yaml")
    assert len(blocks) >= 10
    for block in blocks:
        keys(yaml.safe_load(block))


def test_the_guide_shows_what_the_commands_print():
    guide = GUIDE.read_text(encoding="utf-8")
    cli_source = (ROOT / "portal/cli.py").read_text(encoding="utf-8")
    assert 'f"Portale su http://{host}:{port}/ (Ctrl+C per fermare)."' in cli_source
    assert "\nPortale su http://127.0.0.1:8000/ (Ctrl+C per fermare).\n" in guide
    assert '"Contenuti corretti. {counted} (traduzioni mancanti: vedi "' in cli_source
    assert "Contenuti corretti. 0 avvisi (traduzioni mancanti: vedi `make translations`)." in guide
    assert '"nessun sito da servire: correggi gli errori qui sopra."' in cli_source
    assert "`Error: nessun sito da servire: correggi gli errori qui sopra.`" in guide
