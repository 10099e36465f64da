"""What is still to be confirmed: written once per item (to_confirm), validated with file and
line, listed by ``portal pending``, and never shown on a page without its marker."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.model import CONTENT_TYPES, Text, load
from portal.site.build import build
from portal.site.render import course_path, desk_path, event_path, page_path, service_path

from .conftest import only_problem, write
from .helpers import ROOT

COURSE_FILE = "content/courses/alfabetizzazione-digitale.yml"
EVENT_FILE = "content/events/pulizia-celadina.yml"


def _append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _without(root: Path, relative: str, *lines: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    for line in lines:
        assert line in text, line
        text = text.replace(line, "", 1)
    path.write_text(text, encoding="utf-8")


# --- the model: one list per item, checked with file, line and an Italian fix ------------


def test_an_unknown_field_is_named_with_its_line_and_the_fields_allowed(project):
    _append(project, COURSE_FILE, "  - field: cost\n    by: comune\n")
    problem = only_problem(project)
    lines = (project / COURSE_FILE).read_text(encoding="utf-8").splitlines()
    assert (problem.file, problem.line, problem.code) == (
        COURSE_FILE,
        len(lines) - 1,
        "pending.unknown_field",
    )
    assert problem.field == "to_confirm[5].field"
    assert "«cost» non è un campo che la pagina può segnare da confermare." in problem.message()
    assert "Forse intendevi «costs»?" in problem.message()
    assert "Si possono segnare: summary, how_to_join, audience, sessions" in problem.message()


def test_a_list_item_that_does_not_exist(project):
    _append(project, "content/heating-grant.yml", "  - field: what_to_bring[9]\n    by: comune\n")
    problem = only_problem(project)
    assert problem.code == "pending.bad_index"
    assert problem.message() == (
        "in «what_to_bring[9]» la voce non esiste: what_to_bring ha 5 voci, numerate da 0 a 4."
    )


def test_who_confirms_is_one_of_three(project):
    _append(project, COURSE_FILE, "  - field: audience\n    by: sportello\n")
    problem = only_problem(project)
    assert problem.field == "to_confirm[5].by"
    assert "«sportello» non è ammesso: scegli tra comune, team, organizer." in problem.message()


def test_the_same_field_twice(project):
    _append(project, COURSE_FILE, "  - field: costs\n    by: team\n")
    problem = only_problem(project)
    assert problem.code == "pending.duplicate"
    assert re.fullmatch(r"«costs» è già in to_confirm \(riga \d+\): .*", problem.message())


def test_the_old_flags_point_to_to_confirm(project):
    write(
        project,
        EVENT_FILE,
        (ROOT / EVENT_FILE)
        .read_text(encoding="utf-8")
        .replace("to_confirm:\n", "date_to_be_confirmed: true\nto_confirm:\n"),
    )
    problem = only_problem(project)
    assert problem.code == "field.replaced_by_to_confirm"
    assert "quello che è da confermare si scrive una volta sola" in problem.message()
    assert "- field: start" in problem.message()


def test_an_event_needs_its_place_or_says_it_is_to_be_confirmed(project):
    _without(
        project,
        EVENT_FILE,
        "  - field: place\n    by: organizer\n    note: Il punto di ritrovo a Celadina\n",
    )
    problem = only_problem(project)
    assert (problem.code, problem.field) == ("event.needs_place", "place")
    assert "- field: place" in problem.message()


def test_a_course_is_active_only_with_confirmed_dates(project):
    _append(project, COURSE_FILE, "status:\n  state: active\n")
    problem = only_problem(project)
    assert problem.code == "course.active_without_dates"
    assert "togli status" in problem.message()


def test_the_status_follows_from_the_data():
    content = load(ROOT)
    for course in content.courses.values():
        assert course.pending("sessions") is not None
        assert course.shown_status.state == "planned"


def test_an_event_has_no_language_unless_given():
    content = load(ROOT)
    assert content.events["pulizia-celadina"].languages == ()
    assert content.events["pulizia-celadina"].date_to_be_confirmed


# --- the register ----------------------------------------------------------------------------


def _portal(*args):
    return CliRunner().invoke(main, ["--root", str(ROOT), *args], catch_exceptions=False)


def test_pending_lists_every_entry_by_who_confirms_with_file_and_line():
    result = _portal("pending")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Da confermare: \d+ voci\.", lines[0])
    groups = [line for line in lines if line and not line.startswith(" ")][1:]
    assert [g.split(" (")[0] for g in groups] == [
        "Comune di Bergamo",
        "Team del portierato",
        "Chi organizza l'evento",
    ]
    content = load(ROOT)
    expected = sum(len(item.to_confirm) for item in _items(content))
    expected += len(content.forms.to_confirm)  # site_config/forms.yml: the privacy notice
    unavailable = [c for c in content.contacts.values() if c.status == "not_yet_available"]
    entries = [line for line in lines if line.startswith("  ")]
    assert len(entries) == expected + len(unavailable)
    for entry in entries:
        file, line = re.match(r"  (\S+\.yml):(\d+):\d+: ", entry).groups()
        assert (
            "- field:" in (ROOT / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
            or file == "site_config/contacts.yml"
        )
    assert (
        "  content/events/pulizia-celadina.yml:" in result.stdout
        and "pulizia-celadina: place — Il punto di ritrovo a Celadina" in result.stdout
    )


def test_check_with_warnings_ends_with_the_register():
    result = _portal("check", "--warnings")
    assert result.exit_code == 0
    assert result.stdout.index("Da confermare:") < result.stdout.index("Contenuti corretti.")
    assert "celadina: roles — Quali ruoli del team" in result.stdout
    assert "Da confermare:" not in _portal("check").stdout


# --- the pages: every item to be confirmed carries the marker, in every language ------------


def _items(content):
    for kind in CONTENT_TYPES:
        values = getattr(content, kind.name)
        yield from [values] if kind.single else values.values()


PAGES = {
    "desks": desk_path,
    "roles": lambda _: "servizi/index.md",
    "services": service_path,
    "courses": course_path,
    "events": event_path,
    "pages": page_path,
    "heating_grant": lambda _: "contributo-riscaldamento.md",
}


def _html_path(site: Path, lang: str, markdown_path: str) -> Path:
    folder = site if lang == "it" else site / lang
    stem = markdown_path.removesuffix(".md").removesuffix("index").rstrip("/")
    return folder / stem / "index.html"


class _Article(HTMLParser):
    """The text of a page's article, split into what is inside a to-be-confirmed element
    (one with data-pending) and what is not; and the data-pending paths found."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, inside a marker)
        self.depth = None  # the stack depth of <article>, once inside it
        self.inside, self.outside, self.paths = [], [], set()

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        if tag == "article" and self.depth is None:
            self.depth = len(self.stack)
        marked = bool(self.stack and self.stack[-1][1]) or "data-pending" in attrs
        if "data-pending" in attrs and self.depth is not None:
            self.paths.add(attrs["data-pending"])
        self.stack.append((tag, marked))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if self.depth is not None and len(self.stack) <= self.depth:
            self.depth = -1  # the article is over

    def handle_data(self, data):
        if self.depth is not None and self.depth >= 0:
            (self.inside if self.stack and self.stack[-1][1] else self.outside).append(data)


