"""Validation of incident facts: the contract between the incident form and the procedure's rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rules.errors import InvalidFacts

# Field -> allowed values; ``bool`` marks a field that must be a real boolean.
FIELDS: Mapping[str, tuple[str, ...] | type[bool]] = {
    "kind": ("death", "significant_incident"),
    "cause": ("violence", "abuse", "neglect", "suicide", "other", "unknown"),
    "person": ("child_subject", "adult_party", "other"),
    "proceedings": ("ongoing", "closed"),
    "linked_to_court_involvement": bool,
    "susr": bool,
    "scr": bool,
}
# Optional dates, as ISO "YYYY-MM-DD" strings: when the incident occurred, and when the proceedings
# closed (only for closed proceedings). Absent means not known; the rules then cannot compare them.
DATE_FIELDS: tuple[str, ...] = ("occurred_on", "proceedings_closed_on")


def validate_facts(facts: Any) -> dict[str, str | bool]:
    """Return a checked copy of ``facts`` or raise InvalidFacts naming the first bad field."""
    if type(facts) is not dict and not isinstance(facts, Mapping):  # the ABC check is slow
        raise InvalidFacts(None, f"facts must be an object, not {type(facts).__name__}")
    # Unknown fields first, the first in sorted order, so the message is deterministic.
    unknown = sorted(set(facts) - set(FIELDS) - set(DATE_FIELDS), key=str)
    if unknown:
        raise InvalidFacts(str(unknown[0]), f"unknown field {unknown[0]!r}")
    checked: dict[str, str | bool] = {}
    for field, allowed in FIELDS.items():
        if field not in facts:
            raise InvalidFacts(field, f"missing field {field!r}")
        value = facts[field]
        if allowed is bool:
            # type(), not isinstance(): bool is an int subclass, but 0 and 1 are not booleans.
            if type(value) is not bool:
                raise InvalidFacts(field, f"field {field!r} must be true or false, not {value!r}")
        elif type(value) is not str or value not in allowed:
            raise InvalidFacts(field, f"field {field!r} must be one of {', '.join(allowed)}; got {value!r}")
        checked[field] = value
    for field in DATE_FIELDS:
        if field in facts:
            checked[field] = _iso_date(field, facts[field]).isoformat()
    if "proceedings_closed_on" in checked and checked["proceedings"] != "closed":
        raise InvalidFacts(
            "proceedings_closed_on", "field 'proceedings_closed_on' is given but the proceedings are ongoing"
        )
    return checked


def _iso_date(field: str, value: Any) -> date:
    if type(value) is str and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidFacts(field, f"field {field!r} must be a date written YYYY-MM-DD, not {value!r}")
