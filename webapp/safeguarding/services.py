"""Our part in an external safeguarding review (a SUSR in Wales, an SCR/CSPR in England): queries
and changes. Procedure, Case Review Explained: "If we are aware from the outset that a Single Unified
Safeguarding Review will be taking place, we will follow their process."

Who records it: the Chief Executive, the Deputy Chief Executive, and the Area Head of Operations of
the case's area (this service's reading: the AHoO is notified of the incident, is consulted and does
the rapid review when a SUSR is known from the outset; the CE and DCE decide and share the report).
Everyone who may see the review reads it. Every step is audited and kept, with its values, for the
review's History (ExternalReviewChange)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import (
    ActionPlanItem,
    BoardDecision,
    ExternalReview,
    ExternalReviewChange,
    ExternalReviewKind,
    InformationRequest,
    ReferredBy,
    Review,
    Role,
    Task,
    TaskKind,
    User,
    UserRole,
    utcnow,
)
from webapp.records import unit_of_work
from webapp.tasks.services import add_task, cancel_task, close_task

CLAUSE = "Case Review Explained: if we are aware from the outset that a SUSR will be taking place"
DECIDERS = frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE})


class SafeguardingRefused(Exception):
    """The step cannot be recorded as entered: the message says why."""


def may_record(review: Review, user: User) -> bool:
    """The CE, the DCE, or an Area Head of Operations of the case's own area."""
    if user.roles & DECIDERS:
        return True
    return Role.AREA_HEAD_OF_OPERATIONS in user.roles and user.area_id == review.case.area_id


def participation_of(review: Review) -> ExternalReview | None:
    return db.session.execute(
        select(ExternalReview)
        .where(ExternalReview.review_id == review.id)
        .options(selectinload(ExternalReview.attendees))
    ).scalar_one_or_none()


def participation_or_404(review: Review) -> ExternalReview:
    """The review's record (the review already reached through its case's scope), or 404."""
    found = participation_of(review)
    if found is None:
        abort(404)
    return found


def requests_of(participation: ExternalReview) -> list[InformationRequest]:
    return list(
        db.session.execute(
            select(InformationRequest)
            .where(InformationRequest.external_review_id == participation.id)
            .options(selectinload(InformationRequest.answered_by))
            .order_by(InformationRequest.received_on, InformationRequest.id)
        ).scalars()
    )


