"""The review lifecycle, in two tables: the state transitions, and the tasks each step creates.

Nothing else moves a review between states: ``next_state`` refuses anything not listed here.
Clause names refer to ../shared/procedure/case-review-procedure.txt.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.models import ReviewState, Role, TaskKind


class InvalidTransition(Exception):
    """The action is not allowed from the review's current state."""


@dataclass(frozen=True)
class Transition:
    to: ReviewState
    clause: str


# (state before, action) -> state after. None is "no review yet".
TRANSITIONS: dict[tuple[ReviewState | None, str], Transition] = {
    (None, "open_within_procedure"): Transition(
        ReviewState.AWAITING_DECISION, "Case Review Explained: circumstances 1 and 2"
    ),
    (None, "open_outside_procedure"): Transition(
        ReviewState.OUTSIDE_PROCEDURE, "Case Review Explained: circumstances 1 and 2"
    ),
    (ReviewState.AWAITING_DECISION, "initiate"): Transition(
        ReviewState.INITIATED, "Purpose and Process: the decision to initiate a review"
    ),
    (ReviewState.AWAITING_DECISION, "decline"): Transition(
        ReviewState.NOT_INITIATED, "Purpose and Process: the decision to initiate a review"
    ),
    (ReviewState.OUTSIDE_PROCEDURE, "override_initiate"): Transition(
        ReviewState.INITIATED, "Purpose and Process: the decision to initiate a review"
    ),
}

ACTION_LABELS = {
    "open_within_procedure": "Incident recorded: within the procedure",
    "open_outside_procedure": "Incident recorded: outside the procedure",
    "initiate": "Decided to initiate a review",
    "decline": "Decided not to initiate a review",
    "override_initiate": "Initiated a review although outside the procedure",
}


def next_state(current: ReviewState | None, action: str) -> Transition:
    transition = TRANSITIONS.get((current, action))
    if transition is None:
        state = current.label if current else "no review"
        raise InvalidTransition(
            f"You cannot do that now: the review is at '{state}'. Reload the page to see its current state."
        )
    return transition


# Task pools: everyone holding one of the roles may action the task (within the task's area, if set).
POOLS: dict[str, frozenset[Role]] = {
    "decision_makers": frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}),
    "area_heads": frozenset({Role.AREA_HEAD_OF_OPERATIONS}),
}
POOL_LABELS = {
    "decision_makers": "Chief Executive or Deputy Chief Executive",
    "area_heads": "Area Head of Operations",
}


@dataclass(frozen=True)
class TaskSpec:
    policy_key: str  # the timescale in rules/policy.toml
    assign_to: str  # "pool:<name>" (area pools take the case's area) or "case:practice_manager"
    clause: str


TASKS: dict[TaskKind, TaskSpec] = {
    TaskKind.ACKNOWLEDGE_INCIDENT: TaskSpec(
        "acknowledge_incident", "pool:area_heads", "DESIGN.md step 2: the AHoO is notified at once"
    ),
    TaskKind.CONSULT_AREA_HEAD: TaskSpec(
        "consult_area_head",
        "pool:area_heads",
        "Purpose and Process: in consultation with the Area Head of Operations during proceedings",
    ),
    TaskKind.RAPID_REVIEW: TaskSpec(
        "rapid_review",
        "pool:area_heads",
        "Case Review Explained: a rapid review and a timeline when a SUSR is known from the outset",
    ),
    TaskKind.DECIDE: TaskSpec(
        "decision",
        "pool:decision_makers",
        "Purpose and Process: the decision is made by the Chief Executive or Deputy Chief Executive",
    ),
    TaskKind.INFORM_PRACTITIONER_AND_PM: TaskSpec(
        "inform_practitioner_and_pm",
        "pool:area_heads",
        "Purpose and Process: the AHoO will inform the practitioner and relevant Practice Manager",
    ),
    TaskKind.OFFER_EAP_REFERRAL: TaskSpec(
        "offer_eap_referral",
        "case:practice_manager",
        "Purpose and Process: referral to the Employee Assistance Programme",
    ),
    TaskKind.ARRANGE_SUPPORT_MEETINGS: TaskSpec(
        "first_support_meeting", "case:practice_manager", "Purpose and Process: regular support meetings"
    ),
    TaskKind.AGREE_SUPPORT_NEEDS: TaskSpec(
        "agree_support_needs",
        "case:practice_manager",
        "Purpose and Process: support needs discussed and agreed with the practitioner",
    ),
    TaskKind.ALLOCATE_REVIEWER: TaskSpec(
        "allocate_reviewer",
        "pool:decision_makers",
        "Review Process: led by a Head of Operations independent of the case-managing area",
    ),
}

# Tasks each step creates.
TASKS_ON_INITIATE = (
    TaskKind.INFORM_PRACTITIONER_AND_PM,
    TaskKind.OFFER_EAP_REFERRAL,
    TaskKind.ARRANGE_SUPPORT_MEETINGS,
    TaskKind.AGREE_SUPPORT_NEEDS,
    TaskKind.ALLOCATE_REVIEWER,
)
