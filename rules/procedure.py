"""The case review procedure as durable-rules rules, one entry per rule, with its reason.

Source: Case Review Procedure (Cafcass Cymru, V1 August 2025). Every rule quotes the passage it encodes
(rules/clauses.py). The reasons are English here, as records keep them; the catalogue has their Welsh.

How the rules chain: the incident is asserted as a fact (``t: "incident"``). ``incident_notified``
fires for every incident fact (the catch-all). The scope rules decide whether one of the procedure's
two circumstances applies and assert a ``scope`` fact; the decision, consultation and SUSR rules
match that ``scope`` fact (joined with the incident where they need it). Every valid incident meets
or fails each scope condition, and every ``scope`` fact is matched by either a decision rule or
``outside_procedure``, so no valid message goes unhandled.

Why the catch-all matters: in durable-rules 2.0.28 a message no rule matches raises, and leaves a
session that ``delete_state`` cannot free (it frees memory that is only set once an action has run,
and crashes the process); each such session counts for good against the ruleset's 1024. A rule that
fires on every incident makes every evaluation's session deletable.

``kind`` (death or significant incident) appears in no other condition: the procedure covers both alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rules import clauses
from rules.clauses import N_, Clause
from rules.engine import Rulebook

RULESET = "case_review"

# Causes for which the procedure applies during ongoing proceedings; "unknown" is covered separately
# because the procedure also covers incidents that "appear to have occurred".
COVERED_CAUSES = ("violence", "abuse", "neglect", "suicide")
COVERED_PEOPLE = ("child_subject", "adult_party")
DECISION_MAKERS = ("chief_executive", "deputy_chief_executive")

# The scope facts the scope rules assert; identical outside facts are asserted once per evaluation.
WITHIN_ONGOING = {"t": "scope", "within": True, "circumstance": "ongoing_proceedings"}
WITHIN_CLOSED = {"t": "scope", "within": True, "circumstance": "closed_case"}
OUTSIDE = {"t": "scope", "within": False}


def _pattern(kind: str, tests: Mapping[str, Any], *more: dict[str, Any]) -> dict[str, Any]:
    """A durable-rules pattern on one fact type; a tuple value means any one of those values;
    ``more`` adds raw durable-rules terms (comparisons between two fields of the fact)."""
    terms: list[dict[str, Any]] = [{"t": kind}, *more]
    for name, value in tests.items():
        if isinstance(value, tuple):
            terms.append({"$or": [{name: one} for one in value]})
        else:
            terms.append({name: value})
    return {"$and": terms}


def incident(*more: dict[str, Any], **tests: Any) -> dict[str, Any]:
    """Pattern on the incident fact."""
    return _pattern("incident", tests, *more)


# The incident's day against the day the proceedings closed (rules/incident.py gives both as day
# numbers only when both dates are known). On the closure day itself the proceedings were still open.
OCCURRED_DURING_PROCEEDINGS = {"$lte": {"occurred_day": {"$m": "closed_day"}}}
NOT_KNOWN_DURING_PROCEEDINGS = {
    "$or": [{"$nex": {"closed_day": 1}}, {"$gt": {"occurred_day": {"$m": "closed_day"}}}]
}


def scope(**tests: Any) -> dict[str, Any]:
    """Pattern on the scope fact asserted by the scope rules."""
    return _pattern("scope", tests)


@dataclass(frozen=True)
class Rule:
    """One rule: when all patterns match, it fires, gives its reason and concludes its outputs."""

    id: str
    when: Mapping[str, dict[str, Any]]  # fact alias -> pattern; all must match (a join)
    text: str  # the reason, in words a manager understands (English, as records keep it; N_ marks it)
    clause: Clause  # the passage of the procedure the rule encodes (rules/clauses.py)
    concludes: Mapping[str, Any] = field(default_factory=dict)
    asserts: Mapping[str, Any] | None = None  # a fact the rule adds for the rules that follow


RULES: tuple[Rule, ...] = (
    # --- The catch-all: every notified incident is checked against the procedure ---
    Rule(
        id="incident_notified",
        when={"m": incident()},
        text=N_(
            "A death or significant incident has been notified. The procedure applies in two "
            "circumstances; the reasons below say whether either is met and what follows."
        ),
        clause=clauses.TWO_CIRCUMSTANCES,
    ),
    # --- Is the incident within the procedure, and in which circumstance? ---
    Rule(
        id="within_ongoing_proceedings",
        when={"m": incident(proceedings="ongoing", cause=COVERED_CAUSES, person=COVERED_PEOPLE)},
        text=N_(
            "The incident happened while proceedings are ongoing, to a child who is the subject of an "
            "application or an adult party to the proceedings, as a result of violence, abuse, neglect "
            "or suicide. The procedure applies: ongoing proceedings."
        ),
        clause=clauses.ONGOING_PROCEEDINGS,
        concludes={"within_procedure": True, "circumstance": "ongoing_proceedings"},
        asserts=WITHIN_ONGOING,
    ),
    Rule(
        id="within_ongoing_cause_unknown",
        when={"m": incident(proceedings="ongoing", cause="unknown", person=COVERED_PEOPLE)},
        text=N_(
            "The incident happened while proceedings are ongoing, to a child who is the subject of an "
            "application or an adult party to the proceedings. Its cause is not yet known; the "
            "procedure also covers incidents that appear to have occurred through violence, abuse, "
            "neglect or suicide, so it applies (ongoing proceedings) unless the cause proves otherwise."
        ),
        clause=clauses.ONGOING_PROCEEDINGS,
        concludes={"within_procedure": True, "circumstance": "ongoing_proceedings"},
        asserts=WITHIN_ONGOING,
    ),
    Rule(
        id="cause_not_covered",
        when={"m": incident(proceedings="ongoing", cause="other")},
        text=N_(
            "Proceedings are ongoing, but the cause is recorded as other. During proceedings the "
            "procedure covers only deaths and significant incidents resulting from violence, abuse, "
            "neglect or suicide, so this condition is not met."
        ),
        clause=clauses.ONGOING_PROCEEDINGS,
        concludes={"within_procedure": False, "circumstance": None},
        asserts=OUTSIDE,
    ),
    Rule(
        id="person_not_covered",
        when={"m": incident(proceedings="ongoing", person="other")},
        text=N_(
            "Proceedings are ongoing, but the person is neither a child who is the subject of an "
            "application nor an adult party to the proceedings, so this condition is not met."
        ),
        clause=clauses.ONGOING_PROCEEDINGS,
        concludes={"within_procedure": False, "circumstance": None},
        asserts=OUTSIDE,
    ),
    Rule(
        id="within_closed_case",
        when={"m": incident(proceedings="closed", linked_to_court_involvement=True)},
        text=N_(
            "Proceedings have closed and the incident is linked to our previous family court "
            "involvement. The procedure applies: closed case, whatever the cause and whoever the person."
        ),
        clause=clauses.CLOSED_CASES,
        concludes={"within_procedure": True, "circumstance": "closed_case"},
        asserts=WITHIN_CLOSED,
    ),
    Rule(
        id="closed_case_during_proceedings",
        when={"m": incident(OCCURRED_DURING_PROCEEDINGS, proceedings="closed")},
        text=N_(
            "Proceedings have closed, but the incident occurred on or before the day they closed, "
            "while we were involved in the family court proceedings. It is therefore linked to that "
            "court involvement, whatever was answered to the linked question. The procedure applies: "
            "closed case."
        ),
        clause=clauses.CLOSED_CASES,
        concludes={"within_procedure": True, "circumstance": "closed_case"},
        asserts=WITHIN_CLOSED,
    ),
    Rule(
        id="closed_case_not_linked",
        when={
            "m": incident(
                NOT_KNOWN_DURING_PROCEEDINGS, proceedings="closed", linked_to_court_involvement=False
            )
        },
        text=N_(
            "Proceedings have closed, the incident is not linked to our previous family court "
            "involvement, and it did not occur before the proceedings closed (or the dates are not "
            "known), so this condition is not met."
        ),
        clause=clauses.CLOSED_CASES,
        concludes={"within_procedure": False, "circumstance": None},
        asserts=OUTSIDE,
    ),
    # --- Who decides, and who is consulted first? ---
    Rule(
        id="decision_in_consultation",
        when={"m": scope(within=True, circumstance="ongoing_proceedings")},
        text=N_(
            "The Chief Executive Officer or the Deputy Chief Executive decides whether to initiate a "
            "review, in consultation with the Area Head of Operations, because the incident occurred "
            "during proceedings."
        ),
        clause=clauses.DECISION_IN_CONSULTATION,
        concludes={"decision_by": DECISION_MAKERS, "consult": ("area_head_of_operations",)},
    ),
    Rule(
        id="decision_following_notification",
        when={"m": scope(within=True, circumstance="closed_case")},
        text=N_(
            "The Chief Executive Officer or the Deputy Chief Executive decides whether to initiate a "
            "review, following the notification, because proceedings have concluded. The procedure "
            "requires no consultation first."
        ),
        clause=clauses.DECISION_FOLLOWING_NOTIFICATION,
        concludes={"decision_by": DECISION_MAKERS, "consult": ()},
    ),
    # --- Is a Single Unified Safeguarding Review known from the outset? ---
    Rule(
        id="susr_rapid_review",
        when={"s": scope(within=True), "i": incident(susr=True)},
        text=N_(
            "A Single Unified Safeguarding Review is known from the outset. We follow its process, and "
            "we also carry out a rapid review and develop a timeline to determine whether a full "
            "internal case review is required."
        ),
        clause=clauses.SUSR_FROM_THE_OUTSET,
        concludes={"rapid_review": True, "follow_susr_process": True},
    ),
    Rule(
        id="no_susr_known",
        when={"s": scope(within=True), "i": incident(susr=False)},
        text=N_(
            "No Single Unified Safeguarding Review is known from the outset, so no rapid review is "
            "called for: the decision-makers decide directly whether to initiate a full internal case "
            "review."
        ),
        clause=clauses.SUSR_FROM_THE_OUTSET,
        concludes={"rapid_review": False, "follow_susr_process": False},
    ),
    # --- Outside the procedure ---
    Rule(
        id="outside_procedure",
        when={"m": scope(within=False)},
        text=N_(
            "The incident meets neither circumstance in which the procedure applies, so it is outside "
            "the procedure: no review decision, consultation or rapid review is required under it."
        ),
        clause=clauses.BOTH_CIRCUMSTANCES,
        concludes={
            "decision_by": (),
            "consult": (),
            "rapid_review": False,
            "follow_susr_process": False,
        },
    ),
    Rule(
        id="susr_outside_procedure",
        when={"s": scope(within=False), "i": incident(susr=True)},
        text=N_(
            "A Single Unified Safeguarding Review is known, but the incident is outside this "
            "procedure, so no rapid review or timeline is required under it."
        ),
        clause=clauses.SUSR_FROM_THE_OUTSET,
    ),
    # --- Serious Case Review (England): recorded, changes nothing on its own ---
    Rule(
        id="scr_known",
        when={"m": incident(scr=True)},
        text=N_(
            "A Serious Case Review (England) is known. The procedure allows the final investigation "
            "report to be shared with it, but on its own it changes neither whether the procedure "
            "applies nor whether a rapid review is needed."
        ),
        clause=clauses.SHARED_WITH_SCR,
    ),
)

RULES_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}


def definition() -> dict[str, Any]:
    """The ruleset in durable-rules JSON form (the action of each rule is named by its id)."""
    return {
        rule.id: {"all": [{alias: pattern} for alias, pattern in rule.when.items()], "run": rule.id}
        for rule in RULES
    }


CASE_REVIEW = Rulebook(
    RULESET,
    definition(),
    {rule.id: rule.asserts for rule in RULES if rule.asserts is not None},
)
