"""Known vulnerabilities in the installed, pinned dependencies: `make audit` (run by `make test`).

Two ways, the better one that this machine can reach:

- **pip-audit**, when a full vulnerability database answers (OSV, or PyPI's per-version JSON):
  every package of .venv (the pins of pyproject.toml and what they pull in) is checked.
- **The package index's own advisories**, when only a PyPI mirror answers (the CI machines
  reach PyPI, Debian and npm and nothing else): PyPI lists the known vulnerabilities of each
  project's *latest* release, so every package pinned at its latest release is checked
  exactly; a package pinned behind it cannot be, and is named in a warning with the version
  to move to.

Either way a known vulnerability fails the run. When no source answers at all, CI (CI=true)
fails: nothing was checked, and that must not look like a pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import distributions, version

INDEX = "https://pypi.org/pypi"
FULL_SOURCES = {
    # pip-audit asks PyPI for the exact version (/pypi/<name>/<version>/json): ask the same.
    "pypi": (f"{INDEX}/pip/{version('pip')}/json", None),
    "osv": (
        "https://api.osv.dev/v1/query",
        json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": version("pip")}),
    ),
}
OURS = "vivere-sap-portal"  # installed editable; not on PyPI


def fetch(url: str, body: str | None = None) -> dict | None:
    data = body.encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=20) as reply:
            found = json.loads(reply.read())
            return found if reply.status == 200 and isinstance(found, dict) else None
    except (OSError, ValueError):  # URLError is an OSError; ValueError: not JSON
        return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def installed() -> dict[str, str]:
    found = {d.metadata["Name"].lower(): d.version for d in distributions()}
    found.pop(OURS, None)
    return found


def project(item: tuple[str, str]) -> tuple[str, str, dict | None]:
    name, pinned = item
    return name, pinned, fetch(f"{INDEX}/{name}/json")


def index_audit() -> int:
    """Check what the index's latest-release advisories can tell; 1 on a vulnerability."""
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(project, sorted(installed().items())))
    vulnerable, behind, unknown = [], [], []
    for name, pinned, data in answers:
        if data is None:
            unknown.append(name)
        elif data["info"]["version"] != pinned:
            behind.append(f"{name} {pinned} (latest {data['info']['version']})")
        else:
            vulnerable += [
                f"{name} {pinned}: {v.get('id')} {', '.join(v.get('aliases') or [])} "
                f"fixed in {', '.join(v.get('fixed_in') or []) or '?'}"
                for v in data.get("vulnerabilities") or []
            ]
    checked = len(answers) - len(behind) - len(unknown)
    print(f"audit: {checked} of {len(answers)} packages checked against the index's advisories.")
    if behind:
        print("WARNING: pinned behind their latest release, so not checkable here (move the pin")
        print("  or run `make audit` where OSV answers): " + "; ".join(behind))
    if unknown:
        print("WARNING: not on the index: " + ", ".join(unknown))
    for line in vulnerable:
        print(f"VULNERABLE: {line}", file=sys.stderr)
    if checked == 0 and in_ci():
        print("ERROR: nothing could be checked.", file=sys.stderr)
        return 1
    return 1 if vulnerable else 0


def main() -> int:
    source = next((n for n, (url, body) in FULL_SOURCES.items() if fetch(url, body)), None)
    if source is not None:
        # --strict: a package that could not be checked fails too.
        command = [sys.executable, "-m", "pip_audit", "--strict", "--desc", "--skip-editable"]
        return subprocess.call([*command, "--vulnerability-service", source])
    if fetch(f"{INDEX}/pip/json") is not None:
        return index_audit()
    message = "audit: no vulnerability source answers (OSV, PyPI): nothing was audited."
    if in_ci():
        print(f"ERROR: {message}", file=sys.stderr)
        return 1
    print(f"WARNING: {message} CI fails here; run `make audit` online.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