def _read(page: Path) -> _Article:
    parser = _Article()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _plain(markdown: str) -> str:
    """A stretch of a text as the page shows it: its first line, without Markdown."""
    line = markdown.strip().splitlines()[0]
    return re.sub(r"[*_#`\[\]]|^[-0-9.]+\s", "", line).strip()[:80]


def _statements(content, item, path: str, lang: str) -> list[str]:
    """What the page states for ``path``: the pieces of text it must show only marked."""
    value = item
    for name, index in re.findall(r"([a-z_]+)(?:\[([0-9]+)\])?", path):
        value = getattr(value, name, None)
        value = value[int(index)] if index and value else value
    values = value if isinstance(value, tuple) else (value,)
    found = []
    for one in values:
        if isinstance(one, Text):
            found.append(_plain(one.resolve(lang)[0]))
        elif path == "roles":
            found.append(content.roles[one].title.resolve(lang)[0])
        elif path == "desks":
            found.append(content.desks[one].name.resolve(lang)[0])
        elif path == "address" and one is not None:
            found.append(one.street)
    return [piece for piece in found if piece]


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith((b + ".", b + "[")) or b.startswith((a + ".", a + "["))


def _assert_marked(site: Path, content) -> int:
    """Every to_confirm entry of every item: its page, in every language, has the marker, and
    no provisional value of it shows outside a marker. Returns how many were checked."""
    checked = 0
    for kind in CONTENT_TYPES:
        values = getattr(content, kind.name)
        for item in [values] if kind.single else values.values():
            for lang in content.codes:
                page = _read(_html_path(site, lang, PAGES[kind.name](item.id)))
                outside = " ".join(" ".join(page.outside).split())
                for entry in item.to_confirm:
                    assert any(_related(entry.field, p) for p in page.paths), (
                        f"{kind.name}/{item.id} ({lang}): {entry.field} has no marker"
                    )
                    for statement in _statements(content, item, entry.field, lang):
                        assert " ".join(statement.split()) not in outside, (
                            f"{kind.name}/{item.id} ({lang}): «{statement}» of {entry.field} "
                            "is stated without its marker"
                        )
                    checked += 1
    return checked