def get_request_or_404(participation: ExternalReview, request_id: int) -> InformationRequest:
    """An information request of this record (whose review the caller reached in scope), or 404."""
    found = db.session.execute(
        select(InformationRequest).where(
            InformationRequest.id == request_id,
            InformationRequest.external_review_id == participation.id,
        )
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def request_task(request: InformationRequest) -> Task | None:
    return db.session.execute(
        select(Task)
        .where(Task.information_request_id == request.id, Task.kind == TaskKind.ANSWER_INFORMATION_REQUEST)
        .order_by(Task.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def tasks_by_request(requests: list[InformationRequest]) -> dict[int, Task]:
    ids = [r.id for r in requests]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Task).where(Task.information_request_id.in_(ids)).order_by(Task.id)
    ).scalars()
    return {task.information_request_id: task for task in rows if task.information_request_id}


def actions_of(participation: ExternalReview) -> list[ActionPlanItem]:
    return list(
        db.session.execute(
            select(ActionPlanItem)
            .where(ActionPlanItem.external_review_id == participation.id)
            .options(selectinload(ActionPlanItem.owner))
            .order_by(ActionPlanItem.id)
        ).scalars()
    )


# The stages, in order: the furthest recorded is the stage reached.
STAGES: list[tuple[str, LazyString]] = [
    ("known", _l("Known: nothing recorded yet")),
    ("referred", _l("Referred to the Regional Safeguarding Board")),
    ("decided", _l("The case review group has decided")),
    ("chronology", _l("Our chronology submitted")),
    ("learning_event", _l("Practitioners' learning event held")),
    ("report", _l("Report received")),
]


def stage(participation: ExternalReview) -> str:
    reached = "known"
    for key, done in (
        ("referred", participation.referred_on),
        ("decided", participation.decided_on),
        ("chronology", participation.chronology_submitted_on),
        ("learning_event", participation.learning_event_on),
        ("report", participation.report_received_on),
    ):
        if done is not None:
            reached = key
    return reached


def stage_label(participation: ExternalReview) -> str:
    return str(dict(STAGES)[stage(participation)])


# Changes ----------------------------------------------------------------------------------------


def _log(participation: ExternalReview, review: Review, step: str, details: dict, actor: User | None) -> None:
    db.session.add(
        ExternalReviewChange(
            external_review_id=participation.id,
            step=step,
            details=details,
            changed_by_id=actor.id if actor is not None else None,
        )
    )
    audit.record(
        "external_review.updated",
        record_id=participation.id,
        case_id=review.case_id,
        changed_fields=[step],
        actor=actor,
    )


def _open(
    review: Review, kind: ExternalReviewKind, *, from_outset: bool, actor: User | None
) -> ExternalReview:
    participation = ExternalReview(
        review_id=review.id,
        kind=kind,
        known_from_outset=from_outset,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(participation)
    db.session.flush()
    db.session.add(
        ExternalReviewChange(
            external_review_id=participation.id,
            step="opened",
            details={"kind": kind.value, "from_outset": from_outset},
            changed_by_id=actor.id if actor is not None else None,
        )
    )
    audit.record("external_review.opened", record_id=participation.id, case_id=review.case_id, actor=actor)
    return participation


def known_kind(review: Review) -> ExternalReviewKind | None:
    """The external review the incident's facts say is known: a SUSR, else an SCR/CSPR."""
    incident = review.incident
    if review.follow_susr_process or incident.susr_known:
        return ExternalReviewKind.SUSR
    if incident.scr_known:
        return ExternalReviewKind.SCR_CSPR
    return None


def open_if_known(review: Review, *, actor: User | None, from_outset: bool) -> ExternalReview | None:
    """Where the incident's facts say a SUSR (or SCR/CSPR) is known, the review's record exists:
    made as the review opens (from the outset), or when corrected facts first say so. The caller
    commits."""
    kind = known_kind(review)
    if kind is None or participation_of(review) is not None:
        return None
    return _open(review, kind, from_outset=from_outset, actor=actor)


@unit_of_work()
def record_known(review: Review, *, kind: ExternalReviewKind, actor: User) -> ExternalReview:
    """ "A SUSR (or SCR/CSPR) is now known": recorded on the review page by the CE, DCE or AHoO.
    Where one is recorded already, this corrects which kind it is (one record per review)."""
    found = participation_of(review)
    if found is None:
        return _open(review, kind, from_outset=False, actor=actor)
    if found.kind != kind:
        found.kind = kind
        _log(found, review, "kind", {"kind": kind.value}, actor)
    return found


def _not_future(day: date, message: str) -> None:
    if day > today_in_london():
        raise SafeguardingRefused(message)


def _not_before_incident(review: Review, day: date, message: str) -> None:
    if day < review.incident.occurred_on:
        raise SafeguardingRefused(message)


# Each step's date, checked here as its form checks it, in the same whole sentences (Welsh word
# order and mutations differ: no sentence is put together from parts).
DATE_CHECKS: dict[str, tuple[LazyString, LazyString]] = {
    "referral": (
        _l("The date of the referral must be today or in the past"),
        _l("The date of the referral must be on or after the date of the incident"),
    ),
    "decision": (
        _l("The date of the decision must be today or in the past"),
        _l("The date of the decision must be on or after the date of the incident"),
    ),
    "chronology": (
        _l("The date the chronology was submitted must be today or in the past"),
        _l("The date the chronology was submitted must be on or after the date of the incident"),
    ),
    "learning_event": (
        _l("The date of the learning event must be today or in the past"),
        _l("The date of the learning event must be on or after the date of the incident"),
    ),
    "report": (
        _l("The date the report was received must be today or in the past"),
        _l("The date the report was received must be on or after the date of the incident"),
    ),
    "request": (
        _l("The date the request was received must be today or in the past"),
        _l("The date the request was received must be on or after the date of the incident"),
    ),
    "answer": (
        _l("The date the answer was sent must be today or in the past"),
        _l("The date the answer was sent must be on or after the date of the incident"),
    ),
}


def _a_date(review: Review, day: date, step: str) -> None:
    future, before_incident = DATE_CHECKS[step]
    _not_future(day, str(future))
    _not_before_incident(review, day, str(before_incident))


@unit_of_work()
def save_referral(
    participation: ExternalReview,
    review: Review,
    *,
    board: str,
    referred_on: date,
    referred_by: ReferredBy,
    referring_agency: str | None,
    actor: User,
) -> None:
    _a_date(review, referred_on, "referral")
    if participation.decided_on is not None and referred_on > participation.decided_on:
        raise SafeguardingRefused(_("The date of the referral must be on or before the group's decision"))
    agency = (referring_agency or "").strip() or None if referred_by == ReferredBy.OTHER_AGENCY else None
    participation.board = board.strip()
    participation.referred_on = referred_on
    participation.referred_by = referred_by
    participation.referring_agency = agency
    details = {
        "board": participation.board,
        "referred_on": referred_on.isoformat(),
        "referred_by": referred_by.value,
    }
    if agency:
        details["referring_agency"] = agency
    _log(participation, review, "referral", details, actor)


@unit_of_work()
def save_decision(
    participation: ExternalReview,
    review: Review,
    *,
    decided_on: date,
    decision: BoardDecision,
    notes: str | None,
    actor: User,
) -> None:
    _a_date(review, decided_on, "decision")
    if participation.referred_on is not None and decided_on < participation.referred_on:
        raise SafeguardingRefused(_("The date of the decision must be on or after the date of the referral"))
    participation.decided_on = decided_on
    participation.decision = decision
    participation.decision_notes = (notes or "").strip() or None
    details = {"decided_on": decided_on.isoformat(), "decision": decision.value}
    if participation.decision_notes:
        details["notes"] = participation.decision_notes
    _log(participation, review, "decision", details, actor)


@unit_of_work()
def save_chronology(
    participation: ExternalReview, review: Review, *, submitted_on: date, actor: User
) -> None:
    _a_date(review, submitted_on, "chronology")
    participation.chronology_submitted_on = submitted_on
    _log(participation, review, "chronology", {"submitted_on": submitted_on.isoformat()}, actor)


def attendee_choices(review: Review) -> list[User]:
    """Who from us may have attended: active staff of the case's area, and the case's practitioner,
    Practice Manager and the review's reviewer (who may be from another area)."""
    case = review.case
    named = {case.practitioner_id, case.practice_manager_id, review.reviewer_id} - {None}
    return list(
        db.session.execute(
            select(User)
            .where(
                User.active.is_(True),
                (User.area_id == case.area_id) | User.id.in_(named),
                User.id.in_(select(UserRole.user_id).where(UserRole.role != Role.ADMINISTRATOR)),
            )
            .order_by(User.name, User.id)
        ).scalars()
    )


@unit_of_work()
def save_learning_event(
    participation: ExternalReview, review: Review, *, held_on: date, attendee_ids: list[int], actor: User
) -> None:
    _a_date(review, held_on, "learning_event")
    allowed = {user.id: user for user in attendee_choices(review)}
    if not set(attendee_ids) <= set(allowed):
        raise SafeguardingRefused(_("Select only the people shown"))
    participation.learning_event_on = held_on
    participation.attendees = [allowed[i] for i in attendee_ids]
    details = {"held_on": held_on.isoformat(), "attended": [allowed[i].name for i in attendee_ids]}
    _log(participation, review, "learning_event", details, actor)


@unit_of_work()
def save_report(participation: ExternalReview, review: Review, *, received_on: date, actor: User) -> None:
    _a_date(review, received_on, "report")
    participation.report_received_on = received_on
    _log(participation, review, "report", {"received_on": received_on.isoformat()}, actor)


@unit_of_work()
def add_request(
    participation: ExternalReview,
    review: Review,
    *,
    received_on: date,
    requested_by: str,
    summary: str,
    deadline: date,
    actor: User,
) -> InformationRequest:
    """An information request received: its deadline becomes a task for the case's Area Head of
    Operations (falling back to the CE or DCE), reminded and escalated by the sweep like any task."""
    _a_date(review, received_on, "request")
    if deadline < received_on:
        raise SafeguardingRefused(_("The deadline must be on or after the date the request was received"))
    request = InformationRequest(
        external_review_id=participation.id,
        received_on=received_on,
        requested_by=requested_by.strip(),
        summary=summary.strip(),
        deadline=deadline,
        recorded_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    add_task(review, TaskKind.ANSWER_INFORMATION_REQUEST, due_on=deadline, information_request_id=request.id)
    details = {
        "received_on": received_on.isoformat(),
        "requested_by": request.requested_by,
        "summary": request.summary,
        "deadline": deadline.isoformat(),
    }
    _log(participation, review, "request_received", details, actor)
    return request


def _still_open(request: InformationRequest) -> None:
    if not request.is_open:
        raise SafeguardingRefused(_("This request has already been answered or cancelled."))


@unit_of_work()
def answer_request(
    participation: ExternalReview,
    review: Review,
    request: InformationRequest,
    *,
    answered_on: date,
    note: str | None,
    actor: User,
) -> None:
    """The answer sent: the request's task is done (audited as task.completed)."""
    _still_open(request)
    _a_date(review, answered_on, "answer")
    if answered_on < request.received_on:
        raise SafeguardingRefused(
            _("The date the answer was sent must be on or after the date it was received")
        )
    request.answered_on = answered_on
    request.answered_by_id = actor.id
    request.answer_note = (note or "").strip() or None
    task = request_task(request)
    if task is not None and task.is_open:
        close_task(task, actor, {"answered_on": answered_on.isoformat()})
    details = {"summary": request.summary, "answered_on": answered_on.isoformat()}
    if request.answer_note:
        details["note"] = request.answer_note
    _log(participation, review, "request_answered", details, actor)


@unit_of_work()
def cancel_request(
    participation: ExternalReview, review: Review, request: InformationRequest, *, reason: str, actor: User
) -> None:
    """A request withdrawn by the external review, or recorded by mistake: kept, with why; its task
    is no longer needed (audited as task.cancelled)."""
    _still_open(request)
    request.cancelled_at = utcnow()
    request.cancel_reason = reason.strip()
    task = request_task(request)
    if task is not None:
        cancel_task(task, request.cancel_reason)
    _log(participation, review, "request_cancelled", {"summary": request.summary, "reason": reason}, actor)


def add_action(
    participation: ExternalReview, review: Review, *, action: str, owner_id: int, due_on: date, actor: User
) -> ActionPlanItem:
    """An action the external review's report set for us: an item of the review's action plan, marked
    as from the external review, so the Practice Development Team monitors it with the others."""
    from webapp.learning import plan

    if participation.report_received_on is None:
        raise SafeguardingRefused(_("Record the date the report was received before adding its actions"))
    try:
        return plan.add_action(
            review,
            action=action,
            owner_id=owner_id,
            due_on=due_on,
            actor=actor,
            external_review_id=participation.id,
        )
    except plan.LearningRefused as refused:
        raise SafeguardingRefused(str(refused)) from refused


def changes_of(participation: ExternalReview | None) -> list[ExternalReviewChange]:
    """Each step recorded on the record (none without one), with who recorded it (by name)."""
    if participation is None:
        return []
    return list(
        db.session.execute(
            select(ExternalReviewChange)
            .where(ExternalReviewChange.external_review_id == participation.id)
            .options(selectinload(ExternalReviewChange.changed_by).lazyload(User.role_rows))
            .order_by(ExternalReviewChange.changed_at, ExternalReviewChange.id)
        ).scalars()
    )


@dataclass(frozen=True)
class Panel:
    """What the review page's safeguarding section shows."""

    participation: ExternalReview | None
    stage: str | None
    open_requests: int
    may_record: bool


def panel(review: Review, user: User) -> Panel:
    """The record, if any, and how many of its information requests wait for an answer: one
    statement."""
    waiting = (
        select(func.count(InformationRequest.id))
        .where(InformationRequest.external_review_id == ExternalReview.id, InformationRequest.is_open)
        .scalar_subquery()
    )
    found = db.session.execute(
        select(ExternalReview, waiting).where(ExternalReview.review_id == review.id)
    ).one_or_none()
    if found is None:
        return Panel(None, None, 0, may_record(review, user))
    participation, open_requests = found
    return Panel(participation, stage_label(participation), open_requests, may_record(review, user))
