"""Disputes about the shared report, through their stages: the report author, the person who raised
the concern, the Deputy Chief Executive, and a Welsh Government grievance (recorded, not run).
How the review's state follows its disputes is in agreement.py's doc."""

from __future__ import annotations

from webapp import audit
from webapp.accuracy.agreement import (
    OPEN_STAGES,
    PARTY_LABELS,
    AccuracyRefused,
    AlreadyResponded,
    NotYours,
    agree_if_settled,
    disputes_on,
)
from webapp.extensions import db
from webapp.formatting import format_date
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
from webapp.notifications.services import notify
from webapp.permissions import Permission, permissions_of
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import next_stage
from webapp.reviews.services import transition
from webapp.scope import one_or_404
from webapp.tasks.services import add_task, close_task

# Where a concern has got to, to follow "Concern raised: ..." in a sentence.
STAGE_PHRASES = {
    DisputeStage.AUTHOR: "with the report author",
    DisputeStage.DEPUTY_CHIEF_EXECUTIVE: "with the Deputy Chief Executive",
    DisputeStage.RESOLVED: "resolved by the report author's response",
    DisputeStage.DECIDED: "decided by the Deputy Chief Executive",
}


def dispute_task(review: Review, dispute: Dispute, kind: TaskKind) -> Task | None:
    """The task holding a dispute's stage (its deadline, chased by the escalation sweep)."""
    for task in review.tasks:
        if task.kind == kind and task.outcome.get("dispute_id") == dispute.id:
            return task
    return None


def awaiting_raiser(dispute: Dispute) -> bool:
    """The author has responded; the person who raised the concern has still to say if it resolves it."""
    return dispute.stage == DisputeStage.AUTHOR and dispute.author_responded_at is not None


def raiser_task(review: Review, dispute: Dispute) -> Task | None:
    """The task asking the person who raised the concern whether the author's response resolves it."""
    return dispute_task(review, dispute, TaskKind.CHECK_REPORT_ACCURACY)


def stage_phrase(dispute: Dispute) -> str:
    """Where a concern has got to, to follow "Concern raised: ..." in a sentence."""
    if awaiting_raiser(dispute):
        return (
            f"waiting for the {PARTY_LABELS[dispute.response.party]} to say whether the report author's "
            "response resolves their concern"
        )
    return STAGE_PHRASES[dispute.stage]


def stage_label(dispute: Dispute) -> str:
    if awaiting_raiser(dispute):
        return "Report author has responded: waiting for the person who raised it to say if it is resolved"
    return dispute.stage.label


def stage_task(review: Review, dispute: Dispute) -> Task | None:
    if awaiting_raiser(dispute):
        return raiser_task(review, dispute)
    if dispute.stage == DisputeStage.AUTHOR:
        return dispute_task(review, dispute, TaskKind.RESOLVE_CONCERN)
    if dispute.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE:
        return dispute_task(review, dispute, TaskKind.DECIDE_DISPUTE)
    return None


def get_dispute_or_404(review: Review, dispute_id: int) -> Dispute:
    return one_or_404(Dispute, Dispute.id == dispute_id, Dispute.review_id == review.id)


def may_record_grievance(dispute: Dispute, user: User) -> bool:
    """The person who raised the concern, or a Deputy Chief Executive."""
    return dispute.response.user_id == user.id or Permission.DECIDE_DISPUTES in permissions_of(user)


def open_dispute(review: Review, response: AccuracyResponse, *, actor: User) -> Dispute:
    """A concern starts a dispute at the author stage (Transparency and Disputes, 1)."""
    dispute = Dispute(review_id=review.id, response_id=response.id, stage=DisputeStage.AUTHOR)
    db.session.add(dispute)
    db.session.flush()
    author_task = add_task(review, TaskKind.RESOLVE_CONCERN)
    author_task.outcome = {"dispute_id": dispute.id}
    if review.state == ReviewState.ACCURACY_CHECK:
        transition(review, "raise_concern", actor=actor)
    # Already in a dispute stage: another Dispute, no second transition (agreement.py's doc).
    return dispute


def _tell_raiser(dispute: Dispute, review: Review, what: str, *, link_path: str | None = None) -> None:
    """The person who raised the concern hears when it moves on (in the app: what happened)."""
    notify(
        dispute.response.user,
        "concern_updated",
        link_path=link_path or f"/reviews/{review.id}",
        detail=f"Your concern about the report (case {review.case.case_number}): {what}.",
        dedupe_key=f"dispute:{dispute.id}:{dispute.stage.value}:user:{dispute.response.user_id}",
    )


