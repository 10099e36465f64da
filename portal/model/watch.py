"""Which files the content is made of, and a cheap fingerprint of them.

The live preview and the forms service both ask "did the content change?": this
module answers with file times only, so neither needs the other to know.
"""

from __future__ import annotations

from pathlib import Path

WATCHED = ("content", "site_config", "mkdocs.yml")


def snapshot(root: Path) -> dict[str, int]:
    """{path: modification time in ns} of every watched file under ``root``."""
    stamps = {}
    for name in WATCHED:
        base = root / name
        paths = base.rglob("*") if base.is_dir() else [base]
        for path in paths:
            try:
                stamps[str(path)] = path.stat().st_mtime_ns
            except FileNotFoundError:
                continue
    return stamps
