"""evaluate_incident against the incident facts contract (rules/facts.py) and the procedure:
one test per semantic rule and per reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import evaluate_incident
from rules.procedure import RULES
from tests.rules.factories import ALL_FACTS, VALUES, incident_facts

DECIDERS = ["chief_executive", "deputy_chief_executive"]
OUTPUT_KEYS = {
    "within_procedure",
    "circumstance",
    "rapid_review",
    "follow_susr_process",
    "decision_by",
    "consult",
    "reasons",
}
OUTSIDE = {
    "within_procedure": False,
    "circumstance": None,
    "rapid_review": False,
    "follow_susr_process": False,
    "decision_by": [],
    "consult": [],
}


def rule_ids(result: dict[str, Any]) -> list[str]:
    return [reason["rule"] for reason in result["reasons"]]


def decision(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "reasons"}


# --- The contract restated independently of rules/, as the oracle for every combination ---


def during_proceedings(facts: dict[str, Any]) -> bool:
    """Closed proceedings, and the incident on or before the day they closed (ISO dates compare)."""
    closed_on = facts.get("proceedings_closed_on")
    return closed_on is not None and facts["occurred_on"] <= closed_on


def expected_decision(facts: dict[str, Any]) -> dict[str, Any]:
    ongoing = facts["proceedings"] == "ongoing"
    if ongoing:
        within = facts["cause"] != "other" and facts["person"] != "other"
    else:
        within = facts["linked_to_court_involvement"] or during_proceedings(facts)
    if not within:
        return dict(OUTSIDE)
    return {
        "within_procedure": True,
        "circumstance": "ongoing_proceedings" if ongoing else "closed_case",
        "rapid_review": facts["susr"],
        "follow_susr_process": facts["susr"],
        "decision_by": DECIDERS,
        "consult": ["area_head_of_operations"] if ongoing else [],
    }


def expected_reasons(facts: dict[str, Any]) -> set[str]:
    within = expected_decision(facts)["within_procedure"]
    ids = {"incident_notified"}
    if facts["proceedings"] == "ongoing":
        if facts["cause"] == "other":
            ids.add("cause_not_covered")
        if facts["person"] == "other":
            ids.add("person_not_covered")
        if within:
            unknown = facts["cause"] == "unknown"
            ids |= {
                "within_ongoing_cause_unknown" if unknown else "within_ongoing_proceedings",
                "decision_in_consultation",
            }
    elif within:
        ids.add("decision_following_notification")
        if facts["linked_to_court_involvement"]:
            ids.add("within_closed_case")
        if during_proceedings(facts):
            ids.add("closed_case_during_proceedings")
    else:
        ids.add("closed_case_not_linked")
    if within:
        ids.add("susr_rapid_review" if facts["susr"] else "no_susr_known")
    else:
        ids.add("outside_procedure")
        if facts["susr"]:
            ids.add("susr_outside_procedure")
    if facts["scr"]:
        ids.add("scr_known")
    return ids


def test_every_combination_gives_exactly_the_contract() -> None:
    assert len(ALL_FACTS) == 576 + 2 * 288 + 8  # undated, closed with dates either side, dated alone
    for facts in ALL_FACTS:
        result = evaluate_incident(facts)
        assert set(result) == OUTPUT_KEYS, facts
        assert decision(result) == expected_decision(facts), facts
        assert set(rule_ids(result)) == expected_reasons(facts), facts
        assert len(rule_ids(result)) == len(set(rule_ids(result))), facts


@settings(max_examples=300, database=None, deadline=None)
@given(st.fixed_dictionaries({field: st.sampled_from(values) for field, values in VALUES.items()}))
def test_invariants_hold_for_any_incident(facts: dict[str, Any]) -> None:
    result = evaluate_incident(facts)
    if result["within_procedure"]:
        assert result["decision_by"] == DECIDERS
        assert result["circumstance"] in ("ongoing_proceedings", "closed_case")
    else:
        assert result["circumstance"] is None
        assert result["decision_by"] == result["consult"] == []
        assert not result["rapid_review"] and not result["follow_susr_process"]
    if result["consult"]:
        assert result["circumstance"] == "ongoing_proceedings"
    if result["rapid_review"]:
        assert facts["susr"] and result["within_procedure"]
    assert result["rapid_review"] == result["follow_susr_process"]
    assert result["reasons"], "every decision gives its reasons"


# --- Is the incident within the procedure? ---


@pytest.mark.parametrize("cause", ["violence", "abuse", "neglect", "suicide"])
@pytest.mark.parametrize("person", ["child_subject", "adult_party"])
def test_ongoing_proceedings_with_covered_cause_and_person_is_within(cause: str, person: str) -> None:
    result = evaluate_incident(incident_facts(proceedings="ongoing", cause=cause, person=person))

    assert result["within_procedure"] is True
    assert result["circumstance"] == "ongoing_proceedings"
    assert rule_ids(result) == [
        "incident_notified",
        "within_ongoing_proceedings",
        "decision_in_consultation",
        "no_susr_known",
    ]


def test_ongoing_proceedings_with_unknown_cause_is_within() -> None:
    result = evaluate_incident(incident_facts(cause="unknown", person="adult_party"))

    assert result["within_procedure"] is True
    assert result["circumstance"] == "ongoing_proceedings"
    assert "within_ongoing_cause_unknown" in rule_ids(result)
    assert "within_ongoing_proceedings" not in rule_ids(result)


def test_ongoing_proceedings_with_other_cause_is_outside_and_says_why() -> None:
    result = evaluate_incident(incident_facts(cause="other", person="child_subject"))

    assert decision(result) == OUTSIDE
    assert rule_ids(result) == ["incident_notified", "cause_not_covered", "outside_procedure"]


def test_ongoing_proceedings_with_other_person_is_outside_and_says_why() -> None:
    result = evaluate_incident(incident_facts(cause="neglect", person="other"))

    assert decision(result) == OUTSIDE
    assert rule_ids(result) == ["incident_notified", "person_not_covered", "outside_procedure"]


def test_both_failed_conditions_are_named() -> None:
    result = evaluate_incident(incident_facts(cause="other", person="other"))

    assert decision(result) == OUTSIDE
    assert rule_ids(result) == [
        "incident_notified",
        "cause_not_covered",
        "person_not_covered",
        "outside_procedure",
    ]


@pytest.mark.parametrize("linked", [False, True])
def test_link_to_court_involvement_does_not_matter_during_proceedings(linked: bool) -> None:
    result = evaluate_incident(incident_facts(linked_to_court_involvement=linked))

    assert result["within_procedure"] is True


@pytest.mark.parametrize("cause", VALUES["cause"])
@pytest.mark.parametrize("person", VALUES["person"])
def test_closed_case_linked_to_court_involvement_is_within_whatever_cause_and_person(
    cause: str, person: str
) -> None:
    result = evaluate_incident(
        incident_facts(proceedings="closed", cause=cause, person=person, linked_to_court_involvement=True)
    )

    assert result["within_procedure"] is True
    assert result["circumstance"] == "closed_case"
    assert rule_ids(result) == [
        "incident_notified",
        "within_closed_case",
        "decision_following_notification",
        "no_susr_known",
    ]


def test_closed_case_not_linked_is_outside_and_says_why() -> None:
    result = evaluate_incident(incident_facts(proceedings="closed", linked_to_court_involvement=False))

    assert decision(result) == OUTSIDE
    assert rule_ids(result) == ["incident_notified", "closed_case_not_linked", "outside_procedure"]


# --- Who decides, and who is consulted ---


def test_ongoing_proceedings_decision_is_made_in_consultation_with_area_head() -> None:
    result = evaluate_incident(incident_facts(proceedings="ongoing"))

    assert result["decision_by"] == DECIDERS
    assert result["consult"] == ["area_head_of_operations"]
    assert "decision_in_consultation" in rule_ids(result)


def test_closed_case_decision_follows_notification_without_consultation() -> None:
    result = evaluate_incident(incident_facts(proceedings="closed", linked_to_court_involvement=True))

    assert result["decision_by"] == DECIDERS
    assert result["consult"] == []
    assert "decision_following_notification" in rule_ids(result)


# --- Single Unified Safeguarding Review and Serious Case Review ---


@pytest.mark.parametrize("proceedings", ["ongoing", "closed"])
def test_susr_known_within_procedure_means_rapid_review_and_its_process(proceedings: str) -> None:
    result = evaluate_incident(
        incident_facts(proceedings=proceedings, linked_to_court_involvement=True, susr=True)
    )

    assert result["rapid_review"] is True
    assert result["follow_susr_process"] is True
    assert "susr_rapid_review" in rule_ids(result)
    assert "no_susr_known" not in rule_ids(result)


def test_no_susr_known_means_no_rapid_review() -> None:
    result = evaluate_incident(incident_facts(susr=False))

    assert result["rapid_review"] is False
    assert result["follow_susr_process"] is False
    assert "no_susr_known" in rule_ids(result)


def test_susr_known_outside_procedure_means_no_rapid_review_and_says_so() -> None:
    result = evaluate_incident(incident_facts(cause="other", susr=True))

    assert decision(result) == OUTSIDE
    assert rule_ids(result)[-1] == "susr_outside_procedure"


def test_scr_alone_changes_nothing_but_is_noted() -> None:
    for facts in ALL_FACTS:
        if facts["scr"]:
            continue
        without = evaluate_incident(facts)
        with_scr = evaluate_incident({**facts, "scr": True})
        assert decision(with_scr) == decision(without), facts
        assert rule_ids(with_scr) == [*rule_ids(without), "scr_known"], facts


def test_kind_of_incident_does_not_change_the_decision() -> None:
    for facts in ALL_FACTS:
        if facts["kind"] == "death":
            other_kind = {**facts, "kind": "significant_incident"}
            assert evaluate_incident(facts) == evaluate_incident(other_kind), facts


# --- The reasons themselves ---


def test_every_reason_names_its_rule_and_quotes_its_clause() -> None:
    for facts in ALL_FACTS:
        for reason in evaluate_incident(facts)["reasons"]:
            assert set(reason) == {"rule", "text", "clause"}
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*", reason["rule"])
            assert reason["text"].strip() and "\n" not in reason["text"]
            assert '"' in reason["clause"], "the clause quotes the procedure"


def test_every_rule_gives_its_reason_for_some_incident() -> None:
    seen = {rule for facts in ALL_FACTS for rule in rule_ids(evaluate_incident(facts))}

    assert seen == {rule.id for rule in RULES}


def test_reasons_are_in_catalogue_order() -> None:
    order = [rule.id for rule in RULES]
    for facts in ALL_FACTS:
        ids = rule_ids(evaluate_incident(facts))
        assert ids == sorted(ids, key=order.index), facts


def test_results_do_not_share_lists() -> None:
    first = evaluate_incident(incident_facts())
    first["decision_by"].append("someone_else")
    first["consult"].clear()

    second = evaluate_incident(incident_facts())

    assert second["decision_by"] == DECIDERS
    assert second["consult"] == ["area_head_of_operations"]


def test_input_facts_are_not_changed() -> None:
    facts = incident_facts(susr=True)
    before = dict(facts)

    evaluate_incident(facts)

    assert facts == before
