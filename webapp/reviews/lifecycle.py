"""The review lifecycle, in three tables: the state transitions, the work each state allows, and the
tasks each step creates.

Nothing else moves a review between states: ``next_state`` refuses anything not listed here. Nothing
else decides which work a state allows: services ``require`` it (refusing in one wording), pages ask
``allows`` to show or hide an action.
Clause names refer to ../shared/procedure/case-review-procedure.txt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import DisputeStage, ReviewState, TaskKind


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
    # Nothing leaves the procedure on one person's answer: the CE or DCE confirms it (this
    # service's reading of "The decision to initiate a review will be made by" the CE or DCE).
    (ReviewState.OUTSIDE_PROCEDURE, "confirm_outside"): Transition(
        ReviewState.NOT_INITIATED, "Purpose and Process: the decision to initiate a review"
    ),
    # The facts changed and the rules now say otherwise (webapp/reviews/reevaluation.py).
    (ReviewState.AWAITING_DECISION, "facts_now_outside"): Transition(
        ReviewState.OUTSIDE_PROCEDURE, "Case Review Explained: circumstances 1 and 2"
    ),
    (ReviewState.OUTSIDE_PROCEDURE, "facts_now_within"): Transition(
        ReviewState.AWAITING_DECISION, "Case Review Explained: circumstances 1 and 2"
    ),
    (ReviewState.NOT_INITIATED, "facts_changed_revisit"): Transition(
        ReviewState.AWAITING_DECISION, "Purpose and Process: the decision to initiate a review"
    ),
    (ReviewState.INITIATED, "allocate_reviewer"): Transition(
        ReviewState.IN_REVIEW, "Review Process: led by a Head of Operations independent of the area"
    ),
    (ReviewState.IN_REVIEW, "share_report"): Transition(
        ReviewState.ACCURACY_CHECK,
        "Transparency and Disputes: shared with the practitioner, Practice Manager and Head of Operations",
    ),
    (ReviewState.ACCURACY_CHECK, "all_agreed"): Transition(
        ReviewState.AGREED, "Transparency and Disputes: review and agreement on accuracy and learning points"
    ),
    (ReviewState.ACCURACY_CHECK, "raise_concern"): Transition(
        ReviewState.DISPUTE_AUTHOR, "Transparency and Disputes, 1: raise concerns with the report author"
    ),
    (ReviewState.DISPUTE_AUTHOR, "resolved_by_author"): Transition(
        ReviewState.ACCURACY_CHECK, "Transparency and Disputes, 1: raise concerns with the report author"
    ),
    (ReviewState.DISPUTE_AUTHOR, "escalate_to_dce"): Transition(
        ReviewState.DISPUTE_DCE,
        "Transparency and Disputes, 2: if unresolved, escalate to the Deputy Chief Executive",
    ),
    # A revision shared during a dispute: concerns still wait for the person who raised them...
    (ReviewState.DISPUTE_AUTHOR, "share_revision"): Transition(
        ReviewState.DISPUTE_AUTHOR, "Transparency and Disputes, 1: the report author revises the report"
    ),
    (ReviewState.DISPUTE_DCE, "share_revision"): Transition(
        ReviewState.DISPUTE_AUTHOR, "Transparency and Disputes, 1: the report author revises the report"
    ),
    # ...or none is open (the revision the DCE decided): the new version goes out for accuracy.
    (ReviewState.DISPUTE_AUTHOR, "share_decided_revision"): Transition(
        ReviewState.ACCURACY_CHECK,
        "Transparency and Disputes, 2: the report revised as the Deputy Chief Executive decided",
    ),
    (ReviewState.DISPUTE_DCE, "share_decided_revision"): Transition(
        ReviewState.ACCURACY_CHECK,
        "Transparency and Disputes, 2: the report revised as the Deputy Chief Executive decided",
    ),
    (ReviewState.DISPUTE_DCE, "dce_decided"): Transition(
        ReviewState.AGREED, "Transparency and Disputes, 2: the Deputy Chief Executive's review and decision"
    ),
    (ReviewState.AGREED, "slt_discussed"): Transition(
        ReviewState.ACTION_PLANNING, "Outcome: review themes discussed at a Senior Leadership Team meeting"
    ),
    (ReviewState.AGREED, "close_without_learning"): Transition(
        ReviewState.CLOSED, "Outcome: where learning is identified (here, none was)"
    ),
    (ReviewState.ACTION_PLANNING, "action_plan_agreed"): Transition(
        ReviewState.MONITORING, "Outcome: an action plan will be agreed and overseen by the PDT"
    ),
    (ReviewState.MONITORING, "close"): Transition(
        ReviewState.CLOSED, "Outcome: the PDT will monitor and review progress"
    ),
}

ACTION_LABELS = {
    "open_within_procedure": _l("Incident recorded: within the procedure"),
    "open_outside_procedure": _l("Incident recorded: outside the procedure"),
    "initiate": _l("Decided to initiate a review"),
    "decline": _l("Decided not to initiate a review"),
    "override_initiate": _l("Initiated a review although outside the procedure"),
    "confirm_outside": _l("Confirmed: outside the procedure, no review"),
    "facts_now_outside": _l("Facts changed: now outside the procedure"),
    "facts_now_within": _l("Facts changed: now within the procedure"),
    "facts_changed_revisit": _l("Facts changed: the decision not to initiate is open again"),
    "allocate_reviewer": _l("Reviewer allocated"),
    "share_report": _l("Report shared for accuracy"),
    "all_agreed": _l("Report agreed by everyone"),
    "raise_concern": _l("Concern raised about the report"),
    "resolved_by_author": _l("Concern resolved by the report author"),
    "escalate_to_dce": _l("Dispute escalated to the Deputy Chief Executive"),
    "dce_decided": _l("Dispute decided by the Deputy Chief Executive"),
    "share_revision": _l("Revised report shared in answer to a concern"),
    "share_decided_revision": _l("Report revised as the Deputy Chief Executive decided, shared for accuracy"),
    "slt_discussed": _l("Themes discussed at the Senior Leadership Team"),
    "close_without_learning": _l("Closed: no learning identified"),
    "action_plan_agreed": _l("Action plan agreed"),
    "close": _l("Closed: every action done, confirmed by the Practice Development Team"),
}


def next_state(current: ReviewState | None, action: str) -> Transition:
    transition = TRANSITIONS.get((current, action))
    if transition is None:
        if current is None:
            raise InvalidTransition(_("You cannot do that now: there is no review yet."))
        raise InvalidTransition(
            _(
                "You cannot do that now: the review is at '%(stage)s'. Reload the page to see its "
                "current state.",
                stage=current.label,
            )
        )
    return transition


# A dispute's stages, the same way: (stage before, move) -> stage after, each citing its clause.
# Every concern starts with the report author (Transparency and Disputes, 1). Services move a dispute
# only through webapp.accuracy.disputes.move, which asks next_stage; pages ask dispute_moves.
@dataclass(frozen=True)
class DisputeMove:
    to: DisputeStage
    clause: str
    label: str | LazyString  # what happened, in the dispute's history


_STAGE_1 = "Transparency and Disputes, 1: raise concerns with the report author for resolution"
_STAGE_2 = "Transparency and Disputes, 2: if unresolved, escalate to the Deputy Chief Executive"
_STAGE_3 = "Transparency and Disputes, 3: if unresolved, the Welsh Government grievance procedures"
DISPUTE_MOVES: dict[tuple[DisputeStage, str], DisputeMove] = {
    # Stage 1: the author answers without changing the report, or revises it and shares the revision
    # as a new version (the person who raised the concern answers on it first).
    (DisputeStage.AUTHOR, "respond"): DisputeMove(DisputeStage.RAISER, _STAGE_1, _l("Author responded")),
    (DisputeStage.AUTHOR, "revise"): DisputeMove(
        DisputeStage.RAISER, _STAGE_1, _l("Author shared a revision")
    ),
    # A revision shared while the raiser is still considering an earlier answer: they answer on it.
    (DisputeStage.RAISER, "revise"): DisputeMove(
        DisputeStage.RAISER, _STAGE_1, _l("Author shared a revision")
    ),
    # The person who raised it says whether that resolves it; only they decide.
    (DisputeStage.RAISER, "resolved"): DisputeMove(DisputeStage.RESOLVED, _STAGE_1, _l("Resolved")),
    (DisputeStage.RAISER, "escalate"): DisputeMove(
        DisputeStage.DEPUTY_CHIEF_EXECUTIVE, _STAGE_2, _l("Escalated to the Deputy Chief Executive")
    ),
    # Stage 2: the DCE's review and decision. Upheld, in whole or part, sends the report back to its
    # author for a revision, shared as a new version to all three parties.
    (DisputeStage.DEPUTY_CHIEF_EXECUTIVE, "not_upheld"): DisputeMove(
        DisputeStage.DECIDED, _STAGE_2, _l("Decided: not upheld")
    ),
    (DisputeStage.DEPUTY_CHIEF_EXECUTIVE, "upheld"): DisputeMove(
        DisputeStage.REVISION, _STAGE_2, _l("Decided: upheld")
    ),
    (DisputeStage.DEPUTY_CHIEF_EXECUTIVE, "partly_upheld"): DisputeMove(
        DisputeStage.REVISION, _STAGE_2, _l("Decided: partly upheld")
    ),
    (DisputeStage.REVISION, "revise"): DisputeMove(
        DisputeStage.DECIDED, _STAGE_2, _l("Revision shared as the Deputy Chief Executive decided")
    ),
    # Stage 3: still unresolved after the DCE's decision, the person who raised it may follow the
    # Welsh Government grievance procedure: tracked here from opening to outcome.
    (DisputeStage.DECIDED, "open_grievance"): DisputeMove(
        DisputeStage.GRIEVANCE, _STAGE_3, _l("Welsh Government grievance opened")
    ),
    (DisputeStage.GRIEVANCE, "close_grievance"): DisputeMove(
        DisputeStage.GRIEVANCE_CLOSED, _STAGE_3, _l("Welsh Government grievance closed")
    ),
}
# Open: someone must still act on the dispute before the report can be agreed.
OPEN_DISPUTE_STAGES = frozenset(
    {DisputeStage.AUTHOR, DisputeStage.RAISER, DisputeStage.DEPUTY_CHIEF_EXECUTIVE, DisputeStage.REVISION}
)


def next_stage(current: DisputeStage, move: str) -> DisputeStage:
    found = DISPUTE_MOVES.get((current, move))
    if found is None:
        raise InvalidTransition(
            _(
                "You cannot do that now: the concern is at '%(stage)s'. Reload the page to see where it is.",
                stage=current.label,
            )
        )
    return found.to


def dispute_allows(stage: DisputeStage, move: str) -> bool:
    return (stage, move) in DISPUTE_MOVES


class Work(enum.StrEnum):
    """The work done on a review, other than the transitions themselves."""

    DECIDE = "decide"
    GATHER = "gather"  # the reviewer's information gathering
    DRAFT_REPORT = "draft_report"  # report drafts and the chronology
    SHARE_REPORT = "share_report"
    RESPOND = "respond"  # accuracy responses on the shared report, asking a missing party
    DISCLOSE = "disclose"  # recording that the report went to an external review
    RECORD_LEARNING = "record_learning"
    RECORD_SLT = "record_slt"
    CLOSE_WITHOUT_LEARNING = "close_without_learning"
    CHANGE_ACTIONS = "change_actions"  # add or change an action, record its progress
    AGREE_PLAN = "agree_plan"
    REVIEW_PROGRESS = "review_progress"
    CLOSE = "close"


# What each step is called in a refusal: "You cannot <this> now: ..." (in Welsh, after "Ni allwch",
# the verbnoun mutated: the glossary says so).
WORK_PHRASES = {
    # Translators: this and the other work phrases follow "Ni allwch": give the verbnoun mutated.
    Work.DECIDE: _l("record a decision"),
    Work.GATHER: _l("change the information gathering"),
    Work.DRAFT_REPORT: _l("change the report"),
    Work.SHARE_REPORT: _l("share the report"),
    Work.RESPOND: _l("respond on the report's accuracy"),
    Work.DISCLOSE: _l("record sharing the report with an external review"),
    Work.RECORD_LEARNING: _l("record the learning"),
    Work.RECORD_SLT: _l("record the Senior Leadership Team meeting"),
    Work.CLOSE_WITHOUT_LEARNING: _l("close the review without learning"),
    Work.CHANGE_ACTIONS: _l("change the action plan"),
    Work.AGREE_PLAN: _l("agree the action plan"),
    Work.REVIEW_PROGRESS: _l("record a progress review"),
    Work.CLOSE: _l("close the review"),
}

_AGREED_ON = frozenset({Work.DISCLOSE, Work.RECORD_LEARNING})  # once the report is agreed, always
# state -> the work it allows. The reviewer drafts while the review is in progress, and again while
# a concern is with them as the report's author ("Transparency and Disputes", 1); gathering may be
# completed until the report is agreed (its task is chased until done); parties answer while any
# concern is dealt with (one party's dispute does not stop the others); the learning is recorded once
# the report is agreed and may be corrected afterwards; disclosure follows agreement.
WORK: dict[ReviewState, frozenset[Work]] = {
    ReviewState.AWAITING_DECISION: frozenset({Work.DECIDE}),
    ReviewState.OUTSIDE_PROCEDURE: frozenset({Work.DECIDE}),  # the override: initiate anyway
    ReviewState.NOT_INITIATED: frozenset(),  # facts changing may reopen the decision
    ReviewState.INITIATED: frozenset(),
    ReviewState.IN_REVIEW: frozenset({Work.GATHER, Work.DRAFT_REPORT, Work.SHARE_REPORT}),
    ReviewState.ACCURACY_CHECK: frozenset({Work.GATHER, Work.RESPOND}),
    ReviewState.DISPUTE_AUTHOR: frozenset({Work.GATHER, Work.DRAFT_REPORT, Work.RESPOND}),
    # The DCE may uphold a concern: the author then revises (DRAFT_REPORT) and shares the revision.
    ReviewState.DISPUTE_DCE: frozenset({Work.GATHER, Work.DRAFT_REPORT, Work.RESPOND}),
    ReviewState.AGREED: _AGREED_ON | {Work.RECORD_SLT, Work.CLOSE_WITHOUT_LEARNING},
    ReviewState.ACTION_PLANNING: _AGREED_ON | {Work.CHANGE_ACTIONS, Work.AGREE_PLAN},
    ReviewState.MONITORING: _AGREED_ON | {Work.CHANGE_ACTIONS, Work.REVIEW_PROGRESS, Work.CLOSE},
    ReviewState.CLOSED: _AGREED_ON,
}


class WorkNotAllowed(InvalidTransition):
    """The review's state does not allow this work now."""


