"""HTML to PDF with WeasyPrint. Fonts come from the system (fontconfig); the only URLs a
poster may hold are ``data:`` ones (its QR codes), so a poster never fetches anything."""

from __future__ import annotations

from collections.abc import Callable

SCALES = (1.0, 0.9, 0.8, 0.72, 0.65)  # tried in turn until the poster fits one page


def to_pdf(make_html: Callable[[float], str]) -> bytes:
    """``make_html(scale)`` laid out at the largest scale that fits one A4 page (a long
    list of what to ask, or a language that takes more room, shrinks the type a little
    rather than spilling onto a second sheet); the smallest scale if none fits."""
    # Imported here: WeasyPrint loads Pango at import, which `portal check` and the site
    # build never need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    for scale in SCALES:
        document = HTML(string=make_html(scale), url_fetcher=fetcher).render()
        if len(document.pages) == 1:
            break
    return document.write_pdf()
