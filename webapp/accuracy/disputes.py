"""Disputes about the shared report, through the stages of lifecycle.DISPUTE_MOVES: the report author
(respond, or revise: revision.py), the person who raised the concern, the Deputy Chief Executive
(upheld, partly upheld or not upheld, with reasons), and a Welsh Government grievance (tracked).
Every change of stage goes through ``move``. How the report's agreement follows: agreement.py's doc."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.accuracy.agreement import (
    AccuracyRefused,
    AlreadyResponded,
    NotYours,
    agree_if_settled,
    any_open,
)
from webapp.conduct.report import shared_draft
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import (
    AccuracyResponse,
    Dispute,
    DisputeOutcome,
    DisputeStage,
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
from webapp.reviews.lifecycle import DISPUTE_MOVES, dispute_allows, next_stage
from webapp.reviews.services import transition
from webapp.scope import one_or_404
from webapp.tasks.services import add_task, close_task, linked_task

# Where a concern has got to, to follow "Concern raised: ..." in a sentence.
STAGE_PHRASES = {
    DisputeStage.AUTHOR: _l("with the report author"),
    DisputeStage.RAISER: _l(
        "waiting for the person who raised it to say whether the author's answer resolves it"
    ),
    DisputeStage.DEPUTY_CHIEF_EXECUTIVE: _l("with the Deputy Chief Executive"),
    DisputeStage.REVISION: _l(
        "upheld by the Deputy Chief Executive: the report author is revising the report"
    ),
    DisputeStage.RESOLVED: _l("resolved at stage 1"),
    DisputeStage.DECIDED: _l("decided by the Deputy Chief Executive"),
    DisputeStage.GRIEVANCE: _l("decided by the Deputy Chief Executive; a Welsh Government grievance is open"),
    DisputeStage.GRIEVANCE_CLOSED: _l(
        "decided by the Deputy Chief Executive; the Welsh Government grievance is closed"
    ),
}
# The audit event each move writes.
MOVE_EVENTS = {
    "respond": "dispute.author_responded",
    "revise": "dispute.revised",
    "resolved": "dispute.resolved",
    "escalate": "dispute.escalated",
    "upheld": "dispute.decided",
    "partly_upheld": "dispute.decided",
    "not_upheld": "dispute.decided",
    "open_grievance": "dispute.grievance_recorded",
    "close_grievance": "dispute.grievance_closed",
}
# The task that holds each open stage (its deadline, chased by the escalation sweep).
STAGE_TASKS = {
    DisputeStage.AUTHOR: TaskKind.RESOLVE_CONCERN,
    DisputeStage.RAISER: TaskKind.CONFIRM_CONCERN_RESOLVED,
    DisputeStage.DEPUTY_CHIEF_EXECUTIVE: TaskKind.DECIDE_DISPUTE,
    DisputeStage.REVISION: TaskKind.REVISE_REPORT,
    DisputeStage.GRIEVANCE: TaskKind.FOLLOW_GRIEVANCE,
}
assert {move for _stage, move in DISPUTE_MOVES} == set(MOVE_EVENTS)


def move(dispute: Dispute, review: Review, name: str, *, actor: User) -> None:
    """The one way a dispute changes stage: the table says where to (or refuses), the move is audited
    against the review's case, and the person who raised the concern hears of it."""
    dispute.stage = next_stage(dispute.stage, name)
    audit.record(MOVE_EVENTS[name], record_id=dispute.id, case_id=review.case_id, actor=actor)
    what = _told(name, review.case.case_number)
    if what is not None:
        notify(
            dispute.response.user,
            "concern_updated",
            link_path=f"/reviews/{review.id}/accuracy",
            detail=what,
            dedupe_key=f"dispute:{dispute.id}:{name}:{dispute.stage.value}:user:{dispute.response.user_id}",
        )