def allows(state: ReviewState, work: Work) -> bool:
    return work in WORK[state]


def states_allowing(work: Work) -> frozenset[ReviewState]:
    return frozenset(state for state, allowed in WORK.items() if work in allowed)


def refusal(state: ReviewState, work: Work) -> str | None:
    """Why ``work`` cannot be done in ``state`` (the one wording every refusal uses), or None."""
    if allows(state, work):
        return None
    return _(
        "You cannot %(work)s now: the review is at '%(stage)s'. Reload the page to see its current state.",
        work=WORK_PHRASES[work],
        stage=state.label,
    )


def require(state: ReviewState, work: Work, refused: type[Exception] = WorkNotAllowed) -> None:
    """Raise ``refused`` (the area's own refusal, or WorkNotAllowed) unless ``state`` allows ``work``."""
    message = refusal(state, work)
    if message is not None:
        raise refused(message)


@dataclass(frozen=True)
class TaskSpec:
    policy_key: str | None  # the timescale in rules/policy.toml; None: the due date is given
    # "pool:<name>" (webapp/tasks/pools.py; AREA_POOLS take the case's area), "case:practice_manager",
    # "case:practitioner", "review:reviewer", or "given" (the caller names the person: an action's owner).
    assign_to: str
    clause: str
    # Tasks of these kinds on the same review must be done first: while one is open this task is
    # not due, reminded or escalated, and its timescale runs from the day the last one is done.
    waits_for: tuple[TaskKind, ...] = ()


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
        waits_for=(TaskKind.CONSULT_AREA_HEAD, TaskKind.RAPID_REVIEW),
    ),
    TaskKind.CONFIRM_OUTSIDE_PROCEDURE: TaskSpec(
        "confirm_outside_procedure",
        "pool:decision_makers",
        "Purpose and Process: the decision to initiate a review will be made by the CE or DCE",
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
    TaskKind.FOLLOW_UP_EAP_REFERRAL: TaskSpec(
        "eap_follow_up",
        "case:practice_manager",
        "Purpose and Process: referral to the Employee Assistance Programme",
    ),
    TaskKind.AGREE_SUPPORT_NEEDS: TaskSpec(
        "agree_support_needs",
        "case:practice_manager",
        "Purpose and Process: support needs discussed and agreed with the practitioner",
    ),
    TaskKind.CONFIRM_SUPPORT_NEEDS: TaskSpec(
        "confirm_support_needs",
        "case:practitioner",
        "Purpose and Process: support needs will be discussed and agreed with the practitioner(s)",
    ),
    TaskKind.ALLOCATE_REVIEWER: TaskSpec(
        "allocate_reviewer",
        "pool:decision_makers",
        "Review Process: led by a Head of Operations independent of the case-managing area",
    ),
}

