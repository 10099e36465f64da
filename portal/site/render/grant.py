"""The heating-contribution page, generated from the grant rules in the content."""

from __future__ import annotations

from ...urls import grant_form, status_form
from .context import Page, Renderer
from .desks import poster_link
from .easy import easy_link
from .services import where_to_go

PATH = "contributo-riscaldamento.md"


def window_line(r: Renderer, window) -> str:
    line = r.date_span("window", window.opens, window.closes) or r.s("window_unknown")
    return r.marked(r.content.heating_grant, "rules.application_window", line, inline=True)


# The rule sentences: marked as one when a rule is to be confirmed (the window and the
# maximum have their own lines).
OWN_LINES = ("rules.application_window", "rules.max_amount")


def rules_pending(grant) -> bool:
    return any(
        p.field == "rules" or (p.field.startswith("rules.") and not p.field.startswith(OWN_LINES))
        for p in grant.to_confirm
    )


def form_button(r: Renderer) -> str:
    """The online pre-application, served by the forms service on the same host; while it is
    switched off (site_config/forms.yml), the desks with their days and hours instead."""
    if r.content.forms.online_forms.pre_application.state != "open":
        desks = where_to_go(r, r.content.desks, PATH)
        return (
            f'!!! warning "{r.s("form_closed_title")}"\n\n    {r.s("form_closed_grant")}\n\n{desks}'
        )
    button = f"[{r.s('form_link_grant')}]({grant_form(r.lang)}){{ .md-button .md-button--primary }}"
    window = r.content.heating_grant.rules.application_window
    if (window.opens or r.today) <= r.today <= (window.closes or r.today):
        return f"{r.s('grant_pre_now')}\n\n{button}"
    return button  # outside a known window the form itself says when it opens


def render_grant(r: Renderer) -> Page:
    grant = r.content.heating_grant
    rules = grant.rules
    title = r.plain(grant.title)
    rules_md = "\n".join(f"- {line}" for line in r.rule_lines(rules))
    if rules_pending(grant):
        rules_md = (
            '<div class="portal-tbc-value" data-pending="rules" markdown="1">\n\n'
            f"{r.badge('rules')}\n\n{rules_md}\n\n</div>"
        )
    # Each document to bring is marked on its own: the sources name only the ISEE.
    bring = "\n".join(
        f"- {r.marked(grant, f'what_to_bring[{i}]', r.inline(item), inline=True)}"
        for i, item in enumerate(grant.what_to_bring)
    )
    amount = r.s("grant_max", amount=r.money(rules.max_amount))
    parts = [
        f"# {title}",
        easy_link(r, grant, PATH),
        r.marked(grant, "summary", r.block(grant.summary)),
        f"## {r.s('grant_who')}\n\n{r.s('grant_who_intro')}\n\n{rules_md}",
        f"## {r.s('grant_how_much')}\n\n{r.marked(grant, 'rules.max_amount', amount)}",
        f"## {r.s('what_to_bring')}\n\n{r.marked(grant, 'what_to_bring', bring, deeper=False)}",
    ]
    # when the heating is on: not the dates to apply, said apart
    parts.append(r.section(grant, "season", r.s("grant_season"), r.block(grant.season)))
    parts.append(
        f"## {r.s('grant_how_to_apply')}\n\n"
        f"{r.marked(grant, 'how_to_apply', r.block(grant.how_to_apply))}\n\n"
        f"{window_line(r, rules.application_window)}\n\n{form_button(r)}"
    )
    after = [r.marked(grant, "what_happens_next", r.block(grant.what_happens_next))]
    after.append(f"{r.s('status_done_later')} [{r.s('status_link')}]({status_form(r.lang)})")
    parts.append(f"## {r.s('grant_next')}\n\n" + "\n\n".join(after))
    # How long it takes: empty, with its marker, while it is in to_confirm.
    parts.append(r.section(grant, "times", r.s("grant_times"), r.block(grant.times)))
    where = where_to_go(r, grant.desks, PATH)
    parts.append(r.section(grant, "desks", r.s("service_where"), where))
    parts.append(r.section(grant, "elsewhere", r.s("grant_elsewhere"), r.block(grant.elsewhere)))
    parts.append(r.section(grant, "funding", r.s("grant_funding"), r.block(grant.funding)))
    parts.append(poster_link(r, "grant"))
    return r.page(PATH, title, "\n\n".join(parts), grant.updated)
