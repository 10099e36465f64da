"""The size of the site's own scripts as a web server sends them (gzip level 6, as
``bench/weight.py`` counts), against the budget of the "open now" script: 2 KB (issue #11).

    .venv/bin/python -m bench.script_size      # also run by `make bench`

Exit status 1 when openings.js is over its budget. 1 KB = 1000 bytes, as in bench/weight.py.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "site_config/theme/assets/javascripts"
BUDGET = {"openings.js": 2000}


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def main() -> int:
    over = False
    for path in sorted(SCRIPTS.glob("*.js")):
        size, budget = gzipped(path), BUDGET.get(path.name)
        line = f"{path.name:<14} {path.stat().st_size:>6} B raw  {size:>5} B gzip"
        if budget is not None:
            line += f"  (budget {budget} B: {'over' if size > budget else 'ok'})"
            over = over or size > budget
        print(line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