def _told(name: str, case: str) -> LazyString | None:
    """What the person who raised the concern is told (nothing for their own moves), lazy: notify
    writes it in their language."""
    told = {
        "respond": lambda: _l(
            "Your concern about the report (case %(case)s): the report author has answered. Say "
            "whether that resolves your concern.",
            case=case,
        ),
        "revise": lambda: _l(
            "Your concern about the report (case %(case)s): the report author has shared a revised "
            "version. Say whether it resolves your concern.",
            case=case,
        ),
        "upheld": lambda: _l(
            "Your concern about the report (case %(case)s): the Deputy Chief Executive upheld it; the "
            "report will be revised.",
            case=case,
        ),
        "partly_upheld": lambda: _l(
            "Your concern about the report (case %(case)s): the Deputy Chief Executive partly upheld "
            "it; the report will be revised.",
            case=case,
        ),
        "not_upheld": lambda: _l(
            "Your concern about the report (case %(case)s): the Deputy Chief Executive did not uphold it.",
            case=case,
        ),
        "close_grievance": lambda: _l(
            "Your concern about the report (case %(case)s): the outcome of the Welsh Government "
            "grievance has been recorded.",
            case=case,
        ),
    }
    message = told.get(name)
    return None if message is None else message()


def stage_task(review: Review, dispute: Dispute) -> Task | None:
    """The task holding the dispute's current stage (None once settled)."""
    kind = STAGE_TASKS.get(dispute.stage)
    return None if kind is None else linked_task(review, kind, dispute_id=dispute.id)


def awaiting_raiser(dispute: Dispute) -> bool:
    return dispute.stage == DisputeStage.RAISER


def stage_phrase(dispute: Dispute) -> LazyString:
    """Where the concern has got to, in the page's language when rendered."""
    return STAGE_PHRASES[dispute.stage]


def stage_label(dispute: Dispute) -> str:
    return dispute.stage.label


def get_dispute_or_404(review: Review, dispute_id: int) -> Dispute:
    return one_or_404(Dispute, Dispute.id == dispute_id, Dispute.review_id == review.id)


def open_grievances(review: Review) -> list[Dispute]:
    """Disputes whose Welsh Government grievance is open: the review shows them; closing the review
    needs a CE or DCE to confirm it with a reason."""
    return list(
        db.session.execute(
            select(Dispute)
            .where(Dispute.review_id == review.id, Dispute.stage == DisputeStage.GRIEVANCE)
            .options(selectinload(Dispute.response).selectinload(AccuracyResponse.user))
            .order_by(Dispute.id)
        ).scalars()
    )


def closure_refusal(review: Review) -> str | None:
    """Why the review cannot close yet because of an open grievance, or None: each open grievance
    needs the CE's or DCE's confirmation, with a reason, that the review may close while it runs."""
    waiting = [d for d in open_grievances(review) if d.closure_confirmed_at is None]
    if not waiting:
        return None
    return _(
        "A Welsh Government grievance is open on this review's report. The Chief Executive or Deputy "
        "Chief Executive must first confirm, with a reason, that the review may close while it is open."
    )


def confirm_closure(dispute: Dispute, *, actor: User, reason: str) -> None:
    """The CE or DCE confirms the review may close while this grievance is open, saying why."""
    if Permission.DECIDE_REVIEWS not in permissions_of(actor):
        raise NotYours
    if dispute.stage != DisputeStage.GRIEVANCE:
        raise AccuracyRefused(_("There is no open grievance on this dispute."))
    if dispute.closure_confirmed_at is not None:
        raise AccuracyRefused(
            _(
                "Closure was already confirmed for this grievance on %(date)s.",
                date=format_date(dispute.closure_confirmed_at),
            )
        )
    text = reason.strip()
    if not text:
        raise AccuracyRefused(_("Enter why the review may close while the grievance is open"))
    review = db.session.get_one(Review, dispute.review_id)
    with unit_of_work():
        dispute.closure_confirmed_at = utcnow()
        dispute.closure_confirmed_by_id = actor.id
        dispute.closure_reason = text
        audit.record("dispute.closure_confirmed", record_id=dispute.id, case_id=review.case_id, actor=actor)


def may_record_grievance(dispute: Dispute, user: User) -> bool:
    """The person who raised the concern, or a Deputy Chief Executive."""
    return dispute.response.user_id == user.id or Permission.DECIDE_DISPUTES in permissions_of(user)


