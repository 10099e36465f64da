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
COLON_HINTS = (
    "mapping values are not allowed here",
    "mapping values are not allowed in this context",
)


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
                    problems.add(
                        path, mark_of(key), "yaml.duplicate_key", key=key.value, first=first
                    )
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
        where, code, params = _explain(text, exc)
        problems.add(path, where, code, **params)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors such as bad bytes
        problems.add(path, (1, 1), "yaml.syntax", reason=str(exc))
        return None
    if node is None:
        problems.add(path, (1, 1), "yaml.empty")
        return None
    _duplicate_keys(node, path, problems)
    return node


def _explain(text: str, exc: yaml.MarkedYAMLError) -> tuple[tuple[int, int], str, dict]:
    """Where the file breaks, and which message says how to fix it."""
    quote = _quote_problem(text, exc)
    if quote:
        return quote
    mark = exc.problem_mark or exc.context_mark
    where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = f"{exc.context or ''} {exc.problem or ''}".strip()
    if any(hint in reason for hint in COLON_HINTS):
        return where, "yaml.colon", {}
    if any(hint in reason for hint in _INDENT_HINTS):
        return where, "yaml.indent", {}
    return where, "yaml.syntax", {"reason": reason}


# --- quotes ----------------------------------------------------------------------------
# The parser blames what follows a broken quoted text, often on the next line, in words
# about indentation. The quoted text is the culprit when it never ends, when it ends on a
# later line than it began (its closing quote was meant to open the next value), or when
# more text follows it on its line (quotes inside a text enclosed in the same quotes).


def _quote_problem(text: str, exc: yaml.MarkedYAMLError):
    lines = text.splitlines()
    if (
        exc.context == "while scanning a quoted scalar"
        and exc.context_mark
        and any(end in (exc.problem or "") for end in ("end of stream", "document separator"))
    ):
        return _unclosed(lines, exc.context_mark.line, exc.context_mark.column)
    token = _quoted_before(text, lines, exc.problem_mark)
    if token is None:
        return None
    start = token.start_mark
    if start.line != token.end_mark.line:
        return _unclosed(lines, start.line, start.column)
    return _nested(lines, start.line, start.column)


def _quoted_before(text: str, lines: list[str], mark):
    """The quoted text that ends just before ``mark``, with only spaces between."""
    if mark is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            last = token
    except yaml.YAMLError:
        pass  # the tokens read so far are enough
    if not isinstance(last, yaml.ScalarToken) or last.style not in ('"', "'"):
        return None
    end = last.end_mark
    if end.line != mark.line or lines[mark.line][end.column : mark.column].strip():
        return None
    return last


def _unclosed(lines, line: int, column: int):
    quote = lines[line][column]
    return (line + 1, column + 1), "yaml.quote_unclosed", {"fixed": lines[line].strip() + quote}


def _nested(lines, line: int, column: int):
    raw = lines[line]
    quote, key, value = raw[column], raw[:column].strip(), raw[column:].rstrip()
    inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else value
    fixed = f"{key} {requote(inner)}".strip()
    return (line + 1, column + 1), "yaml.quote_nested", {"quote": quote, "fixed": fixed}


def requote(text: str) -> str:
    """``text`` in quotes that YAML reads back unchanged."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"  # in single quotes, '' is one quote


def read(path, problems: Problems, display=None):
    display = display or path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(display, (1, 1), "yaml.encoding", reason=str(exc.reason))
        return None
    return parse(text, display, problems)
