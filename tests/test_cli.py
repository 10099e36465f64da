"""The ``portal`` command as a volunteer runs it: real files, real git.

The commands run in this process through click's ``CliRunner`` (``portal serve`` and
``portal purge`` run as real processes in test_preview.py and test_retention.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import jsonschema
import yaml
from click.testing import CliRunner

from portal.cli import main, schema_types
from portal.model import CONTENT_TYPES, load
from portal.model.jsonschema import document
from portal.model.loader import SETTINGS_FILES

from .helpers import ROOT


def portal(root, *args, env=None) -> subprocess.CompletedProcess:
    """``portal --root ROOT ARGS``: its exit status, standard output and error apart, as a
    subprocess would give them. An exception the command lets escape fails the test here,
    traceback and all."""
    result = CliRunner().invoke(main, ["--root", str(root), *args], env=env, catch_exceptions=False)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_check_passes_on_shipped_content():
    result = portal(ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert "Contenuti corretti. 0 avvisi" in result.stdout


def test_check_prints_one_line_per_problem_and_fails(project):
    desk = project / "content/desks/celadina.yml"
    text = desk.read_text(encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if '"12:00"' in x)) + 1
    desk.write_text(text.replace('"12:00"', '"25:00"'), encoding="utf-8")
    result = portal(project, "check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"content/desks/celadina.yml:{line}:")
    assert "«25:00» non è un orario valido" in lines[0]
    assert lines[-1] == "1 errore da correggere, 0 avvisi."
    assert "Traceback" not in result.stderr


def test_check_speaks_english_on_request(project):
    (project / "content/desks/celadina.yml").write_text("id: [", encoding="utf-8")
    result = portal(project, "check", env={"PORTAL_LANG": "en"})
    assert result.returncode == 1
    assert "the file is not valid YAML" in result.stderr


def test_build_refuses_broken_content_without_a_traceback(project):
    (project / "content/events/pulizia-celadina.yml").write_text("id:\tx\n", encoding="utf-8")
    result = portal(project, "build")
    assert result.returncode == 1
    assert "content/events/pulizia-celadina.yml:1:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def git(root, *args, date="2026-01-01T10:00:00"):
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def test_translations_reports_missing_and_outdated(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "start")
    assert re.search(r"^en +English +0% +\d+ +0 +0$", portal(project, "translations").stdout, re.M)
    desk = project / "content/desks/celadina.yml"
    text = desk.read_text(encoding="utf-8")
    source = next(line for line in text.splitlines() if line.strip().startswith("it: Sportello"))
    desk.write_text(text.replace(source, source + " (nuova sede)"), encoding="utf-8")
    services = project / "content/services/portierato-sociale.yml"
    lines = services.read_text(encoding="utf-8").splitlines(keepends=True)
    first_en = next(
        i
        for i, line in enumerate(lines)
        if line.strip().startswith("en:") and not line.strip().endswith("|")
    )
    del lines[first_en]
    services.write_text("".join(lines), encoding="utf-8")
    git(project, "commit", "-qam", "change the Italian", date="2026-02-01T10:00:00")
    result = portal(project, "translations", "--details")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("en "))
    assert row.split()[-2:] == ["1", "1"]  # one missing, one outdated
    assert (
        "content/desks/celadina.yml:" in result.stdout
        and ": name: da aggiornare (en)" in result.stdout
    )
    assert "content/services/portierato-sociale.yml:" in result.stdout


def test_translations_without_git_says_it_cannot_tell(project):
    result = portal(project, "translations")
    assert "git non disponibile" in result.stdout


def test_new_uncommitted_files_are_not_outdated(project):
    git(project, "init", "-q")
    result = portal(project, "translations")
    row = next(line for line in result.stdout.splitlines() if line.startswith("en "))
    assert "git non disponibile" not in row and row.split()[-2:] == ["0", "0"]


def test_published_schemas_are_up_to_date():
    codes = load(ROOT).codes
    for name, cls in schema_types():
        published = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        assert published == document(cls, name, codes), (
            f"schemas/{name}.schema.json is stale: run `make schema`"
        )


def schema_locations() -> dict:
    """Each schema's files, from the same registry the loader uses."""
    found = {
        kind.name: kind.location if kind.single else f"{kind.location}/*.yml"
        for kind in CONTENT_TYPES
    }
    found.update({name: location for name, (_, location) in SETTINGS_FILES.items()})
    return found


