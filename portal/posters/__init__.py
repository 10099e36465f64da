"""Notice-board posters: print-ready A4 PDFs made from the same content as the site.

Many residents never open a website: they read the notice board in the stairwell. A
poster carries Italian and up to two other languages side by side, each column with a QR
code to the same page in its own language.

- ``compose.py`` writes a poster as HTML from the content model (no generator involved);
- ``pdf.py`` turns it into a PDF with WeasyPrint, which shapes Arabic and Urdu through
  HarfBuzz and embeds the Noto fonts that ``make test`` installs;
- ``portal posters`` writes them all; the forms service makes one on request for the
  site's "poster to print" links (forms_service/web/poster_pages.py).
"""

from .compose import MAX_EXTRA_LANGUAGES, Poster, all_posters, find_poster, poster_html
from .pdf import to_pdf

__all__ = [
    "MAX_EXTRA_LANGUAGES",
    "Poster",
    "all_posters",
    "find_poster",
    "poster_html",
    "to_pdf",
]