@pytest.fixture
def site(shipped_site) -> Path:
    """The shipped content built on 2026-11-22, once for the run (conftest.py), read-only."""
    return shipped_site


def test_shipped_pages_mark_everything_to_be_confirmed(site):
    content = load(ROOT)
    assert _assert_marked(site, content) >= 25 * len(content.codes)
    marker = {code: content.strings[code]["pending_badge"] for code in content.codes}
    for code in content.codes:
        html = _html_path(site, code, desk_path("celadina")).read_text(encoding="utf-8")
        assert f'data-pending="roles">{marker[code]}</span>' in html
        assert content.strings[code]["pending_help"].split(" ")[0] in html


# --- never in words: what is not known is data, shown by the marker -------------------------

# The ways texts used to say "to be confirmed" in words, besides each language's own words for
# the marker (its strings to_be_confirmed and pending_badge): "urmează să fie confirmată",
# "ще має підтвердити", "待Comune di Bergamo确认".
SAID_IN_WORDS = {
    "ro": (r"urmează să fie confirmat",),
    "uk": (r"ще ма(?:є|ють) підтвердити",),
    "zh": (r"待[^。：]{0,30}确认",),
}


def _in_words(content, lang: str) -> re.Pattern:
    strings = content.strings[lang]
    words = {strings[key].casefold() for key in ("to_be_confirmed", "pending_badge")}
    return re.compile("|".join([*map(re.escape, sorted(words)), *SAID_IN_WORDS.get(lang, ())]))


def _says_it(pattern: re.Pattern, text: str | dict) -> bool:
    if isinstance(text, dict):  # one form per plural category
        text = " ".join(text.values())
    return bool(pattern.search(" ".join(text.replace("**", "").casefold().split())))


class _Unmarked(_Article):
    """The article's text outside the markers, the line under the page that explains them
    counted as one of them."""

    def handle_starttag(self, tag, attrs):
        if ("class", "portal-tbc-help") in attrs:
            attrs = [*attrs, ("data-pending", "help")]
        super().handle_starttag(tag, attrs)