TASKS.update(
    {
        TaskKind.GATHER_INFORMATION: TaskSpec(
            "gather_information", "review:reviewer", "Review Process: the reviewer should gather information"
        ),
        TaskKind.DRAFT_REPORT: TaskSpec(
            "draft_report", "review:reviewer", "Review Process: the review report should include"
        ),
        TaskKind.CHECK_REPORT_ACCURACY: TaskSpec(
            "accuracy_response",
            "given",
            "Transparency and Disputes: shared for review and agreement on accuracy and learning points",
        ),
        TaskKind.RESOLVE_CONCERN: TaskSpec(
            "dispute_author_stage", "review:reviewer", "Transparency and Disputes, 1: the report author"
        ),
        TaskKind.DECIDE_DISPUTE: TaskSpec(
            "dispute_dce_stage",
            "pool:deputy_chief_executives",
            "Transparency and Disputes, 2: the Deputy Chief Executive for review and decision",
        ),
        TaskKind.CONFIRM_CONCERN_RESOLVED: TaskSpec(
            "dispute_raiser_answer", "given", "Transparency and Disputes, 1: raise concerns for resolution"
        ),
        TaskKind.REVISE_REPORT: TaskSpec(
            "dispute_revision",
            "review:reviewer",
            "Transparency and Disputes, 2: the Deputy Chief Executive's review and decision",
        ),
        TaskKind.FOLLOW_GRIEVANCE: TaskSpec(
            "grievance_stage",
            "pool:deputy_chief_executives",
            "Transparency and Disputes, 3: the Welsh Government grievance procedures may be followed",
        ),
        TaskKind.SHARE_WITH_EXTERNAL_REVIEW: TaskSpec(
            "share_with_external_review",
            "pool:decision_makers",
            "Case Review Explained: the final report may be shared with formal external review processes",
        ),
        TaskKind.DISCUSS_AT_SLT: TaskSpec(
            "slt_discussion",
            "pool:decision_makers",
            "Outcome: review themes will be discussed at a Senior Leadership Team meeting",
        ),
        TaskKind.AGREE_ACTION_PLAN: TaskSpec(
            "agree_action_plan",
            "pool:practice_development",
            "Outcome: an action plan will be agreed and overseen by the Practice Development Team",
        ),
        TaskKind.COMPLETE_ACTION: TaskSpec(None, "given", "Outcome: an action plan will be agreed"),
        TaskKind.REVIEW_ACTION_PLAN_PROGRESS: TaskSpec(
            "action_plan_progress_review",
            "pool:practice_development",
            "Outcome: the PDT will monitor and review progress",
        ),
        # Due on the deadline the external review set. The case's Area Head of Operations answers (this
        # service's reading: the AHoO is notified of the incident, consulted, and does the rapid review
        # when a SUSR is known); with none, the CE or DCE (tasks/pools.py FALLBACKS).
        TaskKind.ANSWER_INFORMATION_REQUEST: TaskSpec(
            None,
            "pool:area_heads",
            "Case Review Explained: if a Single Unified Safeguarding Review is taking place, we will "
            "follow their process",
        ),
    }
)

# Tasks each step creates.
# Support starts with the notification of an incident within the procedure, not with the decision:
# the practitioner's need comes from the death or incident itself (this service's reading; the
# procedure names the support without saying when it starts).
TASKS_ON_NOTIFICATION_WITHIN = (
    TaskKind.INFORM_PRACTITIONER_AND_PM,
    TaskKind.OFFER_EAP_REFERRAL,
    TaskKind.ARRANGE_SUPPORT_MEETINGS,
    TaskKind.AGREE_SUPPORT_NEEDS,
)
TASKS_ON_INITIATE = (TaskKind.ALLOCATE_REVIEWER,)
TASKS_ON_REVIEWER_ALLOCATED = (TaskKind.GATHER_INFORMATION, TaskKind.DRAFT_REPORT)
