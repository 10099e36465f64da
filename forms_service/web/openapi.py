"""The API contract, served at /api/openapi.json. The bodies' schemas are derived from the
forms' declarations (domain/forms.py) and enumerations from the content (languages,
desks), so the document and the service cannot disagree."""

from __future__ import annotations

from datetime import date

from portal.model.fields import SLUG

from ..domain.forms import ELIGIBILITY, PRE_APPLICATION, REGISTRATION, Facts
from ..domain.references import ALPHABET, PREFIXES
from .requests import KEY


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _body(schema: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": ref},
            "application/x-www-form-urlencoded": {"schema": ref},
        },
    }


def _ok(schema: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


# An Error too: an Idempotency-Key first used for another form is a 422 key_reused, and one
# sent again with a different body a 422 key_changed (the first submission stays secret).
INVALID = {
    "description": "Invalid fields, not eligible, or key reused or changed",
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/FieldErrors"},
                    {"$ref": "#/components/schemas/Eligibility"},
                    {"$ref": "#/components/schemas/Error"},
                ]
            }
        }
    },
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Same key, same result: a retry never stores twice.",
    "schema": {"type": "string", "pattern": KEY.pattern},
}
# Any other value falls back to Italian; the contract names the languages there are.
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}}
REGISTRATION_REFERENCE = f"^{PREFIXES['registration']}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$"


def _lang(langs: list) -> dict:
    return {**LANG, "schema": {"type": "string", "enum": langs}}


def _schemas(langs: list, desks: list) -> dict:
    facts = Facts(date.today(), tuple(desks))  # the day only matters for parsing, not here
    lang = {"type": "string", "enum": langs}
    # Every text says its language beside it: the one asked for, or Italian where the
    # translation is missing (``lang`` in a message object, ``<name>_lang`` elsewhere).
    text_lang = {**lang, "description": "The language of the text beside it"}
    message = {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "lang": text_lang,
        },
    }
    # The form's idempotency key: anything else is a 400, so the contract says so.
    submission_id = {"type": "string", "pattern": KEY.pattern}
    # The honeypot: a field hidden from people in the HTML forms; filled in, it is a 400.
    website = {"type": "string", "maxLength": 0, "description": "Leave empty (anti-spam)."}
    meta: dict[str, dict] = {"lang": lang, "website": website}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": message,
            },
        },
        "FieldErrors": {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                "errors_lang": {"type": "object", "additionalProperties": text_lang},
            },
        },
        "Eligibility": {
            "type": "object",
            "required": ["eligible", "reasons"],
            "properties": {
                "eligible": {"type": "boolean"},
                "reasons": {"type": "array", "items": message},
            },
        },
        "EligibilityQuestion": ELIGIBILITY.json_schema(facts, lang=lang),
        "PreApplication": PRE_APPLICATION.json_schema(facts, **meta, submission_id=submission_id),
        "PreApplicationReceived": {
            "type": "object",
            "required": ["reference", "status"],
            "properties": {
                "reference": {"type": "string"},
                "status": {"type": "string"},
                "confirmation_url": {"type": "string"},
                "next_steps": {"type": "string"},
                "next_steps_lang": text_lang,
                "documents": {"type": "array"},
                "documents_lang": {"type": "array", "items": text_lang},
                "desk": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "address": {"type": "string"},
                        "hours": {"type": "string", "description": "The weekly openings"},
                        "next": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "At the request's time: open now or the next "
                            "opening, then the closures before it (public holidays included)",
                        },
                    },
                },
            },
        },
        "Registration": REGISTRATION.json_schema(facts, **meta, submission_id=submission_id),
        "RegistrationStatus": {
            "type": "object",
            "required": ["reference", "status"],
            "properties": {
                "reference": {"type": "string"},
                "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
                "cancel_token": {"type": "string"},
                "message": {"type": "string"},
                "message_lang": text_lang,
            },
        },
        "Cancel": {
            "type": "object",
            "required": ["token"],
            "properties": {"token": {"type": "string", "maxLength": 100}, "lang": lang},
            "additionalProperties": False,
        },
        # OpenAPI 3.0 has no type lists (["integer", "null"] made the document invalid):
        # a null capacity (places not fixed yet) is written with ``nullable``.
        "Event": {
            "type": "object",
            "required": ["id", "capacity", "places_left", "max_group", "signup"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "title_lang": text_lang,
                "capacity": {"type": "integer", "nullable": True},
                "max_group": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "The most people one sign-up may bring",
                },
                "places_left": {"type": "integer", "nullable": True},
                "signup": {"type": "object"},
            },
        },
        "Events": {
            "type": "object",
            "properties": {
                "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}
            },
        },
    }


