"""Each form is declared once (forms_service/domain/forms.py); everything else follows from it:
validation, the questionnaire's screens, the stored columns, the OpenAPI document, labels."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date
from typing import get_args

import pytest
import yaml

from forms_service.domain.eligibility import Answers
from forms_service.domain.forms import (
    BANDS,
    DETAILS,
    ELIGIBILITY,
    ELIGIBILITY_FIELDS,
    HEATING,
    PRE_APPLICATION,
    REGISTRATION,
    Facts,
    Field,
    Form,
)
from forms_service.domain.questionnaire import STEPS
from portal.model.types import Band, HeatingType

from .helpers import ROOT

FORMS = (ELIGIBILITY, PRE_APPLICATION, REGISTRATION)
STRINGS = yaml.safe_load((ROOT / "site_config/strings/it.yml").read_text(encoding="utf-8"))
FACTS = Facts(date(2026, 11, 28), ("celadina", "colognola"))


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_every_field_has_its_label(form):
    assert [f.label for f in form.fields if f.label not in STRINGS] == []


def test_every_screen_has_its_question_and_hint():
    missing = [
        key
        for step in STEPS
        for key in (f"form_q_{step.field}", f"form_hint_{step.field}")
        if key not in STRINGS
    ]
    assert missing == []


def test_choices_come_from_the_content_model():
    assert get_args(HeatingType) == HEATING and get_args(Band) == BANDS


def test_the_rules_read_exactly_the_eligibility_fields():
    assert {f.name for f in dataclasses.fields(Answers)} == set(ELIGIBILITY.names)


def test_screens_and_details_split_the_pre_application():
    assert [s.field for s in STEPS] == [f.name for f in ELIGIBILITY_FIELDS]
    assert set(DETAILS) | {s.field for s in STEPS} == set(PRE_APPLICATION.names)
    assert not set(DETAILS) & {s.field for s in STEPS}


@pytest.mark.parametrize(
    "form, table", [(PRE_APPLICATION, "pre_applications"), (REGISTRATION, "registrations")]
)
def test_every_stored_field_has_a_column(form, table, tmp_path):
    from forms_service.storage.db import Database

    Database(f"sqlite:///{tmp_path / 'd.sqlite3'}", tmp_path).migrate()
    with sqlite3.connect(tmp_path / "d.sqlite3") as conn:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    assert [f.name for f in form.stored if f.name not in columns] == []


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_openapi_schema_is_the_declaration(form):
    schema = form.json_schema(FACTS)
    assert list(schema["properties"]) == list(form.names)
    assert schema["required"] == [f.name for f in form.fields if f.required]


def test_the_phone_limit_in_the_contract_is_enforced():
    phone = PRE_APPLICATION.by_name["phone"]
    assert PRE_APPLICATION.json_schema(FACTS)["properties"]["phone"]["maxLength"] == phone.maximum
    ok = "+39 035 " + "1" * 7
    assert PRE_APPLICATION.parse({"phone": ok}, FACTS, ["phone"])[0] == {"phone": ok}
    too_long = "+39 (035) " + "1-" * 6 + "-" * 20
    assert len(too_long) > phone.maximum
    _, errors = PRE_APPLICATION.parse({"phone": too_long}, FACTS, ["phone"])
    assert errors["phone"].code == "phone"


def test_a_new_field_is_one_declaration():
    """Validation, stored row and schema of a field follow from its Field alone."""
    form = Form(
        "demo",
        (
            Field("floor", "count", minimum=0, maximum=30),
            Field("note", "text", required=False, minimum=1, maximum=5),
        ),
    )
    assert form.validate({"floor": "3"}, FACTS) == ({"floor": 3}, {})
    clean, errors = form.validate({"floor": "31", "note": "too long"}, FACTS)
    assert {k: e.code for k, e in errors.items()} == {"floor": "integer_range", "note": "text_long"}
    assert form.row({"floor": 3}) == {"floor": 3, "note": None}
    assert form.json_schema(FACTS)["properties"]["floor"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 30,
    }


def test_stored_rows_hold_text_for_amounts_and_dates():
    clean, errors = PRE_APPLICATION.validate(
        {
            "full_name": "Anna Bianchi",
            "phone": "035 123456",
            "address": "Via Roma 1, Bergamo",
            "household_size": "2",
            "heating": "centralized",
            "band": "accesso",
            "tenancy_start": "2020-01-15",
            "arrears": "no",
            "isee": "12.345,67",
            "preferred_desk": "celadina",
            "consent": "on",
        },
        FACTS,
    )
    assert errors == {}
    row = PRE_APPLICATION.row(clean)
    assert row["isee"] == "12345.67" and row["tenancy_start"] == "2020-01-15"
    assert row["repayment_plan"] is False and "consent" not in row
