"""Italiano semplice: an easy-Italian version of the key pages (desks, heating contribution,
rules), for residents who read Italian with difficulty.

These pages exist in Italian only, so their few labels are Italian here rather than in
site_config/strings (where every language would have to translate them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ...markup import loosen_lists
from .context import Page, Renderer
from .openings import openings_line

FOLDER = "facile"
LINK = "Leggi questa pagina in italiano semplice"
BACK = "Leggi la versione completa"
SUFFIX = "in italiano semplice"
EASY_PENDING_HELP = "«Da confermare» vuol dire: non è ancora sicuro. Chiedi allo sportello."


def easy_path(path: str) -> str:
    return f"{FOLDER}/{path}"


def easy_link(r: Renderer, item, path: str) -> str:
    """A line at the top of the full Italian page, when an easy version exists."""
    if r.lang != r.source or not getattr(item, "easy", None):
        return ""
    return (
        f'<div class="portal-easy-link" markdown="1">\n\n{r.link(easy_path(path), LINK, path)}'
        f"\n\n</div>"
    )


def render_easy(
    r: Renderer, item, path: str, title: str, facts: Iterable[str] = (), block: str = ""
) -> Page:
    """The easy text, after the facts that come from data (so they are written once): a
    list of ``facts``, or a ``block`` of Markdown that goes after the text's first paragraph
    (which says what the page is about)."""
    here = easy_path(path)
    r.pending_help = EASY_PENDING_HELP
    lines = "\n".join(f"- {fact}" for fact in facts)
    intro, _, rest = loosen_lists(r.fill(item.easy)).partition("\n\n")
    text = [intro, block, rest] if block else [intro, rest]
    body = "\n\n".join(
        part
        for part in [
            f"# {title}",
            f"*{SUFFIX}*",
            lines,
            *text,
            r.link(path, BACK, here),
        ]
        if part
    )
    page = r.page(here, f"{title} – {SUFFIX}", body, item.updated)
    return replace(page, full_version=page_url(path))


def page_url(path: str) -> str:
    """A docs path's address below the language root: "sportelli/celadina.md" ->
    "sportelli/celadina/", "regole.md" -> "regole/" (use_directory_urls)."""
    stem = path.removesuffix(".md")
    stem = stem.removesuffix("index") if stem.endswith("/index") or stem == "index" else stem
    return f"{stem}/" if stem and not stem.endswith("/") else stem


def desk_facts(r: Renderer, desk) -> list[str]:
    return [
        f"**Dove**: {r.desk_address(desk)}.",
        f"**Quando**: {r.desk_hours(desk)}.<br>{openings_line(r, desk)}",
    ]


# The kinds of heating, said simply (the rules name them; the form asks the same way).
HEATING = {
    "centralized": "un solo impianto per tutto il palazzo, anche il teleriscaldamento",
    "autonomous": "una caldaia solo per la tua casa",
}


def grant_rules(r: Renderer, rules) -> str:
    """The grant's rules in short, whole sentences, with a lead-in and the maximum amount:
    the full page's rules are fragments of one long sentence, too hard here."""
    heating = r.either(r.s(f"heating_{kind}") for kind in rules.heating_types)
    kinds = "; ".join(HEATING[kind] for kind in rules.heating_types if kind in HEATING)
    bands = " o ".join(f"nella fascia {r.s(f'band_{band}')}" for band in rules.bands)
    months = rules.min_tenancy_months
    lines = [
        f"Hai una casa SAP assegnata a te da almeno {months} mesi. "
        "Se hai cambiato casa SAP, conta anche la casa di prima.",
        f"La casa ha il riscaldamento {heating}" + (f": {kinds}." if kinds else "."),
        f"Sei {bands}.",
        f"Il tuo ISEE va da {r.money(rules.isee.min)} a {r.money(rules.isee.max)}.",
        "Se hai debiti per l'affitto o per le spese comuni, hai un piano di rientro."
        if rules.arrears_need_repayment_plan
        else "Puoi avere il contributo anche se hai debiti per l'affitto.",
    ]
    return "\n\n".join(
        [
            "## Chi può avere il contributo",
            "Puoi averlo se è vero tutto questo:",
            "\n".join(f"- {line}" for line in lines),
            "Non sai che riscaldamento hai, o qual è la tua fascia? "
            "Puoi fare lo stesso la pre-domanda: il team controlla.",
            "## Quanto",
            f"Il contributo è al massimo di {r.money(rules.max_amount)}.",
        ]
    )
