"""Accuracy responses on a shared report, disputes through their stages, and external disclosure.

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
Every function here changes rows and commits; on any error the whole change is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.extensions import db
from webapp.formatting import format_date, today_in_london
from webapp.models import (
    AccuracyResponse,
    Disclosure,
    Dispute,
    DisputeStage,
    ReportDraft,
    Review,
    ReviewState,
    Role,
    Task,
    TaskKind,
    User,
    UserRole,
    utcnow,
)
from webapp.notifications.services import notify
from webapp.permissions import Permission, permissions_of
from webapp.records import StaleEdit
from webapp.reviews.services import add_task, close_task, on_report_agreed, transition

PARTIES = ("practitioner", "practice_manager", "head_of_operations")
PARTY_LABELS = {
    "practitioner": "Practitioner",
    "practice_manager": "Practice Manager",
    "head_of_operations": "Head of Operations of the case's area",
}
OPEN_STAGES = frozenset({DisputeStage.AUTHOR, DisputeStage.DEPUTY_CHIEF_EXECUTIVE})
SETTLED_STAGES = frozenset({DisputeStage.RESOLVED, DisputeStage.DECIDED})
# Parties may answer while any concern is being dealt with: one party's dispute does not stop the others.
RESPONDING_STATES = frozenset(
    {ReviewState.ACCURACY_CHECK, ReviewState.DISPUTE_AUTHOR, ReviewState.DISPUTE_DCE}
)
AGREED_OR_LATER = frozenset(
    {ReviewState.AGREED, ReviewState.ACTION_PLANNING, ReviewState.MONITORING, ReviewState.CLOSED}
)
# Where a concern has got to, to follow "Concern raised: ..." in a sentence.
STAGE_PHRASES = {
    DisputeStage.AUTHOR: "with the report author",
    DisputeStage.DEPUTY_CHIEF_EXECUTIVE: "with the Deputy Chief Executive",
    DisputeStage.RESOLVED: "resolved by the report author's response",
    DisputeStage.DECIDED: "decided by the Deputy Chief Executive",
}
EXTERNAL_REVIEWS = {
    "susr": "Single Unified Safeguarding Review (Wales)",
    "scr_cspr": "Serious Case Review or Child Safeguarding Practice Review (England)",
}

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


@contextmanager
def _saving() -> Iterator[None]:
    """Commit the change, or roll all of it back: nothing is ever half-saved."""
    try:
        yield
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    except BaseException:
        db.session.rollback()
        raise


# --- reading ---------------------------------------------------------------------------------


def heads_of_operations(area_id: int) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.HEAD_OF_OPERATIONS, User.area_id == area_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )


def shared_draft(review: Review) -> ReportDraft | None:
    """The version most recently shared for accuracy: the one the parties answer on."""
    return db.session.execute(
        select(ReportDraft)
        .where(ReportDraft.review_id == review.id, ReportDraft.shared_at.is_not(None))
        .order_by(ReportDraft.version.desc())
        .limit(1)
    ).scalar_one_or_none()


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
        ):
            tasks[task.outcome.get("party")] = task
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
    from flask import abort

    dispute = db.session.execute(
        select(Dispute).where(Dispute.id == dispute_id, Dispute.review_id == review.id)
    ).scalar_one_or_none()
    if dispute is None:
        abort(404)
    return dispute


def missing_parties(review: Review, draft: ReportDraft) -> list[str]:
    """Parties with nobody asked to answer: no active Head of Operations in the area, say."""
    tasks = accuracy_tasks(review, draft)
    return [party for party in PARTIES if party not in tasks]


def is_settled(draft: ReportDraft) -> bool:
    """Every party agreed, or had their concern resolved (they accepted the author's response) or
    decided by the DCE."""
    responses = responses_to(draft)
    if set(responses) != set(PARTIES):
        return False
    stages = {d.response_id: d.stage for d in disputes_on(draft)}
    return all(r.agrees or stages.get(r.id) in SETTLED_STAGES for r in responses.values())


def may_record_grievance(dispute: Dispute, user: User) -> bool:
    """The person who raised the concern, or a Deputy Chief Executive."""
    return dispute.response.user_id == user.id or Permission.DECIDE_DISPUTES in permissions_of(user)


@dataclass
class PartyStatus:
    party: str
    label: str
    task: Task | None
    response: AccuracyResponse | None
    dispute: Dispute | None

    @property
    def person(self) -> User | None:
        if self.response is not None:
            return self.response.user
        return self.task.assignee if self.task is not None else None


@dataclass
class AccuracyPicture:
    """Everything the accuracy pages and the review panel show, read once."""

    review: Review
    draft: ReportDraft | None
    parties: list[PartyStatus] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.parties if p.task is None and p.response is None]

    def my_open_tasks(self, user: User) -> list[PartyStatus]:
        return [
            p for p in self.parties if p.task is not None and p.task.is_open and p.task.assignee_id == user.id
        ]

    def stage_task(self, dispute: Dispute) -> Task | None:
        return stage_task(self.review, dispute)

    def disputes_to_answer(self, user: User) -> list[Dispute]:
        """Concerns this user raised whose author's response waits for their yes or no."""
        return [d for d in self.disputes if awaiting_raiser(d) and d.response.user_id == user.id]

    @property
    def may_disclose(self) -> bool:
        return self.review.state in AGREED_OR_LATER


def picture(review: Review) -> AccuracyPicture:
    draft = shared_draft(review)
    disclosures = list(
        db.session.execute(
            select(Disclosure)
            .where(Disclosure.review_id == review.id)
            .options(selectinload(Disclosure.draft), selectinload(Disclosure.recorded_by))
            .order_by(Disclosure.shared_on, Disclosure.id)
        ).scalars()
    )
    if draft is None:
        return AccuracyPicture(review, None, disclosures=disclosures)
    tasks = accuracy_tasks(review, draft)
    responses = responses_to(draft)
    disputes = disputes_on(draft)
    by_response = {d.response_id: d for d in disputes}
    parties = [
        PartyStatus(
            party,
            PARTY_LABELS[party],
            tasks.get(party),
            responses.get(party),
            by_response.get(responses[party].id) if party in responses else None,
        )
        for party in PARTIES
    ]
    return AccuracyPicture(review, draft, parties, disputes, disclosures)


# --- changing ---------------------------------------------------------------------------------


def request_responses(review: Review, draft: ReportDraft) -> None:
    """Called when a report is shared: one accuracy task for each of the three parties the procedure
    names (the practitioner, their Practice Manager and the Head of Operations of the case's area).

    Safe to call again: a party already asked about this draft is not asked twice, so the CE or DCE
    can ask a party that had nobody (an area without a Head of Operations) once someone is in post.
    The caller commits."""
    case = review.case
    asked = accuracy_tasks(review, draft)
    hoo = heads_of_operations(case.area_id)
    for party, person_id in (
        ("practitioner", case.practitioner_id),
        ("practice_manager", case.practice_manager_id),
        ("head_of_operations", hoo[0].id if hoo else None),
    ):
        if person_id is None or party in asked:
            continue  # nobody to ask: the review page lists the party as missing
        task = add_task(review, TaskKind.CHECK_REPORT_ACCURACY, case, assignee_id=person_id)
        task.outcome = {"party": party, "draft_id": draft.id}


def request_missing(review: Review, *, actor: User) -> list[str]:
    """Ask the parties nobody was asked yet; returns the labels of those still without anyone."""
    draft = shared_draft(review)
    if draft is None or review.state not in RESPONDING_STATES:
        raise AccuracyRefused("The report is not out for accuracy responses, so nobody can be asked now.")
    with _saving():
        request_responses(review, draft)
        db.session.flush()
    return [PARTY_LABELS[p] for p in missing_parties(review, draft)]


def _agree_if_settled(review: Review, draft: ReportDraft, actor: User) -> bool:
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


def respond(
    review: Review, party: str, *, actor: User, agrees: bool, concern: str | None
) -> AccuracyResponse:
    """A party's answer on the shared report: agree, or raise a concern in writing."""
    draft = shared_draft(review)
    if draft is None:
        raise AccuracyRefused("The report has not been shared for accuracy yet.")
    task = accuracy_tasks(review, draft).get(party)
    if task is None or task.assignee_id != actor.id:
        raise NotYours
    existing = responses_to(draft).get(party)
    if existing is not None:
        raise AlreadyResponded(
            f"You have already responded to this report, on {format_date(existing.responded_at)}. "
            "A response cannot be changed once recorded."
        )
    if review.state not in RESPONDING_STATES:
        raise AccuracyRefused(
            f"The report is no longer open for accuracy responses: the review is at '{review.state.label}'."
        )
    concern = (concern or "").strip() or None
    if not agrees and concern is None:
        raise AccuracyRefused("Enter your concern about the report")
    with _saving():
        # First, so that a second submission (or a second tab) finds the task done and saves nothing.
        close_task(task, actor, {"party": party, "draft_id": draft.id, "agrees": agrees})
        response = AccuracyResponse(
            review_id=review.id,
            draft_id=draft.id,
            party=party,
            user_id=actor.id,
            agrees=agrees,
            concern=None if agrees else concern,
        )
        db.session.add(response)
        try:
            db.session.flush()
        except IntegrityError as error:
            raise AlreadyResponded("A response for this party has already been recorded.") from error
        audit.record("accuracy.responded", record_id=response.id, case_id=review.case_id, actor=actor)
        if agrees:
            _agree_if_settled(review, draft, actor)
        else:
            dispute = Dispute(review_id=review.id, response_id=response.id, stage=DisputeStage.AUTHOR)
            db.session.add(dispute)
            db.session.flush()
            author_task = add_task(review, TaskKind.RESOLVE_CONCERN)
            author_task.outcome = {"dispute_id": dispute.id}
            if review.state == ReviewState.ACCURACY_CHECK:
                transition(review, "raise_concern", actor=actor)
            # Already in a dispute stage: another Dispute, no second transition (module doc).
    return response


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
    review = db.session.get(Review, dispute.review_id)
    if review.reviewer_id != actor.id:
        raise NotYours
    if dispute.stage != DisputeStage.AUTHOR or dispute.author_responded_at is not None:
        raise AccuracyRefused("The report author has already responded to this concern.")
    text = response.strip()
    if not text:
        raise AccuracyRefused("Enter your response to the concern")
    raiser = dispute.response
    with _saving():
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
    review = db.session.get(Review, dispute.review_id)
    if dispute.response.user_id != actor.id:
        raise NotYours
    if dispute.stage != DisputeStage.AUTHOR:
        raise AlreadyResponded(
            "You have already said whether the report author's response resolves your concern."
        )
    if dispute.author_responded_at is None:
        raise AccuracyRefused("The report author has not responded to your concern yet.")
    draft = db.session.get(ReportDraft, dispute.response.draft_id)
    with _saving():
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
            dispute.stage = DisputeStage.RESOLVED
            audit.record(
                "accuracy.responded", record_id=dispute.response_id, case_id=review.case_id, actor=actor
            )
            db.session.flush()
            still_open = any(d.stage in OPEN_STAGES for d in disputes_on(draft))
            if review.state == ReviewState.DISPUTE_AUTHOR and not still_open:
                transition(review, "resolved_by_author", actor=actor)
            _agree_if_settled(review, draft, actor)
        else:
            dispute.stage = DisputeStage.DEPUTY_CHIEF_EXECUTIVE
            audit.record("dispute.escalated", record_id=dispute.id, case_id=review.case_id, actor=actor)
            dce_task = add_task(review, TaskKind.DECIDE_DISPUTE)
            dce_task.outcome = {"dispute_id": dispute.id}
            if review.state == ReviewState.DISPUTE_AUTHOR:
                transition(review, "escalate_to_dce", actor=actor)


def dce_decides(dispute: Dispute, *, actor: User, decision: str) -> bool:
    """Stage 2: the DCE's written decision. True when it leaves the report agreed."""
    review = db.session.get(Review, dispute.review_id)
    if dispute.stage == DisputeStage.DECIDED:
        raise AccuracyRefused("This dispute has already been decided.")
    if dispute.stage != DisputeStage.DEPUTY_CHIEF_EXECUTIVE:
        raise AccuracyRefused("This concern has not been escalated to the Deputy Chief Executive.")
    draft = db.session.get(ReportDraft, dispute.response.draft_id)
    with _saving():
        task = dispute_task(review, dispute, TaskKind.DECIDE_DISPUTE)
        if task is not None and task.is_open:
            close_task(task, actor, {"dispute_id": dispute.id})
        dispute.stage = DisputeStage.DECIDED
        dispute.dce_decision = decision.strip()
        dispute.dce_decided_by_id = actor.id
        dispute.dce_decided_at = utcnow()
        _tell_raiser(dispute, review, "the Deputy Chief Executive has decided it")
        audit.record("dispute.decided", record_id=dispute.id, case_id=review.case_id, actor=actor)
        db.session.flush()
        agreed = _agree_if_settled(review, draft, actor)
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
    with _saving():
        dispute.grievance_recorded_at = utcnow()
        dispute.grievance_note = note.strip()
        audit.record(
            "dispute.grievance_recorded",
            record_id=dispute.id,
            case_id=db.session.get(Review, dispute.review_id).case_id,
            actor=actor,
        )


def disclosable_drafts(review: Review) -> list[ReportDraft]:
    """Versions that went out for accuracy, newest (the agreed one) first."""
    return list(
        db.session.execute(
            select(ReportDraft)
            .where(ReportDraft.review_id == review.id, ReportDraft.shared_at.is_not(None))
            .order_by(ReportDraft.version.desc())
        ).scalars()
    )


def not_agreed_message(review: Review) -> str:
    return (
        "The report can be shared with an external review only once it is agreed. "
        f"The review is at '{review.state.label}'."
    )


def record_disclosure(
    review: Review, *, actor: User, draft_id: int, external_review: str, recipient: str, shared_on: date
) -> Disclosure:
    """The final report shared with a SUSR or an SCR/CSPR: which version, to whom, when, by whom."""
    if review.state not in AGREED_OR_LATER:
        raise AccuracyRefused(not_agreed_message(review))
    if external_review not in EXTERNAL_REVIEWS:
        raise AccuracyRefused("Select the external review the report was shared with")
    if draft_id not in {d.id for d in disclosable_drafts(review)}:
        raise AccuracyRefused("Select the version of the report that was shared")
    if shared_on > today_in_london():
        raise AccuracyRefused("The date the report was shared must be today or in the past")
    with _saving():
        task = review.task(TaskKind.SHARE_WITH_EXTERNAL_REVIEW)
        disclosure = Disclosure(
            review_id=review.id,
            draft_id=draft_id,
            external_review=external_review,
            recipient=recipient.strip(),
            shared_on=shared_on,
            recorded_by_id=actor.id,
        )
        db.session.add(disclosure)
        db.session.flush()
        audit.record("disclosure.recorded", record_id=disclosure.id, case_id=review.case_id, actor=actor)
        if task is not None and task.is_open:
            close_task(task, actor, {"disclosure_id": disclosure.id})
    return disclosure