def _with_common_errors(paths: dict) -> dict:
    """Answers any operation can give (security.check_request, the size limit): documented
    so that clients, and the schema checks in tests/test_fuzz.py, expect them."""
    limited = {
        **_error("Over the rate limit"),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
    for item in paths.values():
        for method, operation in item.items():
            operation["responses"].setdefault("429", limited)
            if method == "post":
                operation["responses"].setdefault("403", _error("Cross-site browser post"))
                operation["responses"].setdefault("413", _error("Body too large"))
    return paths


def _paths(langs: list | None = None) -> dict:
    """The operations; ``langs`` (the content's languages) for the ``lang`` parameter."""
    event_id = {
        "name": "event_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": SLUG.regex},
    }
    reference = {
        "name": "reference",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": REGISTRATION_REFERENCE},
    }
    lang = _lang(langs) if langs else LANG
    return {
        "/api/health": {
            "get": {
                "summary": "Service and its dependencies (database, Redis) are up",
                "responses": {
                    "200": {"description": "OK"},
                    "503": {"description": "A dependency is down: `checks` names it"},
                },
            }
        },
        "/api/live": {
            "get": {
                "summary": "The process answers (no database or Redis touched)",
                "responses": {"200": {"description": "Alive"}},
            }
        },
        "/api/heating-grant/eligibility": {
            "post": {
                "summary": "Check the grant rules; stores nothing",
                "parameters": [lang],
                "requestBody": _body("EligibilityQuestion"),
                "responses": {
                    "200": _ok("Eligibility"),
                    "422": INVALID,
                    "400": _error("Bad body"),
                    "415": _error("Not JSON or a form"),
                },
            }
        },
        "/api/heating-grant/pre-applications": {
            "post": {
                "summary": "Pre-apply for the heating contribution",
                "parameters": [IDEMPOTENCY, lang],
                "requestBody": _body("PreApplication"),
                "responses": {
                    "201": _ok("PreApplicationReceived", "Stored and committed"),
                    "409": _error(
                        "The online pre-application is switched off (form_closed): nothing "
                        "stored; the message sends the resident to a desk"
                    ),
                    "422": INVALID,
                    "400": _error("Bad body or honeypot"),
                    "415": _error("Not JSON or a form"),
                },
            }
        },
        "/api/events": {
            "get": {
                "summary": "Events with capacity, places left and sign-up window",
                "parameters": [lang],
                "responses": {"200": _ok("Events")},
            }
        },
        "/api/events/{event_id}": {
            "get": {
                "summary": "One event",
                "parameters": [event_id, lang],
                "responses": {"200": _ok("Event"), "404": _error("Unknown event")},
            }
        },
        "/api/events/{event_id}/registrations": {
            "post": {
                "summary": "Sign up: confirmed, or waitlisted when the event is full",
                "parameters": [event_id, IDEMPOTENCY, lang],
                "requestBody": _body("Registration"),
                "responses": {
                    "201": _ok("RegistrationStatus", "Stored and committed"),
                    "404": _error("Unknown event"),
                    "409": _error(
                        "Past, to be confirmed, or sign-up window closed (closed); or this "
                        "phone or e-mail is already signed up for the event (already_signed_up); "
                        "or online sign-up is switched off (form_closed): nothing stored"
                    ),
                    "422": {
                        "description": "Invalid fields, or key reused or changed",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/FieldErrors"},
                                        {"$ref": "#/components/schemas/Error"},
                                    ]
                                }
                            }
                        },
                    },
                    "400": _error("Bad body or honeypot"),
                    "415": _error("Not JSON or a form"),
                },
            }
        },
        "/api/registrations/{reference}": {
            "get": {
                "summary": "A registration's status (needs its private token)",
                "parameters": [
                    reference,
                    {
                        "name": "token",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    lang,
                ],
                "responses": {
                    "200": _ok("RegistrationStatus"),
                    "403": _error("Wrong token"),
                    "404": _error("Unknown reference"),
                },
            }
        },
        "/api/registrations/{reference}/cancel": {
            "post": {
                "summary": "Cancel with the private token; the waitlist moves up",
                "parameters": [reference, lang],
                "requestBody": _body("Cancel"),
                "responses": {
                    "200": _ok("RegistrationStatus"),
                    "403": _error("Wrong token"),
                    "404": _error("Unknown reference"),
                    "400": _error("Bad body"),
                    "415": _error("Not JSON or a form"),
                },
            }
        },
    }


def openapi_document(content) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vivere SAP Bergamo – forms service",
            "version": "1.0.0",
            "description": "Heating-grant pre-applications and event sign-ups. Bodies are "
            "JSON or form-encoded; messages follow `lang`, or are in Italian where a "
            "translation is missing, and each text says its language beside it.",
        },
        "paths": _with_common_errors(_paths(list(content.codes))),
        "components": {"schemas": _schemas(list(content.codes), list(content.desks))},
    }
