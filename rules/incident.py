"""evaluate_incident: validate the facts, let the rules decide, assemble what they concluded."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.errors import RulesEngineError
from rules.facts import DATE_FIELDS, validate_facts
from rules.procedure import CASE_REVIEW, RULES, RULES_BY_ID

# Every evaluation must conclude each of these, from the rules alone (Python supplies no defaults).
DECISION_KEYS = (
    "within_procedure",
    "circumstance",
    "rapid_review",
    "follow_susr_process",
    "decision_by",
    "consult",
)
_ORDER = {rule.id: index for index, rule in enumerate(RULES)}


def engine_fact(incident: dict[str, Any]) -> dict[str, Any]:
    """The checked facts as the engine compares them: dates as day numbers (durable-rules compares
    numbers, not dates), and only when both are known, so the date rule has something to compare."""
    fact = {key: value for key, value in incident.items() if key not in DATE_FIELDS}
    if "occurred_on" in incident and "proceedings_closed_on" in incident:
        fact["occurred_day"] = date.fromisoformat(incident["occurred_on"]).toordinal()
        fact["closed_day"] = date.fromisoformat(incident["proceedings_closed_on"]).toordinal()
    return fact


def evaluate_incident(facts: dict[str, Any]) -> dict[str, Any]:
    """Decide what the procedure requires for an incident; the contract is in rules/facts.py.

    Raises InvalidFacts for input outside the contract and RulesEngineError if the engine fails or
    its rules leave a decision incomplete or contradictory.
    """
    incident = validate_facts(facts)
    fired = CASE_REVIEW.fire({"t": "incident", **engine_fact(incident)})
    if len(set(fired)) != len(fired) or not set(fired) <= _ORDER.keys():
        raise RulesEngineError(f"unexpected rules fired: {fired}")
    decision: dict[str, Any] = {}
    reasons: list[dict[str, str]] = []
    # Catalogue order, whatever the firing order: scope first, then what follows from it.
    for rule_id in sorted(fired, key=_ORDER.__getitem__):
        rule = RULES_BY_ID[rule_id]
        # Stored as written in English; pages show them in the reader's language by rule id.
        reasons.append({"rule": rule.id, "text": rule.text, "clause": rule.clause.english})
        for key, value in rule.concludes.items():
            if decision.get(key, value) != value:
                raise RulesEngineError(f"rules disagree on {key!r}: {fired}")
            decision[key] = value
    missing = [key for key in DECISION_KEYS if key not in decision]
    if missing:
        raise RulesEngineError(f"rules {fired} concluded nothing for {missing}")
    # Tuples in the catalogue become fresh lists, so callers may not mutate shared state.
    result = {
        key: list(decision[key]) if isinstance(decision[key], tuple) else decision[key]
        for key in DECISION_KEYS
    }
    result["reasons"] = reasons
    return result