def author_responds(dispute: Dispute, *, actor: User, response: str) -> None:
    """Stage 1: the report author answers a concern in writing. Whether that resolves the concern is
    for the person who raised it to say (raiser_decides): they get a task and a notification."""
    review = db.session.get_one(Review, dispute.review_id)
    if review.reviewer_id != actor.id:
        raise NotYours
    if dispute.stage != DisputeStage.AUTHOR or dispute.author_responded_at is not None:
        raise AccuracyRefused("The report author has already responded to this concern.")
    text = response.strip()
    if not text:
        raise AccuracyRefused("Enter your response to the concern")
    raiser = dispute.response
    with unit_of_work():
        task = dispute_task(review, dispute, TaskKind.RESOLVE_CONCERN)
        if task is not None and task.is_open:
            close_task(task, actor, {"dispute_id": dispute.id})
        dispute.author_response = text
        dispute.author_responded_at = utcnow()
        audit.record("dispute.author_responded", record_id=dispute.id, case_id=review.case_id, actor=actor)
        answer = add_task(review, TaskKind.CHECK_REPORT_ACCURACY, assignee_id=raiser.user_id)
        answer.outcome = {"dispute_id": dispute.id, "party": raiser.party, "draft_id": raiser.draft_id}
        _tell_raiser(
            dispute,
            review,
            "the report author has responded. Say whether their response resolves your concern",
            link_path=f"/reviews/{review.id}/disputes/{dispute.id}/answer",
        )


def raiser_decides(dispute: Dispute, *, actor: User, resolved: bool) -> None:
    """The person who raised the concern says whether the author's response resolves it: yes settles
    it; no escalates it to the Deputy Chief Executive (Transparency and Disputes, 2). Once only."""
    review = db.session.get_one(Review, dispute.review_id)
    if dispute.response.user_id != actor.id:
        raise NotYours
    if dispute.stage != DisputeStage.AUTHOR:
        raise AlreadyResponded(
            "You have already said whether the report author's response resolves your concern."
        )
    if dispute.author_responded_at is None:
        raise AccuracyRefused("The report author has not responded to your concern yet.")
    draft = db.session.get_one(ReportDraft, dispute.response.draft_id)
    with unit_of_work():
        # First, so that a second submission (or a second tab) finds the task done and saves nothing.
        task = raiser_task(review, dispute)
        if task is not None and task.is_open:
            close_task(
                task,
                actor,
                {
                    "dispute_id": dispute.id,
                    "party": dispute.response.party,
                    "draft_id": dispute.response.draft_id,
                    "resolved": resolved,
                },
            )
        if resolved:
            dispute.stage = next_stage(dispute.stage, "resolved")
            audit.record(
                "accuracy.responded", record_id=dispute.response_id, case_id=review.case_id, actor=actor
            )
            db.session.flush()
            still_open = any(d.stage in OPEN_STAGES for d in disputes_on(draft))
            if review.state == ReviewState.DISPUTE_AUTHOR and not still_open:
                transition(review, "resolved_by_author", actor=actor)
            agree_if_settled(review, draft, actor)
        else:
            dispute.stage = next_stage(dispute.stage, "escalate")
            audit.record("dispute.escalated", record_id=dispute.id, case_id=review.case_id, actor=actor)
            dce_task = add_task(review, TaskKind.DECIDE_DISPUTE)
            dce_task.outcome = {"dispute_id": dispute.id}
            if review.state == ReviewState.DISPUTE_AUTHOR:
                transition(review, "escalate_to_dce", actor=actor)


def dce_decides(dispute: Dispute, *, actor: User, decision: str) -> bool:
    """Stage 2: the DCE's written decision. True when it leaves the report agreed."""
    review = db.session.get_one(Review, dispute.review_id)
    if dispute.stage == DisputeStage.DECIDED:
        raise AccuracyRefused("This dispute has already been decided.")
    if dispute.stage != DisputeStage.DEPUTY_CHIEF_EXECUTIVE:
        raise AccuracyRefused("This concern has not been escalated to the Deputy Chief Executive.")
    draft = db.session.get_one(ReportDraft, dispute.response.draft_id)
    with unit_of_work():
        task = dispute_task(review, dispute, TaskKind.DECIDE_DISPUTE)
        if task is not None and task.is_open:
            close_task(task, actor, {"dispute_id": dispute.id})
        dispute.stage = next_stage(dispute.stage, "decide")
        dispute.dce_decision = decision.strip()
        dispute.dce_decided_by_id = actor.id
        dispute.dce_decided_at = utcnow()
        _tell_raiser(dispute, review, "the Deputy Chief Executive has decided it")
        audit.record("dispute.decided", record_id=dispute.id, case_id=review.case_id, actor=actor)
        db.session.flush()
        agreed = agree_if_settled(review, draft, actor)
    return agreed


def record_grievance(dispute: Dispute, *, actor: User, note: str) -> None:
    """Stage 3: recorded that the dispute was taken to the Welsh Government grievance procedure.
    The procedure runs outside this system; the report stays agreed."""
    if not may_record_grievance(dispute, actor):
        raise NotYours
    if dispute.stage != DisputeStage.DECIDED:
        raise AccuracyRefused(
            "A grievance can be recorded only after the Deputy Chief Executive has decided the dispute."
        )
    if dispute.grievance_recorded_at is not None:
        raise AccuracyRefused(
            "A grievance was already recorded for this dispute on "
            f"{format_date(dispute.grievance_recorded_at)}."
        )
    with unit_of_work():
        dispute.grievance_recorded_at = utcnow()
        dispute.grievance_note = note.strip()
        audit.record(
            "dispute.grievance_recorded",
            record_id=dispute.id,
            case_id=db.session.get_one(Review, dispute.review_id).case_id,
            actor=actor,
        )
