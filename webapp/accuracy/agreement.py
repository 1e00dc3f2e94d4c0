"""When the shared report is agreed: the parties, their answers and the rules the accuracy responses
(services.py), the disputes (disputes.py) and the disclosure (disclosure.py) share.

Procedure, "Transparency and Disputes": the report is shared with the practitioner, their Practice
Manager and the Head of Operations for agreement on accuracy and learning points. A concern goes
(1) to the report author, (2) if unresolved, to the Deputy Chief Executive for review and decision,
(3) if still unresolved, to the Welsh Government grievance procedures (recorded here, not run).

Report versions and agreement, one model:

- Each shared version is frozen (webapp/conduct/report.py). The three parties answer on a version:
  agree, or raise a concern (an AccuracyResponse per version and party).
- A concern starts a Dispute (its stages are lifecycle.DISPUTE_MOVES). At stage 1 the author answers
  without changing the report, or revises it and shares the revision as a new version. A revision
  goes to all three parties, with their earlier answers beside it; the person who raised the concern
  answers first (the others are asked once their answer is settled), so nobody is asked about a
  version that may change again. The same holds for a revision the DCE decided (upheld, in whole or
  in part).
- A party's answer on a version is settled when they agreed it, or their concern about that version
  was resolved by them or decided by the DCE (not upheld; a grievance may follow).
- A version is agreed when it is the latest shared, every party's answer on it is settled, and no
  dispute is open: its ``agreed_at`` is set, and the agreed report is the latest version with that
  date (``report.agreed_draft``). Only it can be disclosed, or exported as "Agreed".

The review's state follows: the first concern moves ACCURACY_CHECK -> DISPUTE_AUTHOR; an escalation
DISPUTE_AUTHOR -> DISPUTE_DCE (the review shows the furthest stage reached); a revision shared while
concerns wait for their raisers stays in (or returns to) DISPUTE_AUTHOR, one the DCE decided goes
back to ACCURACY_CHECK; with nothing open the review returns to ACCURACY_CHECK ("resolved_by_author");
agreement is "all_agreed" from ACCURACY_CHECK, "dce_decided" from DISPUTE_DCE.
Every change here runs in one unit of work (webapp/records.py): all of it is saved, or none.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rules import clauses
from webapp.conduct.report import shared_draft
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
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
    utcnow,
)
from webapp.reviews.history import AGREED_NOTE, DECIDED_NOTE
from webapp.reviews.lifecycle import OPEN_DISPUTE_STAGES
from webapp.reviews.services import on_report_agreed, transition

PARTIES = ("practitioner", "practice_manager", "head_of_operations")
# Each party's name on its own (a label, or named after a colon or in brackets in a sentence).
PARTY_LABELS = {
    "practitioner": _l("Practitioner"),
    "practice_manager": _l("Practice Manager"),
    "head_of_operations": _l("Head of Operations of the case's area"),
}
OPEN_STAGES = OPEN_DISPUTE_STAGES
# A settled dispute settles its raiser's answer on the version it is about (a revision the DCE
# decided leaves it on the version decided: the raiser answers on the revision afresh).
SETTLED_STAGES = frozenset(
    {DisputeStage.RESOLVED, DisputeStage.DECIDED, DisputeStage.GRIEVANCE, DisputeStage.GRIEVANCE_CLOSED}
)

# The procedure's words these pages quote, from the one place the service keeps them (rules/clauses.py).
CLAUSES = {
    "sharing": clauses.SHARING,
    "author": clauses.DISPUTE_AUTHOR,
    "dce": clauses.DISPUTE_DCE,
    "grievance": clauses.DISPUTE_GRIEVANCE,
    "disclosure": clauses.DISCLOSURE,
}


class AccuracyRefused(Exception):
    """The procedure does not allow this now; the message says why, in words for the page."""


class NotYours(Exception):
    """The action belongs to someone else (the route answers 403)."""


class AlreadyResponded(AccuracyRefused):
    pass


def accuracy_tasks(review: Review, draft: ReportDraft) -> dict[str, Task]:
    """Each party's accuracy task on this version (the latest, should there be more than one)."""
    rows = db.session.execute(
        select(Task)
        .where(
            Task.review_id == review.id,
            Task.kind == TaskKind.CHECK_REPORT_ACCURACY,
            Task.draft_id == draft.id,
            Task.party.is_not(None),
        )
        .options(selectinload(Task.assignee))
        .order_by(Task.id)
    ).scalars()
    return {task.party: task for task in rows if task.party is not None}


def responses_to(draft: ReportDraft) -> dict[str, AccuracyResponse]:
    rows = db.session.execute(
        select(AccuracyResponse)
        .where(AccuracyResponse.draft_id == draft.id)
        .options(selectinload(AccuracyResponse.user))
    ).scalars()
    return {row.party: row for row in rows}


def earlier_responses(review: Review, draft: ReportDraft) -> dict[str, list[AccuracyResponse]]:
    """Each party's answers on the versions shared before this one, newest first."""
    rows = db.session.execute(
        select(AccuracyResponse)
        .join(ReportDraft, AccuracyResponse.draft_id == ReportDraft.id)
        .where(AccuracyResponse.review_id == review.id, ReportDraft.version < draft.version)
        .options(selectinload(AccuracyResponse.user))
        .order_by(ReportDraft.version.desc())
    ).scalars()
    found: dict[str, list[AccuracyResponse]] = {}
    for row in rows:
        found.setdefault(row.party, []).append(row)
    return found


def _disputes(*conditions) -> list[Dispute]:
    return list(
        db.session.execute(
            select(Dispute)
            .join(AccuracyResponse, Dispute.response_id == AccuracyResponse.id)
            .where(*conditions)
            .options(selectinload(Dispute.response).selectinload(AccuracyResponse.user))
            .order_by(Dispute.id)
        ).scalars()
    )


def disputes_on(draft: ReportDraft) -> list[Dispute]:
    """The disputes about this version (raised on it, or answered by a revision the raiser now
    answers on)."""
    return _disputes(Dispute.draft_id == draft.id)


def disputes_of(review: Review) -> list[Dispute]:
    return _disputes(Dispute.review_id == review.id)


def any_open(review: Review) -> bool:
    return (
        db.session.execute(
            select(Dispute.id).where(Dispute.review_id == review.id, Dispute.stage.in_(OPEN_STAGES)).limit(1)
        ).first()
        is not None
    )


def settled_parties(draft: ReportDraft) -> set[str]:
    """The parties whose answer on this version is settled: they agreed it, or their concern about it
    was resolved or decided by the Deputy Chief Executive."""
    settled = {party for party, response in responses_to(draft).items() if response.agrees}
    settled |= {d.response.party for d in disputes_on(draft) if d.stage in SETTLED_STAGES}
    return settled


def is_settled(draft: ReportDraft) -> bool:
    return settled_parties(draft) >= set(PARTIES)


def agree_if_settled(review: Review, draft: ReportDraft, actor: User) -> bool:
    """Agree the version once it is the latest shared, every answer on it is settled and no dispute
    is open (see the module doc)."""
    latest = shared_draft(review)
    if latest is None or latest.id != draft.id or any_open(review) or not is_settled(draft):
        return False
    if review.state == ReviewState.ACCURACY_CHECK:
        transition(review, "all_agreed", actor=actor, note=AGREED_NOTE % {"version": draft.version})
    elif review.state == ReviewState.DISPUTE_DCE:
        transition(
            review,
            "dce_decided",
            actor=actor,
            note=DECIDED_NOTE % {"version": draft.version},
        )
    else:
        return False
    draft.agreed_at = utcnow()
    on_report_agreed(review)
    return True
