"""The ``portal`` command: check content, build the site, report translations, preview."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .model import CONTENT_TYPES, ContentError, Problems, load
from .model import check as check_content
from .model.loader import SETTINGS_FILES


def print_problems(problems, show_warnings: bool) -> None:
    for problem in problems:
        if problem.severity == "error" or show_warnings:
            click.echo(problem.format(), err=True)


def fail_with(problems) -> None:
    print_problems(problems, False)
    errors = [p for p in problems if p.severity == "error"]
    raise click.ClickException(
        f"{plural(len(errors), 'errore', 'errori')} nei contenuti: correggili e riprova."
    )


@click.group()
@click.option(
    "--root",
    envvar="PORTAL_ROOT",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that holds content/ and site_config/.",
)
@click.pass_context
def main(ctx, root):
    """Vivere SAP portal: content checks, site build, translations and preview."""
    ctx.obj = root.resolve()


@main.command()
@click.option(
    "--warnings/--no-warnings",
    "show_warnings",
    default=False,
    help="Also list every missing translation, and what is still to be confirmed.",
)
@click.pass_obj
def check(root, show_warnings):
    """Validate everything under content/ and site_config/."""
    result = check_content(root)
    problems = result if isinstance(result, Problems) else result.problems
    print_problems(problems.sorted(), show_warnings)
    if show_warnings and not isinstance(result, Problems):
        _echo_register(result)  # the last section: what the site shows as "to be confirmed"
    errors, warnings = len(problems.errors), len(problems.warnings)
    counted = f"{plural(warnings, 'avviso', 'avvisi')}"
    if errors:
        click.echo(f"{plural(errors, 'errore', 'errori')} da correggere, {counted}.", err=True)
        sys.exit(1)
    click.echo(
        f"Contenuti corretti. {counted} (traduzioni mancanti: vedi "  # test_docs.py finds this
        "`make translations`)."
    )


@main.command()
@click.pass_obj
def pending(root):
    """List what is still to be confirmed, by who can confirm it: the checklist before going
    live."""
    _echo_register(_load_or_fail(root))


def _echo_register(content) -> None:
    from .model.pending import format_register, register

    for line in format_register(register(content)):
        click.echo(line)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@main.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the site (default: site/ under the root).",
)
@click.pass_obj
def build(root, site_dir):
    """Check the content and build the static site into site/ (swapped in on success)."""
    from .site.build import BuildFailed
    from .site.build import build as build_site

    try:
        result = build_site(root, site_dir)
    except ContentError as exc:
        fail_with(exc.problems)
    except BuildFailed as exc:
        raise click.ClickException(f"la costruzione del sito non è riuscita: {exc}") from exc
    click.echo(
        f"Sito costruito in {result.site_dir}: {result.pages} pagine, "
        f"lingue {', '.join(result.languages)}."
    )


@main.command()
@click.option("--details", is_flag=True, help="List every missing or outdated text.")
@click.pass_obj
def translations(root, details):
    """Per language: texts missing, outdated, and reviewed by a person."""
    from .translations import format_readability, format_table, readability, report

    content = _load_or_fail(root)
    click.echo(format_table(report(content), details))
    click.echo(format_readability(readability(content)))


@main.command("export-translations")
@click.argument("lang")
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write the JSON (default: standard output).",
)
@click.pass_obj
def export_translations(root, lang, out):
    """Every text with its Italian source, as JSON for a translator of LANG to fill in."""
    from .translation_files import export

    content = _load_or_fail(root)
    if lang not in content.codes:
        raise click.ClickException(f"la lingua «{lang}» non è in site_config/languages.yml.")
    json.dump(export(content, lang), out, ensure_ascii=False, indent=1)
    out.write("\n")


@main.command("import-translations")
@click.argument("lang")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--reviewer",
    default=None,
    help="Who reviewed these texts: every text imported is recorded as reviewed by them.",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="When they reviewed them (YYYY-MM-DD; default: today).",
)
@click.pass_obj
def import_translations(root, lang, file, reviewer, day):
    """Write the LANG texts of an exported and filled-in FILE into content/ and site_config/.

    With --reviewer, exactly the texts written are recorded as reviewed by a person
    (site_config/reviews/LANG.yml); the review lapses when the Italian changes.
    """
    from .translation_files import import_file

    content = _load_or_fail(root)
    if lang not in content.codes or lang == content.source_language:
        raise click.ClickException(f"«{lang}» non è una lingua di traduzione del sito.")
    if reviewer is not None and not reviewer.strip():
        raise click.ClickException("--reviewer vuole il nome di chi ha rivisto i testi.")
    try:
        written, reviewed = import_file(
            root,
            json.load(file),
            lang,
            reviewer=reviewer.strip() if reviewer else None,
            day=day.date() if day else None,
            current=content.reviews.records.get(lang, {}),
        )
    except (ValueError, KeyError, StopIteration) as exc:
        raise click.ClickException(f"il file non corrisponde ai contenuti attuali: {exc}") from exc
    result = check_content(root)
    if isinstance(result, Problems):
        fail_with(result.sorted())
    revised = (
        f" {plural(reviewed, 'revisione registrata', 'revisioni registrate')}." if reviewed else ""
    )
    click.echo(f"{written} testi scritti in {lang}.{revised} Contenuti corretti.")


@main.command()
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="CODE",
    help="A language beside Italian (at most two; repeat the option for the second).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("manifesti"),
    show_default=True,
    help="Folder for the PDFs.",
)
@click.pass_obj
def posters(root, langs, out):
    """Print-ready A4 PDFs for the notice board: each desk, the heating contribution and each
    coming event, in Italian and up to two other languages side by side."""
    from datetime import date
    from functools import partial

    from . import urls
    from .posters import MAX_EXTRA_LANGUAGES, all_posters, poster_html, to_pdf

    content = _load_or_fail(root)
    unknown = [code for code in langs if code not in content.codes]
    if unknown:
        raise click.ClickException(
            f"lingua sconosciuta: {', '.join(unknown)}. "
            f"Lingue del sito: {', '.join(content.codes)}."
        )
    extra = tuple(dict.fromkeys(c for c in langs if c != content.source_language))
    if len(extra) > MAX_EXTRA_LANGUAGES:
        raise click.ClickException(
            f"al massimo {MAX_EXTRA_LANGUAGES} lingue oltre all'italiano: un A4 non ha spazio "
            "per più colonne."
        )
    out.mkdir(parents=True, exist_ok=True)
    today = date.today()
    suffix = "-".join((content.source_language, *extra))
    for poster in all_posters(content, today):
        target = out / f"{poster.name}-{suffix}.pdf"
        target.write_bytes(
            to_pdf(partial(poster_html, content, poster, extra, urls.site_url(), today))
        )
        click.echo(f"{target}")


def _load_or_fail(root):
    try:
        return load(root)
    except ContentError as exc:
        fail_with(exc.problems)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder for the .schema.json files (under the root).",
)
@click.pass_obj
def schema(root, out):
    """Write the JSON Schema of every content type, for editors' validation."""
    from .model.jsonschema import document

    result = check_content(root)
    if isinstance(result, Problems):
        fail_with(result.sorted())  # the schemas list the site's languages, so they must load
    languages = result.codes
    folder = out if out.is_absolute() else root / out
    folder.mkdir(parents=True, exist_ok=True)
    for name, cls in schema_types():
        text = json.dumps(document(cls, name, languages), ensure_ascii=False, indent=2)
        (folder / f"{name}.schema.json").write_text(text + "\n", encoding="utf-8")
    click.echo(f"Schemi scritti in {folder}.")