def _refuse_unless(dispute: Dispute, name: str, message: str) -> None:
    if not dispute_allows(dispute.stage, name):
        raise AccuracyRefused(message)


def _close_stage_task(review: Review, dispute: Dispute, actor: User, outcome: dict) -> None:
    task = stage_task(review, dispute)
    if task is not None and task.is_open:
        close_task(task, actor, outcome)


def open_dispute(review: Review, response: AccuracyResponse, *, actor: User) -> Dispute:
    """A concern starts a dispute at the author stage (Transparency and Disputes, 1)."""
    dispute = Dispute(
        review_id=review.id, response_id=response.id, draft_id=response.draft_id, stage=DisputeStage.AUTHOR
    )
    db.session.add(dispute)
    db.session.flush()
    add_task(review, TaskKind.RESOLVE_CONCERN, dispute_id=dispute.id, draft_id=response.draft_id)
    if review.state == ReviewState.ACCURACY_CHECK:
        transition(review, "raise_concern", actor=actor)
    # Already in a dispute stage: another Dispute, no second transition (agreement.py's doc).
    return dispute


def ask_raiser(review: Review, dispute: Dispute) -> None:
    """The person who raised the concern is asked whether the author's answer (or revision) resolves it."""
    add_task(
        review,
        TaskKind.CONFIRM_CONCERN_RESOLVED,
        assignee_id=dispute.response.user_id,
        dispute_id=dispute.id,
        draft_id=dispute.draft_id,
        party=dispute.response.party,
    )


def author_responds(dispute: Dispute, *, actor: User, response: str) -> None:
    """Stage 1: the report author answers a concern in writing, without changing the report. Whether
    that resolves it is for the person who raised it to say (raiser_decides)."""
    review = db.session.get_one(Review, dispute.review_id)
    if review.reviewer_id != actor.id:
        raise NotYours
    _refuse_unless(dispute, "respond", _("The report author has already responded to this concern."))
    text = response.strip()
    if not text:
        raise AccuracyRefused(_("Enter your response to the concern"))
    with unit_of_work():
        _close_stage_task(review, dispute, actor, {"responded": True})
        dispute.author_response = text
        dispute.author_responded_at = utcnow()
        move(dispute, review, "respond", actor=actor)
        ask_raiser(review, dispute)


def raiser_decides(dispute: Dispute, *, actor: User, resolved: bool, reason: str | None = None) -> None:
    """The person who raised the concern says whether the author's answer resolves it: yes settles it;
    no takes it to the Deputy Chief Executive (Transparency and Disputes, 2). Once only. On a revision
    their answer is also their answer on that version (shown beside the next one)."""
    from webapp.accuracy.services import request_responses

    review = db.session.get_one(Review, dispute.review_id)
    if dispute.response.user_id != actor.id:
        raise NotYours
    if dispute.stage == DisputeStage.AUTHOR:
        raise AccuracyRefused(_("The report author has not responded to your concern yet."))
    if not dispute_allows(dispute.stage, "resolved"):
        raise AlreadyResponded(
            _("You have already said whether the report author's answer resolves your concern.")
        )
    reason = (reason or "").strip() or None
    with unit_of_work():
        # First, so that a second submission (or a second tab) finds the task done and saves nothing.
        _close_stage_task(review, dispute, actor, {"resolved": resolved})
        if dispute.revision_id == dispute.draft_id:
            db.session.add(
                AccuracyResponse(
                    review_id=review.id,
                    draft_id=dispute.draft_id,
                    party=dispute.response.party,
                    user_id=actor.id,
                    agrees=resolved,
                    # In the language of the person answering, as their own answer is.
                    concern=None
                    if resolved
                    else (reason or _("My concern is not resolved by this version.")),
                )
            )
        if resolved:
            move(dispute, review, "resolved", actor=actor)
            db.session.flush()
            if review.state == ReviewState.DISPUTE_AUTHOR and not any_open(review):
                transition(review, "resolved_by_author", actor=actor)
            latest = shared_draft(review)
            if latest is not None:
                request_responses(review, latest)
                agree_if_settled(review, latest, actor)
        else:
            move(dispute, review, "escalate", actor=actor)
            add_task(review, TaskKind.DECIDE_DISPUTE, dispute_id=dispute.id, draft_id=dispute.draft_id)
            if review.state == ReviewState.DISPUTE_AUTHOR:
                transition(review, "escalate_to_dce", actor=actor)


