"""Log lines nobody can forge: what a client sent is escaped before it is written.

A request path is decoded (``%0A`` is a newline, ``%00`` a NUL): written raw, one request
could add a line of its own choosing to the log. ``loggable`` writes control characters the
way Python's repr does (``\\n``, ``\\x00``) and doubles the backslash, so every escape in
the log was written by us. gunicorn's access log does the same (forms_service/access_log.py).
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates, and the Unicode line and paragraph separators.
UNSAFE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def loggable(text: object) -> str:
    """``text`` on one line, its control characters escaped (``\\n``, ``\\x00``)."""
    return UNSAFE.sub(_escape, str(text))