def schema_types():
    yield from ((kind.name, kind.cls) for kind in CONTENT_TYPES)
    yield from ((name, cls) for name, (cls, _) in SETTINGS_FILES.items())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Rebuild and reload the browser when content changes.",
)
@click.pass_obj
def serve(root, host, port, watch):
    """Build the site and serve it with the forms service on http://HOST:PORT.

    One process, for previews and the embedded default (SQLite). Settings come from
    PORTAL_DATABASE_URL, PORTAL_SECRET_KEY and PORTAL_RATE_LIMITS; production runs
    forms_service.wsgi:app under gunicorn behind nginx instead.
    """
    from werkzeug.serving import run_simple

    from .preview import Preview, QuietRequestHandler, combined_app, static_app

    site_dir = root / "site"
    preview = Preview(root, site_dir, echo=lambda line: click.echo(line, err=True))
    if not preview.rebuild() and not site_dir.exists():
        raise click.ClickException("nessun sito da servire: correggi gli errori qui sopra.")
    service = _service_or_fail(root)
    if watch:
        preview.start_watching()
    app = combined_app(static_app(site_dir, preview if watch else None), service)
    click.echo(f"Portale su http://{host}:{port}/ (Ctrl+C per fermare).")
    run_simple(host, port, app, threaded=True, request_handler=QuietRequestHandler)


@main.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.pass_obj
def purge(root, dry_run):
    """Delete form data past its retention period (site_config/forms.yml). Run it daily."""
    from forms_service import maintenance

    done = maintenance.purge(_service_or_fail(root), dry_run)
    verb = "da cancellare" if dry_run else "cancellate"
    click.echo(
        f"Pre-domande {verb}: {done.pre_applications}. Iscrizioni {verb}: {done.registrations}. "
        f"Voci del registro delle attività {verb}: {done.audit_entries}."
    )


