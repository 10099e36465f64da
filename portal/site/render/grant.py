"""The heating-contribution page, generated from the grant rules in the content."""

from __future__ import annotations

from ...urls import grant_form, status_form
from .context import Page, Renderer
from .easy import easy_link
from .services import where_to_go

PATH = "contributo-riscaldamento.md"


def window_line(r: Renderer, window) -> str:
    return r.date_span("window", window.opens, window.closes) or r.s("window_unknown")


def form_button(r: Renderer) -> str:
    """The online pre-application, served by the forms service on the same host."""
    return f"[{r.s('form_link_grant')}]({grant_form(r.lang)}){{ .md-button .md-button--primary }}"


def render_grant(r: Renderer) -> Page:
    grant = r.content.heating_grant
    rules = grant.rules
    title = r.plain(grant.title)
    rules_md = "\n".join(f"- {line}" for line in r.rule_lines(rules))
    bring = "\n".join(f"- {r.inline(item)}" for item in grant.what_to_bring)
    parts = [
        f"# {title}",
        easy_link(r, grant, PATH),
        r.block(grant.summary),
        f"## {r.s('grant_who')}\n\n{r.s('grant_who_intro')}\n\n{rules_md}",
        f"## {r.s('grant_how_much')}\n\n{r.s('grant_max', amount=r.money(rules.max_amount))}",
        f"## {r.s('what_to_bring')}\n\n{bring}",
        f"## {r.s('grant_how_to_apply')}\n\n{r.block(grant.how_to_apply)}\n\n"
        f"{window_line(r, rules.application_window)}\n\n{form_button(r)}",
    ]
    after = [r.block(grant.what_happens_next)] if grant.what_happens_next else []
    after.append(f"{r.s('status_done_later')} [{r.s('status_link')}]({status_form(r.lang)})")
    parts.append(f"## {r.s('grant_next')}\n\n" + "\n\n".join(after))
    if grant.desks:
        parts.append(f"## {r.s('service_where')}\n\n{where_to_go(r, grant.desks, PATH)}")
    if grant.funding:
        parts.append(f"## {r.s('grant_funding')}\n\n{r.block(grant.funding)}")
    return r.page(PATH, title, "\n\n".join(parts), grant.updated)
