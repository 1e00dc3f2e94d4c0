"""Incident facts for the rules tests: one valid incident, and every valid combination."""

from __future__ import annotations

import itertools
from typing import Any

# Written out here rather than imported from rules.facts, so the tests pin the contract.
VALUES: dict[str, tuple[Any, ...]] = {
    "kind": ("death", "significant_incident"),
    "cause": ("violence", "abuse", "neglect", "suicide", "other", "unknown"),
    "person": ("child_subject", "adult_party", "other"),
    "proceedings": ("ongoing", "closed"),
    "linked_to_court_involvement": (False, True),
    "susr": (False, True),
    "scr": (False, True),
}

UNDATED: list[dict[str, Any]] = [
    dict(zip(VALUES, combination, strict=True)) for combination in itertools.product(*VALUES.values())
]
# The optional dates: for closed proceedings, an incident on the closure day (during the
# proceedings) and one the day after; for any, the incident date alone.
CLOSED_ON = "2026-03-10"
DATED: list[dict[str, Any]] = [
    {**facts, "occurred_on": occurred, "proceedings_closed_on": CLOSED_ON}
    for facts in UNDATED
    if facts["proceedings"] == "closed"
    for occurred in ("2026-03-10", "2026-03-11")
] + [{**facts, "occurred_on": "2026-03-10"} for facts in UNDATED[:8]]
ALL_FACTS: list[dict[str, Any]] = UNDATED + DATED


def incident_facts(
    *,
    kind: str = "death",
    cause: str = "abuse",
    person: str = "child_subject",
    proceedings: str = "ongoing",
    linked_to_court_involvement: bool = False,
    susr: bool = False,
    scr: bool = False,
) -> dict[str, Any]:
    """A valid incident; by default within the procedure (ongoing proceedings)."""
    return {
        "kind": kind,
        "cause": cause,
        "person": person,
        "proceedings": proceedings,
        "linked_to_court_involvement": linked_to_court_involvement,
        "susr": susr,
        "scr": scr,
    }
