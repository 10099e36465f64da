"""Two signed session cookies instead of one: the residents' form answers (``portal_form``)
and the desk team's login (``portal_staff``, sent only under /staff/) never share a cookie.

Flask's own signed-cookie sessions, with only the cookie's name and path chosen per area;
what the staff cookie holds is a random id of a server-side session (web/staff_auth.py).
"""

from __future__ import annotations

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from portal.urls import STAFF_PREFIX

STAFF_COOKIE = "portal_staff"


def in_staff_area() -> bool:
    if not has_request_context():
        return False
    # Asked several times per request (session, cookie name and path, CSRF): answer once.
    environ = request.environ
    if "portal.staff_area" not in environ:
        path = request.path
        environ["portal.staff_area"] = path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/")
    return environ["portal.staff_area"]


class AreaSessionInterface(SecureCookieSessionInterface):
    def get_cookie_name(self, app) -> str:
        return STAFF_COOKIE if in_staff_area() else super().get_cookie_name(app)

    def get_cookie_path(self, app) -> str:
        return STAFF_PREFIX + "/" if in_staff_area() else super().get_cookie_path(app)
