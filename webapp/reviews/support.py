"""Support for the practitioner: regular meetings arranged by the Practice Manager (procedure:
"Regular support meetings"), prompted before each one, escalated to the AHoO when one is missed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

import rules
from webapp import audit
from webapp.extensions import db
from webapp.formatting import LONDON, london
from webapp.i18n import gettext as _
from webapp.models import Review, SupportMeeting, SupportPlan, Task, TaskKind, User, utcnow
from webapp.records import unit_of_work
from webapp.scope import one_or_404
from webapp.tasks.services import add_task, close_task


class SupportError(Exception):
    pass


def next_meeting_time(previous: datetime, cadence_working_days: int) -> datetime:
    """The same local time, ``cadence`` working days later (bank holidays and weekends skipped)."""
    local = london(previous)
    day = rules.add_working_days(local.date(), cadence_working_days)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LONDON).astimezone(
        previous.tzinfo
    )


@unit_of_work()
def arrange(task: Task, *, actor: User, first_meeting_at: datetime, cadence_working_days: int) -> SupportPlan:
    """Complete the 'arrange support meetings' task: the plan and its first meeting."""
    review = task.review
    if db.session.execute(select(SupportPlan).where(SupportPlan.review_id == review.id)).scalar_one_or_none():
        raise SupportError(_("Support meetings are already arranged for this review."))
    close_task(
        task,
        actor,
        {"first_meeting_at": first_meeting_at.isoformat(), "cadence_working_days": cadence_working_days},
    )
    plan = SupportPlan(
        review_id=review.id,
        practitioner_id=review.case.practitioner_id,
        practice_manager_id=review.case.practice_manager_id,
        cadence_working_days=cadence_working_days,
        active=True,
    )
    plan.meetings.append(SupportMeeting(starts_at=first_meeting_at))
    db.session.add(plan)
    db.session.flush()
    audit.record("support.arranged", record_id=plan.id, case_id=review.case_id, actor=actor)
    return plan


def plan_for(review: Review) -> SupportPlan | None:
    return db.session.execute(
        select(SupportPlan).where(SupportPlan.review_id == review.id)
    ).scalar_one_or_none()


def get_meeting_or_404(plan: SupportPlan, meeting_id: int) -> SupportMeeting:
    return one_or_404(SupportMeeting, SupportMeeting.id == meeting_id, SupportMeeting.plan_id == plan.id)


def may_see(review: Review, user: User) -> bool:
    """Support is staff-welfare information: only the practitioner, their Practice Manager, the
    case's Area Head of Operations, the CE and the DCE see it (not the reviewer, SLT or PDT)."""
    from webapp.models import Role

    case = review.case
    if user.roles & {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}:
        return True
    if user.id in (case.practitioner_id, case.practice_manager_id):
        return True
    return Role.AREA_HEAD_OF_OPERATIONS in user.roles and user.area_id == case.area_id


# The tasks whose answers are about the practitioner's support (staff-welfare information).
SUPPORT_TASKS = frozenset(
    {
        TaskKind.INFORM_PRACTITIONER_AND_PM,
        TaskKind.OFFER_EAP_REFERRAL,
        TaskKind.FOLLOW_UP_EAP_REFERRAL,
        TaskKind.ARRANGE_SUPPORT_MEETINGS,
        TaskKind.AGREE_SUPPORT_NEEDS,
        TaskKind.CONFIRM_SUPPORT_NEEDS,
    }
)


def may_manage(plan: SupportPlan, user: User) -> bool:
    return user.id == plan.practice_manager_id


@unit_of_work()
def record_held(meeting: SupportMeeting, *, actor: User, notes: str | None = None) -> SupportMeeting | None:
    """Mark a meeting held and, while support goes on, book the next one at the plan's cadence."""
    plan = meeting.plan
    if meeting.held_at is not None:
        raise SupportError(_("This meeting is already recorded as held."))
    if meeting.starts_at > utcnow():
        raise SupportError(_("A meeting cannot be recorded as held before it starts."))
    meeting.held_at = utcnow()
    meeting.recorded_by_id = actor.id
    meeting.notes = notes or None
    following = None
    if plan.active and all(m.starts_at <= meeting.starts_at for m in plan.meetings):
        following = SupportMeeting(starts_at=next_meeting_time(meeting.starts_at, plan.cadence_working_days))
        plan.meetings.append(following)
    review = db.session.get_one(Review, plan.review_id)
    audit.record("support.meeting_held", record_id=meeting.id, case_id=review.case_id, actor=actor)
    return following


@unit_of_work()
def end_support(plan: SupportPlan, *, actor: User) -> None:
    if not plan.active:
        raise SupportError(_("Support has already ended."))
    plan.active = False
    plan.ended_at = utcnow()
    plan.ended_by_id = actor.id
    for meeting in plan.meetings:
        if meeting.held_at is None and meeting.starts_at > utcnow() - timedelta(hours=1):
            meeting.cancelled = True
    review = db.session.get_one(Review, plan.review_id)
    audit.record("support.ended", record_id=plan.id, case_id=review.case_id, actor=actor)


@unit_of_work()
def complete(task: Task, *, actor: User, outcome: dict) -> None:
    """Complete a task with what was entered, and start what follows from it: an EAP offer whose
    answer is awaited stays open as a follow-up with its own date; support needs recorded by the
    Practice Manager go to the practitioner to confirm or dispute."""
    close_task(task, actor, outcome)
    review = task.review
    if (
        task.kind in (TaskKind.OFFER_EAP_REFERRAL, TaskKind.FOLLOW_UP_EAP_REFERRAL)
        and outcome.get("eap") == "offered"
    ):
        add_task(review, TaskKind.FOLLOW_UP_EAP_REFERRAL)
    elif task.kind == TaskKind.AGREE_SUPPORT_NEEDS:
        add_task(review, TaskKind.CONFIRM_SUPPORT_NEEDS)
    elif task.kind == TaskKind.CONFIRM_SUPPORT_NEEDS and outcome.get("confirmed") == "disputed":
        # The practitioner does not agree: the needs are discussed and agreed again.
        add_task(review, TaskKind.AGREE_SUPPORT_NEEDS)
