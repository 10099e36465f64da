"""The API contract, served at /api/openapi.json. Enumerations come from the content
(languages, desks), so the document and the service cannot disagree."""

from __future__ import annotations

from .requests import KEY
from .validation import BANDS, HEATING, MAX_PEOPLE


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}


def _body(schema: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"required": True, "content": {"application/json": {"schema": ref},
                                          "application/x-www-form-urlencoded": {"schema": ref}}}


def _ok(schema: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}


# An Error too: an Idempotency-Key first used for another form is a 422 key_reused.
INVALID = {"description": "Invalid fields, not eligible, or key reused", "content": {
    "application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/FieldErrors"},
                                              {"$ref": "#/components/schemas/Eligibility"},
                                              {"$ref": "#/components/schemas/Error"}]}}}}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "description": "Same key, same result: a retry never stores twice.",
               "schema": {"type": "string", "pattern": KEY.pattern}}
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}}


def _schemas(langs: list, desks: list) -> dict:
    flexible_bool = {"oneOf": [{"type": "boolean"}, {"type": "string", "maxLength": 10}]}
    text = {"type": "string", "minLength": 5, "maxLength": 200}  # the address, as validated
    # The form's idempotency key: anything else is a 400, so the contract says so.
    submission_id = {"type": "string", "pattern": KEY.pattern}
    answers = {
        "tenancy_start": {"type": "string", "format": "date", "example": "2024-03-01"},
        "heating": {"type": "string", "enum": list(HEATING)},
        "band": {"type": "string", "enum": list(BANDS)},
        "isee": {"oneOf": [{"type": "string", "example": "12.345,67"}, {"type": "number"}]},
        "arrears": flexible_bool, "repayment_plan": flexible_bool,
        "lang": {"type": "string", "enum": langs},
    }
    contact = {"full_name": {"type": "string", "minLength": 2, "maxLength": 100},
               "phone": {"type": "string", "maxLength": 30}, "email": {"type": "string",
                                                                       "maxLength": 254}}
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "properties": {"code": {"type": "string"},
                                             "message": {"type": "string"}}}}},
        "FieldErrors": {"type": "object", "required": ["errors"], "properties": {
            "errors": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "Eligibility": {"type": "object", "required": ["eligible", "reasons"], "properties": {
            "eligible": {"type": "boolean"}, "reasons": {"type": "array", "items": {
                "type": "object", "properties": {"code": {"type": "string"},
                                                 "message": {"type": "string"}}}}}},
        "EligibilityQuestion": {"type": "object", "properties": answers,
                                "required": ["tenancy_start", "heating", "band", "isee",
                                             "arrears"]},
        "PreApplication": {"type": "object", "properties": {
            **answers, **contact, "address": text,
            "household_size": {"type": "integer", "minimum": 1, "maximum": 20},
            "preferred_desk": {"type": "string", "enum": desks},
            "consent": flexible_bool, "submission_id": submission_id},
            "required": ["full_name", "address", "household_size", "tenancy_start", "heating",
                         "band", "isee", "arrears", "preferred_desk", "consent"]},
        "PreApplicationReceived": {"type": "object", "required": ["reference", "status"],
                                   "properties": {"reference": {"type": "string"},
                                                  "status": {"type": "string"},
                                                  "confirmation_url": {"type": "string"},
                                                  "documents": {"type": "array"},
                                                  "desk": {"type": "object"}}},
        "Registration": {"type": "object", "properties": {
            **contact, "people": {"type": "integer", "minimum": 1, "maximum": MAX_PEOPLE},
            "consent": flexible_bool, "lang": {"type": "string", "enum": langs},
            "submission_id": submission_id}, "required": ["full_name", "people", "consent"]},
        "RegistrationStatus": {"type": "object", "required": ["reference", "status"],
                               "properties": {"reference": {"type": "string"},
                                              "status": {"type": "string", "enum": [
                                                  "confirmed", "waitlisted", "cancelled"]},
                                              "cancel_token": {"type": "string"}}},
        "Cancel": {"type": "object", "required": ["token"],
                   "properties": {"token": {"type": "string", "maxLength": 100}}},
        # OpenAPI 3.0 has no type lists (["integer", "null"] made the document invalid):
        # a null capacity (places not fixed yet) is written with ``nullable``.
        "Event": {"type": "object", "required": ["id", "capacity", "places_left", "signup"],
                  "properties": {"id": {"type": "string"},
                                 "capacity": {"type": "integer", "nullable": True},
                                 "places_left": {"type": "integer", "nullable": True},
                                 "signup": {"type": "object"}}},
        "Events": {"type": "object", "properties": {"events": {"type": "array", "items": {
            "$ref": "#/components/schemas/Event"}}}},
    }


def _with_common_errors(paths: dict) -> dict:
    """Answers any operation can give (security.check_request, the size limit): documented
    so that clients, and the schema checks in tests/test_fuzz.py, expect them."""
    limited = {**_error("Over the rate limit"), "headers": {"Retry-After": {
        "description": "Seconds to wait", "schema": {"type": "integer"}}}}
    for item in paths.values():
        for method, operation in item.items():
            operation["responses"].setdefault("429", limited)
            if method == "post":
                operation["responses"].setdefault("403", _error("Cross-site browser post"))
                operation["responses"].setdefault("413", _error("Body too large"))
    return paths


def _paths() -> dict:
    event_id = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}
    reference = {"name": "reference", "in": "path", "required": True,
                 "schema": {"type": "string"}}
    return {
        "/api/health": {"get": {"summary": "Service and database are up",
                                "responses": {"200": {"description": "OK"}}}},
        "/api/heating-grant/eligibility": {"post": {
            "summary": "Check the grant rules; stores nothing", "parameters": [LANG],
            "requestBody": _body("EligibilityQuestion"),
            "responses": {"200": _ok("Eligibility"), "422": INVALID, "400": _error("Bad body"),
                          "415": _error("Not JSON or a form")}}},
        "/api/heating-grant/pre-applications": {"post": {
            "summary": "Pre-apply for the heating contribution",
            "parameters": [IDEMPOTENCY, LANG], "requestBody": _body("PreApplication"),
            "responses": {"201": _ok("PreApplicationReceived", "Stored and committed"),
                          "422": INVALID, "400": _error("Bad body or honeypot"),
                          "415": _error("Not JSON or a form")}}},
        "/api/events": {"get": {"summary": "Events with capacity, places left and sign-up window",
                                "parameters": [LANG], "responses": {"200": _ok("Events")}}},
        "/api/events/{event_id}": {"get": {
            "summary": "One event", "parameters": [event_id, LANG],
            "responses": {"200": _ok("Event"), "404": _error("Unknown event")}}},
        "/api/events/{event_id}/registrations": {"post": {
            "summary": "Sign up: confirmed, or waitlisted when the event is full",
            "parameters": [event_id, IDEMPOTENCY, LANG], "requestBody": _body("Registration"),
            "responses": {"201": _ok("RegistrationStatus", "Stored and committed"),
                          "404": _error("Unknown event"),
                          "409": _error("Past, to be confirmed, or sign-up window closed"),
                          "422": {"description": "Invalid fields, or key reused", "content": {
                              "application/json": {"schema": {"oneOf": [
                                  {"$ref": "#/components/schemas/FieldErrors"},
                                  {"$ref": "#/components/schemas/Error"}]}}}},
                          "400": _error("Bad body or honeypot"),
                          "415": _error("Not JSON or a form")}}},
        "/api/registrations/{reference}": {"get": {
            "summary": "A registration's status (needs its private token)",
            "parameters": [reference, {"name": "token", "in": "query", "required": True,
                                       "schema": {"type": "string"}}, LANG],
            "responses": {"200": _ok("RegistrationStatus"), "403": _error("Wrong token"),
                          "404": _error("Unknown reference")}}},
        "/api/registrations/{reference}/cancel": {"post": {
            "summary": "Cancel with the private token; the waitlist moves up",
            "parameters": [reference, LANG], "requestBody": _body("Cancel"),
            "responses": {"200": _ok("RegistrationStatus"), "403": _error("Wrong token"),
                          "404": _error("Unknown reference"), "400": _error("Bad body"),
                          "415": _error("Not JSON or a form")}}},
    }


def openapi_document(content) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vivere SAP Bergamo – forms service", "version": "1.0.0",
                 "description": "Heating-grant pre-applications and event sign-ups. Bodies are "
                                "JSON or form-encoded; messages follow `lang`."},
        "paths": _with_common_errors(_paths()),
        "components": {"schemas": _schemas(list(content.codes), list(content.desks))},
    }
