"""gunicorn's access log, with what the client sent escaped (web/logsafe.py says why):

gunicorn --logger-class forms_service.access_log.AccessLogger ...
"""

from __future__ import annotations

from gunicorn.glogging import Logger, SafeAtoms

from .web.logsafe import loggable


class EscapedAtoms(SafeAtoms):
    """gunicorn's access-log values (path, query, headers…), each made ``loggable``."""

    def __init__(self, atoms: dict) -> None:
        super().__init__(
            {
                key: loggable(value) if isinstance(value, str) else value
                for key, value in atoms.items()
            }
        )


class AccessLogger(Logger):
    """gunicorn's logger with an access log that escapes what the client sent."""

    atoms_wrapper_class = EscapedAtoms
