"""When the shared report is agreed: the parties, their answers and the rules the accuracy responses
(services.py), the disputes (disputes.py) and the disclosure (disclosure.py) share.

Procedure, "Transparency and Disputes": the report is shared with the practitioner, their Practice
Manager and the Head of Operations for agreement on accuracy and learning points. A concern goes
(1) to the report author, (2) if unresolved, to the Deputy Chief Executive for review and decision,
(3) if still unresolved, to the Welsh Government grievance procedures (recorded here, not run).

How the review's state follows its disputes, when more than one party raises a concern:

- A concern always starts a Dispute at the author stage: stage 1 comes first for every concern. The
  report author answers it in writing (and may revise the report meanwhile); then the person who raised
  it says whether that answer resolves it. Only they decide: yes settles the concern ("resolved"), no
  takes it to the Deputy Chief Executive. The dispute stays at the author stage until they answer. The
  first concern moves the review ACCURACY_CHECK -> DISPUTE_AUTHOR ("raise_concern"); a concern raised
  while the review is already in a dispute stage is recorded as another Dispute, with no transition.
- Once any dispute has been escalated, the review stays in DISPUTE_DCE until the report is agreed: the
  review shows the furthest stage reached. Concerns then resolved or escalated move no state.
- The review goes back to ACCURACY_CHECK ("resolved_by_author") only when no dispute is open and none
  has reached the DCE.
- The report is agreed when each of the three parties has a settled answer (agreed, or a concern the
  author's response resolved or the DCE decided) and no dispute is open. From ACCURACY_CHECK that is
  "all_agreed"; from DISPUTE_DCE it is "dce_decided", made by whoever settles the last answer. So a
  DCE decision never agrees the report over a party who has not answered yet, or over a concern still
  at the author stage; in the usual case (one concern, the others agreed) the decision itself agrees
  the report.

These rules give every path a transition in webapp/reviews/lifecycle.py and need no new ones.
Every change here runs in one unit of work (webapp/records.py): all of it is saved, or none.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    AccuracyResponse,
    Dispute,
    DisputeStage,
    ReportDraft,
    Review,
    ReviewState,
    Task,
    TaskKind,
    User,
)
from webapp.reviews.services import on_report_agreed, transition

PARTIES = ("practitioner", "practice_manager", "head_of_operations")
PARTY_LABELS = {
    "practitioner": "Practitioner",
    "practice_manager": "Practice Manager",
    "head_of_operations": "Head of Operations of the case's area",
}
OPEN_STAGES = frozenset({DisputeStage.AUTHOR, DisputeStage.DEPUTY_CHIEF_EXECUTIVE})
SETTLED_STAGES = frozenset({DisputeStage.RESOLVED, DisputeStage.DECIDED})

CLAUSE_SHARING = (
    "Transparency and Disputes: the review report should be shared with the practitioner, Practice "
    "Manager, and Head of Operations for review and agreement on accuracy and learning points."
)
CLAUSE_AUTHOR = "Transparency and Disputes, 1: raise concerns with the report author for resolution."
CLAUSE_DCE = (
    "Transparency and Disputes, 2: if unresolved, escalate to the Deputy Chief Executive for review and "
    "decision."
)
CLAUSE_GRIEVANCE = (
    "Transparency and Disputes, 3: if the dispute remains unresolved, the Welsh Government grievance "
    "procedures may be followed."
)
CLAUSE_DISCLOSURE = (
    "Case Review Explained: the final investigation report may be shared with formal external review "
    "processes, such as Single Unified Safeguarding Reviews (Wales) and Serious Case Reviews (England)."
)

CLAUSES = {
    "sharing": CLAUSE_SHARING,
    "author": CLAUSE_AUTHOR,
    "dce": CLAUSE_DCE,
    "grievance": CLAUSE_GRIEVANCE,
    "disclosure": CLAUSE_DISCLOSURE,
}


class AccuracyRefused(Exception):
    """The procedure does not allow this now; the message says why, in words for the page."""


class NotYours(Exception):
    """The action belongs to someone else (the route answers 403)."""


class AlreadyResponded(AccuracyRefused):
    pass


def accuracy_tasks(review: Review, draft: ReportDraft) -> dict[str, Task]:
    """Each party's accuracy task on this draft (the latest, should there be more than one).

    Not the tasks asking someone whether the author's response resolves their concern: those are
    CHECK_REPORT_ACCURACY tasks too, told apart by the dispute_id in their outcome."""
    tasks: dict[str, Task] = {}
    for task in review.tasks:
        if (
            task.kind == TaskKind.CHECK_REPORT_ACCURACY
            and task.outcome.get("draft_id") == draft.id
            and "dispute_id" not in task.outcome
            and "party" in task.outcome
        ):
            tasks[task.outcome["party"]] = task
    return tasks


def responses_to(draft: ReportDraft) -> dict[str, AccuracyResponse]:
    rows = db.session.execute(
        select(AccuracyResponse)
        .where(AccuracyResponse.draft_id == draft.id)
        .options(selectinload(AccuracyResponse.user))
    ).scalars()
    return {row.party: row for row in rows}


def disputes_on(draft: ReportDraft) -> list[Dispute]:
    return list(
        db.session.execute(
            select(Dispute)
            .join(AccuracyResponse, Dispute.response_id == AccuracyResponse.id)
            .where(AccuracyResponse.draft_id == draft.id)
            .options(selectinload(Dispute.response).selectinload(AccuracyResponse.user))
            .order_by(Dispute.id)
        ).scalars()
    )


def is_settled(draft: ReportDraft) -> bool:
    """Every party agreed, or had their concern resolved (they accepted the author's response) or
    decided by the DCE."""
    responses = responses_to(draft)
    if set(responses) != set(PARTIES):
        return False
    stages = {d.response_id: d.stage for d in disputes_on(draft)}
    return all(r.agrees or stages.get(r.id) in SETTLED_STAGES for r in responses.values())


def agree_if_settled(review: Review, draft: ReportDraft, actor: User) -> bool:
    """Agree the report once every answer is settled and no dispute is open (see the module doc)."""
    if any(d.stage in OPEN_STAGES for d in disputes_on(draft)) or not is_settled(draft):
        return False
    if review.state == ReviewState.ACCURACY_CHECK:
        transition(review, "all_agreed", actor=actor)
    elif review.state == ReviewState.DISPUTE_DCE:
        transition(
            review,
            "dce_decided",
            actor=actor,
            note="Every answer settled: agreed, or a concern resolved by the author or decided by the DCE.",
        )
    else:
        return False
    on_report_agreed(review)
    return True
