"""Each form declared once: its fields, with kind, limits, requiredness and label.

Validation, the grant questionnaire's screens, the stored columns and the OpenAPI
document are derived from these declarations. Adding a field to a form is one
``Field`` here plus its label (``form_label_<name>`` in site_config/strings).
Pure code: no I/O, no Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from portal.model.types import MAX_GROUP, Band, Event, HeatingType

from . import schemas
from .eligibility import UNKNOWN, Answers
from .fields import (
    FieldError,
    email_key,
    missing,
    parse_bool,
    parse_choice,
    parse_date,
    parse_email,
    parse_int,
    parse_isee,
    parse_phone,
    parse_text,
    phone_key,
)

HEATING: tuple[str, ...] = get_args(HeatingType)  # declared once, in the content model
BANDS: tuple[str, ...] = get_args(Band)
META_FIELDS = ("lang", "website", "submission_id")  # language, honeypot, idempotency key
MAX_PEOPLE = MAX_GROUP  # no sign-up brings more; each event's own limit is often lower


@dataclass(frozen=True)
class Facts:
    """What parsing needs to know at the moment of a request."""

    today: date
    desks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """How one kind of value is parsed, described in OpenAPI and stored."""

    parse: Callable[[Any, Field, Facts], Any]
    schema: Callable[[Field, Facts], dict]
    stored_as_text: bool = False  # Decimal and date go to the database as ISO text


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # a key of KINDS
    required: bool = True
    minimum: Any = None  # length for text, value for numbers, earliest day for dates
    maximum: Any = None
    choices: tuple[str, ...] = ()
    default: Any = None  # applied by Form.validate when the field is left out
    step: str | None = None  # the URL slug of its own screen in the grant questionnaire
    stored: bool = True  # a column of its form's table

    @property
    def label(self) -> str:
        """The UI string naming the field (summary pages, error lists)."""
        return f"form_label_{self.name}"

    def parse(self, raw, facts: Facts):
        return KINDS[self.kind].parse(raw, self, facts)

    def schema(self, facts: Facts) -> dict:
        return KINDS[self.kind].schema(self, facts)


KINDS: dict[str, Kind] = {
    "text": Kind(
        lambda raw, f, _: parse_text(raw, min_length=f.minimum, max_length=f.maximum),
        lambda f, _: schemas.text(f.minimum, f.maximum),
    ),
    "phone": Kind(
        lambda raw, f, _: parse_phone(raw, max_length=f.maximum),
        lambda f, _: schemas.phone(f.maximum),
    ),
    "email": Kind(lambda raw, f, _: parse_email(raw), lambda f, _: schemas.email()),
    "count": Kind(
        lambda raw, f, _: parse_int(raw, minimum=f.minimum, maximum=f.maximum),
        lambda f, _: {"type": "integer", "minimum": f.minimum, "maximum": f.maximum},
    ),
    "past_date": Kind(
        lambda raw, f, facts: parse_date(raw, not_after=facts.today, not_before=f.minimum),
        lambda f, facts: schemas.past_date(f.minimum, facts.today),
        stored_as_text=True,
    ),
    "choice": Kind(
        lambda raw, f, _: parse_choice(raw, f.choices),
        lambda f, _: {"type": "string", "enum": list(f.choices)},
    ),
    "desk": Kind(
        lambda raw, f, facts: parse_choice(raw, facts.desks),
        lambda f, facts: {"type": "string", "enum": list(facts.desks)},
    ),
    "yes_no": Kind(lambda raw, f, _: parse_bool(raw, f.name), lambda f, _: schemas.yes_no()),
    "amount": Kind(
        lambda raw, f, _: parse_isee(raw),
        lambda f, _: schemas.amount(),
        stored_as_text=True,
    ),
}


# --- checks across fields ------------------------------------------------------------------


def contact_needed(clean: dict, errors: dict) -> None:
    """Phone and/or e-mail: at least one, so the desk team can call back."""
    if not any(k in clean or k in errors for k in ("phone", "email")):
        errors["phone"] = FieldError("contact_needed")


def consent_given(clean: dict, errors: dict) -> None:
    if "consent" in clean and clean["consent"] is not True:
        errors["consent"] = FieldError("consent")


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...]
    checks: tuple[Callable[[dict, dict], None], ...] = ()
    by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def stored(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.stored)

    def parse(
        self, data: dict, facts: Facts, names=None, all_optional: bool = False
    ) -> tuple[dict, dict]:
        """(clean values, {field: FieldError}) for ``names`` (default: every field); a field
        the form does not have is an error."""
        names = tuple(names) if names is not None else self.names
        clean, errors = {}, {}
        for name in data:
            if name not in names and name not in META_FIELDS:
                errors[name] = FieldError("unknown_field")
        for name in names:
            f, raw = self.by_name[name], data.get(name)
            if missing(raw):
                if f.required and not all_optional:
                    errors[name] = FieldError("required")
                continue
            try:
                clean[name] = f.parse(raw, facts)
            except FieldError as error:
                errors[name] = error
        return clean, errors

    def validate(self, data: dict, facts: Facts) -> tuple[dict, dict]:
        """Every field and every check across fields; defaults fill what was left out."""
        clean, errors = self.parse(data, facts)
        for check in self.checks:
            check(clean, errors)
        for f in self.fields:
            if f.default is not None and f.name not in clean and f.name not in errors:
                clean[f.name] = f.default
        return clean, errors

    def row(self, clean: dict) -> dict:
        """The stored columns of a valid submission, as the database takes them."""
        return {f.name: _stored(f, clean.get(f.name)) for f in self.stored}

    def json_schema(self, facts: Facts, **extra: dict) -> dict:
        """The OpenAPI object schema of the form's body, plus ``extra`` properties: no other
        (an unknown field is an error), and the checks across fields where a schema can say
        them (consent given; a phone or an e-mail)."""
        properties = {f.name: f.schema(facts) for f in self.fields}
        if consent_given in self.checks:
            properties["consent"] = schemas.yes_no(only_yes=True)
        schema = {
            "type": "object",
            "properties": {**properties, **extra},
            "required": [f.name for f in self.fields if f.required],
            "additionalProperties": False,
        }
        if contact_needed in self.checks:
            schema.update(schemas.one_of_required(("phone", "email")))
        return schema


def _stored(f: Field, value):
    return str(value) if value is not None and KINDS[f.kind].stored_as_text else value


# --- the fields, each written once -----------------------------------------------------------

FULL_NAME = Field("full_name", "text", minimum=2, maximum=100)
PHONE = Field("phone", "phone", required=False, maximum=30)
EMAIL = Field("email", "email", required=False)
CONSENT = Field("consent", "yes_no", stored=False)  # stored as the moment it was given

# In the order the questionnaire asks them, one screen each. Heating and band may be
# "I don't know" (UNKNOWN): the pre-application goes on, marked for the team to check.
ELIGIBILITY_FIELDS = (
    Field("heating", "choice", choices=(*HEATING, UNKNOWN), step="riscaldamento"),
    Field("band", "choice", choices=(*BANDS, UNKNOWN), step="fascia"),
    Field("tenancy_start", "past_date", minimum=date(1940, 1, 1), step="assegnazione"),
    Field("arrears", "yes_no", step="morosita"),
    Field("repayment_plan", "yes_no", required=False, default=False, step="piano-di-rientro"),
    Field("isee", "amount", step="isee"),
)

ELIGIBILITY = Form("eligibility", ELIGIBILITY_FIELDS)

PRE_APPLICATION = Form(
    "pre_application",
    (
        FULL_NAME,
        PHONE,
        EMAIL,
        Field("address", "text", minimum=5, maximum=200),
        Field("household_size", "count", minimum=1, maximum=20),
        *ELIGIBILITY_FIELDS,
        Field("preferred_desk", "desk"),
        CONSENT,
    ),
    checks=(contact_needed, consent_given),
)

REGISTRATION = Form(
    "registration",
    (
        FULL_NAME,
        PHONE,
        EMAIL,
        Field("people", "count", minimum=1, maximum=MAX_PEOPLE),
        CONSENT,
    ),
    checks=(contact_needed, consent_given),
)

# The pre-application's details screen: everything the questionnaire does not ask.
DETAILS = tuple(f.name for f in PRE_APPLICATION.fields if f.step is None)


def answers(clean: dict) -> Answers:
    """The eligibility answers among ``clean`` (None where not answered)."""
    return Answers(**{f.name: clean.get(f.name) for f in ELIGIBILITY_FIELDS})


def most_people(event: Event) -> int:
    """The largest group one sign-up to ``event`` may bring: written once, in the event's
    content (``max_group``, a small default), never more than the whole event."""
    return min(event.largest_group, MAX_PEOPLE)


def validate_registration(data: dict, facts: Facts, event: Event) -> tuple[dict, dict]:
    clean, errors = REGISTRATION.validate(data, facts)
    limit = most_people(event)
    if clean.get("people", 0) > limit:
        errors["people"] = FieldError("integer_range", {"minimum": 1, "maximum": limit})
    return clean, errors


def contact_keys(phone: str | None, email: str | None) -> set[str]:
    """What makes two sign-ups the same person's: the phone number by its digits, the
    e-mail whatever its case ("+39 035 123456" is "035-123456", "Anna@X.it" is "anna@x.it")."""
    keys = set()
    if phone and (digits := phone_key(phone)):
        keys.add(f"phone:{digits}")
    if email and (address := email_key(email)):
        keys.add(f"email:{address}")
    return keys


def online_open(settings, form: Form) -> bool:
    """Whether ``form`` collects data online: its switch in site_config/forms.yml. A closed
    form stores nothing from a resident's own request; the desk's own entry (an operator's,
    with the privacy notice on paper) is not an online form and stays open."""
    return getattr(settings.online_forms, form.name).state == "open"
