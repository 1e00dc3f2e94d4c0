"""A demonstration review that follows a Single Unified Safeguarding Review: known from the outset,
referred to the Regional Safeguarding Board, the case review group's decision, one information
request answered and one open (its task on the Area Head of Operations' list), our chronology
submitted, the practitioners' learning event, the report received and two actions it set for us,
in the review's action plan. Fictional throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from webapp.extensions import db
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    ApplicationType,
    BoardDecision,
    Case,
    CourtApplication,
    ExternalReviewChange,
    Incident,
    IncidentCause,
    IncidentKind,
    InformationRequest,
    LawType,
    OperationalArea,
    PersonAffected,
    ProceedingsStatus,
    ReferredBy,
    Review,
    TaskKind,
    TaskStatus,
    User,
)
from webapp.reviews.services import open_review, transition
from webapp.safeguarding.services import participation_of
from webapp.tasks.services import add_task

BOARD = "North Wales Safeguarding Board (fictional demonstration)"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def seed_susr_review(
    *,
    case_number: str,
    area: OperationalArea,
    practitioner: User,
    practice_manager: User,
    ce: User,
    area_head: User,
    reviewer: User,
    today: date,
) -> Review:
    case = Case(
        case_number=case_number,
        area=area,
        law_type=LawType.PUBLIC,
        proceedings_status=ProceedingsStatus.ONGOING,
        practitioner=practitioner,
        practice_manager=practice_manager,
    )
    case.applications.append(
        CourtApplication(application_type=ApplicationType.CARE_ORDER, made_on=today - timedelta(days=400))
    )
    db.session.add(case)
    occurred = today - timedelta(days=150)
    incident = Incident(
        case=case,
        kind=IncidentKind.SIGNIFICANT_INCIDENT,
        occurred_on=occurred,
        cause=IncidentCause.NEGLECT,
        person_affected=PersonAffected.CHILD_SUBJECT,
        linked_to_court_involvement=True,
        susr_known=True,
        scr_known=False,
        summary="Fictional demonstration incident. No real person is described.",
        notified_by="Local authority social worker (demo)",
        notified_on=occurred + timedelta(days=1),
        recorded_by=practice_manager,
    )
    db.session.add(incident)
    db.session.flush()
    review = open_review(incident, actor=practice_manager)
    db.session.flush()
    # The early steps were done months ago: their tasks are closed, so only the SUSR's open request
    # and the actions are chased.
    for task in review.tasks:
        task.status = TaskStatus.DONE
        task.completed_at = _at(occurred + timedelta(days=5))
        task.completed_by_id = area_head.id
        task.next_escalation_on = None
    transition(review, "initiate", actor=ce)
    review.decision_initiate = True
    review.decision_rationale = "Demonstration: learning is likely alongside the SUSR."
    review.decided_by_id = ce.id
    review.decided_at = _at(occurred + timedelta(days=12))
    review.reviewer_id = reviewer.id
    transition(review, "allocate_reviewer", actor=ce)
    transition(review, "share_report", actor=reviewer)
    transition(review, "all_agreed", actor=None)
    transition(review, "slt_discussed", actor=ce)

    participation = participation_of(review)
    assert participation is not None  # known from the outset: made as the review opened
    referred = occurred + timedelta(days=3)
    decided = referred + timedelta(days=14)
    participation.board = BOARD
    participation.referred_on = referred
    participation.referred_by = ReferredBy.OTHER_AGENCY
    participation.referring_agency = "Local authority children's services (demo)"
    participation.decided_on = decided
    participation.decision = BoardDecision.HELD
    participation.decision_notes = "The threshold for a Single Unified Safeguarding Review is met (demo)."
    participation.chronology_submitted_on = decided + timedelta(days=20)
    participation.learning_event_on = today - timedelta(days=40)
    participation.attendees = [practitioner, practice_manager, area_head]
    participation.report_received_on = today - timedelta(days=10)

    answered = InformationRequest(
        external_review_id=participation.id,
        received_on=decided + timedelta(days=2),
        requested_by="SUSR panel chair (demo)",
        summary="Our involvement with the family since the care application.",
        deadline=decided + timedelta(days=16),
        answered_on=decided + timedelta(days=15),
        answered_by_id=area_head.id,
        answer_note="Sent the case summary and the court reports (demo).",
        recorded_by_id=area_head.id,
    )
    still_open = InformationRequest(
        external_review_id=participation.id,
        received_on=today - timedelta(days=3),
        requested_by="SUSR reviewer (demo)",
        summary="Supervision records for the six months before the incident.",
        deadline=today + timedelta(days=7),
        recorded_by_id=area_head.id,
    )
    db.session.add_all([answered, still_open])
    db.session.flush()
    done = add_task(
        review,
        TaskKind.ANSWER_INFORMATION_REQUEST,
        due_on=answered.deadline,
        information_request_id=answered.id,
    )
    done.status = TaskStatus.DONE
    done.completed_at = _at(answered.answered_on or today)
    done.completed_by_id = area_head.id
    done.next_escalation_on = None
    done.outcome = {"answered_on": (answered.answered_on or today).isoformat()}
    add_task(
        review,
        TaskKind.ANSWER_INFORMATION_REQUEST,
        due_on=still_open.deadline,
        information_request_id=still_open.id,
    )

    for owner, action, days in (
        (practice_manager, "Share the SUSR's findings on neglect with every team in the area (demo).", 30),
        (area_head, "Agree with the local authority how chronologies are exchanged (demo).", 60),
    ):
        item = ActionPlanItem(
            review_id=review.id,
            action=action,
            owner_id=owner.id,
            due_on=today + timedelta(days=days),
            status=ActionStatus.NOT_STARTED,
            external_review_id=participation.id,
        )
        db.session.add(item)
        db.session.flush()
        item.task_id = add_task(review, TaskKind.COMPLETE_ACTION, assignee_id=owner.id, due_on=item.due_on).id

    steps = [
        (
            referred,
            "referral",
            {"board": BOARD, "referred_on": referred.isoformat(), "referred_by": "other_agency"},
        ),
        (decided, "decision", {"decided_on": decided.isoformat(), "decision": "held"}),
        (
            answered.received_on,
            "request_received",
            {"summary": answered.summary, "deadline": answered.deadline.isoformat()},
        ),
        (answered.answered_on, "request_answered", {"summary": answered.summary}),
        (
            participation.chronology_submitted_on,
            "chronology",
            {"submitted_on": str(participation.chronology_submitted_on)},
        ),
        (
            participation.learning_event_on,
            "learning_event",
            {
                "held_on": str(participation.learning_event_on),
                "attended": [practitioner.name, practice_manager.name, area_head.name],
            },
        ),
        (participation.report_received_on, "report", {"received_on": str(participation.report_received_on)}),
        (
            still_open.received_on,
            "request_received",
            {"summary": still_open.summary, "deadline": still_open.deadline.isoformat()},
        ),
    ]
    for day, step, details in steps:
        db.session.add(
            ExternalReviewChange(
                external_review_id=participation.id,
                step=step,
                details=details,
                changed_by_id=area_head.id,
                changed_at=_at(day or today),
            )
        )
    db.session.flush()
    return review
