"""Read a YAML file into nodes that remember their line and column.

We compose nodes instead of loading Python values: every scalar stays a string
until the content type says what it should be. That avoids YAML 1.1 surprises
(``09:00`` read as 540, ``no`` read as False) and lets each error point at its
exact place in the file.
"""

from __future__ import annotations

import yaml

from .problems import Problems

# libyaml (C) is ~10x faster than the pure-Python parser and gives the same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The parsers' own wording for indentation trouble, mapped to one plain message.
_INDENT_HINTS = (
    "did not find expected key",
    "expected <block end>",
    "did not find expected '-' indicator",
    "while parsing a block mapping",
    "while parsing a block collection",
    "could not find expected ':'",
    "block sequence entries are not allowed",
)
COLON_HINTS = ("mapping values are not allowed here",
               "mapping values are not allowed in this context")


def mark_of(node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _find_tabs(text: str, path, problems: Problems) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.add(path, (number, indent.index("\t") + 1), "yaml.tab")
            found = True
    return found


def _duplicate_keys(node, path, problems: Problems) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, tuple[int, int]] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    first = seen[key.value][0]
                    problems.add(path, mark_of(key), "yaml.duplicate_key", key=key.value, first=first)
                else:
                    seen[key.value] = mark_of(key)
            _duplicate_keys(value, path, problems)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicate_keys(item, path, problems)


def parse(text: str, path, problems: Problems):
    """Return the root node of ``text``, or None after recording why it cannot be read."""
    if _find_tabs(text, path, problems):
        return None
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = f"{exc.context or ''} {exc.problem or ''}".strip()
        if any(hint in reason for hint in COLON_HINTS):
            problems.add(path, where, "yaml.colon")
        elif any(hint in reason for hint in _INDENT_HINTS):
            problems.add(path, where, "yaml.indent")
        else:
            problems.add(path, where, "yaml.syntax", reason=reason)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors such as bad bytes
        problems.add(path, (1, 1), "yaml.syntax", reason=str(exc))
        return None
    if node is None:
        problems.add(path, (1, 1), "yaml.empty")
        return None
    _duplicate_keys(node, path, problems)
    return node


def read(path, problems: Problems, display=None):
    display = display or path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(display, (1, 1), "yaml.encoding", reason=str(exc.reason))
        return None
    return parse(text, display, problems)
