"""Invalid incident facts are refused with InvalidFacts naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from rules import InvalidFacts, evaluate_incident
from tests.rules.factories import VALUES, incident_facts

BOOLEAN_FIELDS = [field for field, values in VALUES.items() if values == (False, True)]
CHOICE_FIELDS = [field for field in VALUES if field not in BOOLEAN_FIELDS]


def refused(facts: Any) -> InvalidFacts:
    with pytest.raises(InvalidFacts) as caught:
        evaluate_incident(facts)
    message = str(caught.value)
    assert message and "\n" not in message, "one line"
    return caught.value


def test_invalid_facts_is_a_value_error() -> None:
    assert issubclass(InvalidFacts, ValueError)


@pytest.mark.parametrize("field", list(VALUES))
def test_missing_field_is_named(field: str) -> None:
    facts = incident_facts()
    del facts[field]

    error = refused(facts)

    assert error.field == field
    assert field in str(error)


def test_unknown_field_is_named() -> None:
    error = refused({**incident_facts(), "severity": "high"})

    assert error.field == "severity"
    assert "severity" in str(error)


def test_session_id_cannot_be_smuggled_in() -> None:
    assert refused({**incident_facts(), "sid": "1"}).field == "sid"


@pytest.mark.parametrize("field", CHOICE_FIELDS)
@pytest.mark.parametrize("value", ["DEATH", "", "closed ", None, 1, True, ["death"]])
def test_unknown_value_is_named(field: str, value: Any) -> None:
    error = refused({**incident_facts(), field: value})

    assert error.field == field
    assert field in str(error)


@pytest.mark.parametrize("field", BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", [0, 1, "true", "false", None, 1.0])
def test_boolean_must_be_a_real_boolean(field: str, value: Any) -> None:
    error = refused({**incident_facts(), field: value})

    assert error.field == field
    assert field in str(error)


@pytest.mark.parametrize("facts", [None, [], "death", 3])
def test_facts_must_be_an_object(facts: Any) -> None:
    assert refused(facts).field is None