def test_no_text_says_to_be_confirmed_in_words_in_any_language():
    """What is not known is a to_confirm entry or a contact not yet available, which the page
    shows with its marker and `portal pending` lists: never words in a text, which neither
    the marker nor the list would know about."""
    content = load(ROOT)
    said = {lang: _in_words(content, lang) for lang in content.codes}
    for lang, phrase in [
        ("it", "Contatti: **da confermare**."),
        ("ro", "Adresa **urmează să fie confirmată**."),
        ("uk", "Ліцензію ще має підтвердити Comune."),
        ("zh", "许可协议**待Comune di Bergamo确认**。"),
        ("ar", "البريد الإلكتروني: **بانتظار التأكيد**."),
    ]:
        assert _says_it(said[lang], phrase), (lang, phrase)  # the check sees what it must
    found = [
        f"{file}: {field} ({lang})"
        for file, field, text, _mark in content.texts
        if not file.startswith("site_config/strings/")  # the interface's own words: the marker's
        for lang, value in text.values.items()
        if _says_it(said[lang], value)
    ]
    found += [  # the italiano semplice pages
        f"{item.id}: easy"
        for item in _items(content)
        if getattr(item, "easy", None) and _says_it(said[content.source_language], item.easy)
    ]
    assert found == [], "say it with to_confirm or a contact's status, not in words"


def test_no_page_says_to_be_confirmed_in_words_outside_a_marker(site):
    """The same on every built page, in its language: the words appear only in a marker and
    in the line under the page that explains it."""
    content = load(ROOT)
    checked = 0
    for lang in content.codes:
        folder = site if lang == content.source_language else site / lang
        said = _in_words(content, lang)
        for page in sorted(folder.rglob("index.html")):
            if lang == content.source_language and page.relative_to(site).parts[0] in (
                content.codes
            ):
                continue  # another language's page
            parser = _Unmarked()
            parser.feed(page.read_text(encoding="utf-8"))
            outside = " ".join(parser.outside)
            assert not _says_it(said, outside), f"{page.relative_to(site)} says it in words"
            checked += 1
    assert checked > 20 * len(content.codes)


def test_courses_are_not_active_while_their_dates_are_to_be_confirmed(site):
    content = load(ROOT)
    for code in content.codes:
        strings = content.strings[code]
        for course in content.courses.values():
            html = _html_path(site, code, course_path(course.id)).read_text(encoding="utf-8")
            status = re.search(r'class="portal-status [^"]*">([^<]*)</p>', html)[1]
            assert strings["status_planned"] in status and strings["status_active"] not in status


def test_the_event_states_no_language_and_no_desk_as_its_place(site):
    content = load(ROOT)
    html = _html_path(site, "en", event_path("pulizia-celadina")).read_text(encoding="utf-8")
    facts = dict(re.findall(r"<li><strong>(\w+)</strong>: (.*?)</li>", html))
    badge = content.strings["en"]["pending_badge"]
    assert re.sub(r"<[^>]+>", "", facts["Languages"]) == badge  # no "Italian" by default
    assert re.sub(r"<[^>]+>", "", facts["Where"]) == badge  # not the Celadina desk


@pytest.mark.timeout(240)
def test_every_field_that_can_be_to_be_confirmed_is_marked(project, tmp_path):
    """Mark every field each type allows, in one item of each, and build: each one shows."""
    for kind in CONTENT_TYPES:
        path = project / kind.location
        file = path if kind.single else sorted(path.glob("*.yml"))[0]
        text = file.read_text(encoding="utf-8")
        if "\nto_confirm:\n" not in text:
            text += "to_confirm:\n"
        head, _, listed = text.partition("\nto_confirm:\n")
        have = set(re.findall(r"- field: (\S+)", listed))
        extra = "".join(
            f"  - field: {name}\n    by: comune\n"
            for name in kind.cls.CONFIRMABLE
            if not any(_related(name, field) for field in have)
        )
        file.write_text(f"{head}\nto_confirm:\n{extra}{listed}", encoding="utf-8")
    content = load(project)
    out = tmp_path / "site"
    build(project, out, today=date(2026, 11, 22))
    assert _assert_marked(out, content) > 0