def test_editor_settings_map_every_schema_to_its_files():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text("utf-8"))
    expected = {f"schemas/{name}.schema.json": glob for name, glob in schema_locations().items()}
    assert settings["yaml.schemas"] == expected


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML roughly as editors do (YAML 1.2): dates and times stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_schemas_accept_every_shipped_file_and_reject_a_typo():
    locations = schema_locations()
    for name, pattern in locations.items():
        schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        files = sorted(ROOT.glob(pattern))
        assert files, pattern
        for path in files:
            data = yaml.load(path.read_text("utf-8"), Loader=Yaml12Loader)
            jsonschema.validate(data, schema)
    schema = json.loads((ROOT / "schemas/desks.schema.json").read_text("utf-8"))
    data = yaml.load((ROOT / "content/desks/celadina.yml").read_text("utf-8"), Loader=Yaml12Loader)
    data["neighbourhod"] = data.pop("neighbourhood")
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a misspelt field must not validate")


def test_translations_round_trip_through_export_and_import(project):
    languages = project / "site_config/languages.yml"
    languages.write_text(
        languages.read_text(encoding="utf-8") + "  - code: de\n    name: Deutsch\n    dir: ltr\n",
        encoding="utf-8",
    )
    exported = portal(project, "export-translations", "de")
    assert exported.returncode == 0, exported.stderr
    entries = json.loads(exported.stdout)
    assert {"file", "line", "field", "it", "en", "de"} <= set(entries[0])
    for entry in entries:
        if isinstance(entry["it"], dict):  # a string with plural forms: German has one, other
            entry["de"] = {"one": entry["it"]["one"], "other": entry["it"]["other"]}
        else:
            entry["de"] = "DE: " + entry["it"] if "{" not in entry["it"] else entry["it"]
    filled = project / "de.json"
    filled.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    before = (project / "content/desks/celadina.yml").read_text(encoding="utf-8")
    result = portal(project, "import-translations", "de", str(filled))
    assert result.returncode == 0, result.stderr
    after = (project / "content/desks/celadina.yml").read_text(encoding="utf-8")
    assert after.startswith(before.split("\n", 1)[0])  # comments and layout kept
    assert '  de: "DE: Sportello Celadina"' in after
    report = portal(project, "translations").stdout
    de_row = next(line for line in report.splitlines() if line.startswith("de "))
    assert de_row.split()[4] == "0"  # nothing missing
    # Importing again replaces rather than duplicates.
    assert portal(project, "import-translations", "de", str(filled)).returncode == 0
    assert (project / "content/desks/celadina.yml").read_text(encoding="utf-8") == after


def test_import_refuses_a_broken_placeholder(project):
    entries = json.loads(portal(project, "export-translations", "en").stdout)
    for entry in entries:
        if entry["field"] == "rule_isee":
            entry["en"] = entry["en"].replace("{min}", "{minimum}")
    filled = project / "en.json"
    filled.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = portal(project, "import-translations", "en", str(filled))
    assert result.returncode == 1
    assert "site_config/strings/en.yml:" in result.stderr and "rule_isee" in result.stderr


def test_translation_report_scores_the_easy_italian_pages():
    out = portal(ROOT, "translations").stdout
    section = out[out.index("Italiano semplice") :].splitlines()[2:]
    rows = {line.split()[0]: (float(line.split()[1]), float(line.split()[2])) for line in section}
    assert set(rows) >= {
        "content/desks/celadina.yml",
        "content/heating-grant.yml",
        "content/pages/regole.yml",
    }
    for file, (easy, full) in rows.items():
        assert easy >= 80, f"{file}: italiano semplice should score 80+ on Gulpease, not {easy}"
        assert easy > full, file
