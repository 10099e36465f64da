"""HTML forms under /moduli/<lang>/: they work without JavaScript and look like the site.

The blueprint lives in ``forms_common``; importing the page modules registers their
routes on it. ``create_app`` only needs ``forms.bp``.
"""

from __future__ import annotations

from . import forms_events, forms_grant  # noqa: F401  (they register the routes)
from .forms_common import bp

__all__ = ["bp"]