def dce_decides(dispute: Dispute, *, actor: User, outcome: DisputeOutcome | str | None, reasons: str) -> bool:
    """Stage 2: the DCE's decision, upheld / partly upheld / not upheld, with reasons. Upheld (in whole
    or part) sends the report back to its author for a revision; not upheld settles the raiser's
    answer on the version decided. True when the decision leaves the report agreed."""
    from webapp.accuracy.services import request_responses

    review = db.session.get_one(Review, dispute.review_id)
    if dispute.stage in (DisputeStage.DECIDED, DisputeStage.REVISION):
        raise AccuracyRefused(_("This dispute has already been decided."))
    _refuse_unless(
        dispute, "not_upheld", _("This concern has not been escalated to the Deputy Chief Executive.")
    )
    if outcome is None or outcome not in {o.value for o in DisputeOutcome}:
        raise AccuracyRefused(_("Select whether the concern is upheld, partly upheld or not upheld"))
    decided = DisputeOutcome(outcome)
    text = reasons.strip()
    if not text:
        raise AccuracyRefused(_("Enter the reasons for your decision"))
    agreed = False
    with unit_of_work():
        _close_stage_task(review, dispute, actor, {"outcome": decided.value})
        dispute.dce_outcome = decided
        dispute.dce_decision = text
        dispute.dce_decided_by_id = actor.id
        dispute.dce_decided_at = utcnow()
        move(dispute, review, decided.value, actor=actor)
        db.session.flush()
        if decided == DisputeOutcome.NOT_UPHELD:
            latest = shared_draft(review)
            if latest is not None:
                request_responses(review, latest)
                agreed = agree_if_settled(review, latest, actor)
        else:
            add_task(review, TaskKind.REVISE_REPORT, dispute_id=dispute.id, draft_id=dispute.draft_id)
    return agreed


def open_grievance(dispute: Dispute, *, actor: User, note: str) -> None:
    """Stage 3: the dispute goes to the Welsh Government grievance procedure. It runs outside this
    service; here it is a tracked stage with a task (the DCE records its outcome by the deadline)."""
    if not may_record_grievance(dispute, actor):
        raise NotYours
    if dispute.stage == DisputeStage.GRIEVANCE:
        raise AccuracyRefused(
            _(
                "A grievance was already recorded for this dispute on %(date)s.",
                date=format_date(dispute.grievance_recorded_at),
            )
        )
    _refuse_unless(
        dispute,
        "open_grievance",
        _("A grievance can be recorded only after the Deputy Chief Executive has decided the dispute."),
    )
    text = note.strip()
    if not text:
        raise AccuracyRefused(_("Enter why the dispute remains unresolved"))
    review = db.session.get_one(Review, dispute.review_id)
    with unit_of_work():
        dispute.grievance_recorded_at = utcnow()
        dispute.grievance_note = text
        move(dispute, review, "open_grievance", actor=actor)
        add_task(review, TaskKind.FOLLOW_GRIEVANCE, dispute_id=dispute.id, draft_id=dispute.draft_id)


def close_grievance(dispute: Dispute, *, actor: User, outcome: str) -> None:
    """Stage 3 ends: the Deputy Chief Executive records the grievance's outcome."""
    if Permission.DECIDE_DISPUTES not in permissions_of(actor):
        raise NotYours
    _refuse_unless(dispute, "close_grievance", _("There is no open grievance on this dispute."))
    text = outcome.strip()
    if not text:
        raise AccuracyRefused(_("Enter the outcome of the grievance"))
    review = db.session.get_one(Review, dispute.review_id)
    with unit_of_work():
        _close_stage_task(review, dispute, actor, {"closed": True})
        dispute.grievance_outcome = text
        dispute.grievance_closed_at = utcnow()
        move(dispute, review, "close_grievance", actor=actor)