@main.command("send-mail")
@click.option(
    "--loop",
    "every",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Keep going: send, wait SECONDS, send again, until stopped (instead of cron).",
)
@click.option("--quiet", is_flag=True, help="Say something only when an e-mail is given up.")
@click.pass_obj
def send_mail(root, every, quiet):
    """Send the e-mail waiting in the outbox (PORTAL_SMTP_URL). Run it every minute.

    A mail server that is down is no error: the e-mail waits and is tried again later,
    less and less often; after the last attempt it is given up, and that is reported.
    """
    import time

    from forms_service import maintenance

    service = _service_or_fail(root)
    while True:
        done = maintenance.send_mail(service)
        if done.off:
            line = f"Invio spento (PORTAL_SMTP_URL vuoto): {done.waiting} e-mail in attesa."
        else:
            line = (
                f"E-mail inviate: {done.sent}. Da riprovare: {done.retrying}. "
                f"Abbandonate: {done.gave_up}. In attesa: {done.waiting}."
            )
        if not quiet or done.gave_up:
            click.echo(line)
        if every is None:
            return
        time.sleep(every)


@main.command()
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@click.pass_obj
def backup(root, dest, force):
    """A consistent copy of the forms database in the file DEST, while the service runs.

    SQLite: the online backup API, checked with PRAGMA integrity_check; PostgreSQL:
    pg_dump --format=custom. DEST appears only once the copy is complete and checked.
    """
    from forms_service import maintenance

    with _refusals():
        copy = maintenance.backup(_service_or_fail(root), dest, force)
    size = f"{copy.size:,}".replace(",", ".")  # Italian thousands: 49.152
    click.echo(
        f"Copia salvata in {copy.path} ({size} byte, schema {copy.version}), integrità verificata."
    )
    _echo_rows(copy.rows)


@main.command()
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.pass_obj
def restore(root, src, force):
    """Put the copy SRC (made by `portal backup`) back as the forms database, then migrate it.

    Refused when the database holds any row, unless --force, and for a copy made by a newer
    version of the portal.
    """
    from forms_service import maintenance

    with _refusals():
        copy = maintenance.restore(_service_or_fail(root), src, force)
    click.echo(f"Database ripristinato da {copy.path} (copia allo schema {copy.version}).")
    _echo_rows(copy.rows)


def _echo_rows(rows: dict[str, int]) -> None:
    click.echo("Righe per tabella:")
    for table, count in rows.items():
        click.echo(f"  {table:<26} {count:>8}")


@main.group()
def staff():
    """The desk team's accounts (the only way to make one: there is no default account)."""


@staff.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["operator", "coordinator"]),
    required=True,
    help="operator: works the desks; coordinator: also accounts, audit, statistics.",
)
@click.pass_obj
def staff_add(root, name, role):
    """Create account NAME; the password is read from standard input."""
    from forms_service import maintenance

    service = _service_or_fail(root)
    password = _read_password()
    with _refusals():
        made = maintenance.add_account(service, name, role, password)
    click.echo(f"Account «{made}» creato con ruolo {role}.")


@staff.command("password")
@click.argument("name")
@click.pass_obj
def staff_password(root, name):
    """Give NAME a new password (read from standard input); their sessions end."""
    from forms_service import maintenance

    service = _service_or_fail(root)
    password = _read_password()
    with _refusals():
        maintenance.set_password(service, name, password)
    click.echo(f"Password di «{name}» cambiata; le sue sessioni aperte sono chiuse.")


@staff.command("disable")
@click.argument("name")
@click.pass_obj
def staff_disable(root, name):
    """Disable NAME: they can no longer log in, and their open sessions end now."""
    from forms_service import maintenance

    with _refusals():
        maintenance.disable_account(_service_or_fail(root), name)
    click.echo(f"Account «{name}» disattivato.")


@staff.command("list")
@click.pass_obj
def staff_list(root):
    """Every account with its role and state."""
    from forms_service import maintenance

    rows = maintenance.list_accounts(_service_or_fail(root))
    if not rows:
        click.echo("Nessun account: creane uno con `portal staff add NOME --role coordinator`.")
    for row in rows:
        state = "disattivato" if row["disabled_at"] else "attivo"
        click.echo(
            f"{row['username']:<24} {row['role']:<12} {state:<12} creato {row['created_at'][:10]}"
        )


def _read_password() -> str:
    """Twice, hidden, at a terminal; one line from a pipe (for scripts)."""
    stdin = sys.stdin
    if stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt="Ripeti la password")
    line = stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("nessuna password su standard input.")
    return line


@contextmanager
def _refusals():
    from forms_service.maintenance import AccountRefused
    from forms_service.storage.backup import BackupRefused

    try:
        yield
    except (AccountRefused, BackupRefused) as exc:
        raise click.ClickException(str(exc)) from None


def _service_or_fail(root: Path):
    """The forms service app, as gunicorn would make it, or a message that says what to fix."""
    from forms_service import create_app

    try:
        return create_app(root=root)
    except ContentError as exc:
        fail_with(exc.problems)
    except ValueError as exc:  # a malformed setting: the message names it
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":
    main()
