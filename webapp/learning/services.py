"""The learning record of a review, the lists of risk factors and practice themes, and the Senior
Leadership Team's discussion of the themes (procedure: "Outcome"; categories from
learning-from-97-serious-case-reviews.txt)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.accuracy.disputes import closure_refusal
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    LearningTag,
    ProgressReview,
    Review,
    ReviewLearning,
    Role,
    SltMeeting,
    TagKind,
    Task,
    TaskKind,
    TaskStatus,
    User,
    utcnow,
)
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, require
from webapp.reviews.services import transition
from webapp.tasks.pools import POOLS
from webapp.tasks.services import add_task, close_task

OUTCOMES = [("death", "Death"), ("serious_harm", "Serious harm")]
PERPETRATOR_RELATIONS = [
    ("family_member", "A family member"),
    ("other", "Someone else"),
    ("unknown", "Not known"),
]
ASSESSED_MAIN_RISK = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
LABELS = {
    "outcome": dict(OUTCOMES),
    "perpetrator_relation": dict(PERPETRATOR_RELATIONS),
    "perpetrator_was_assessed_main_risk": dict(ASSESSED_MAIN_RISK),
}

OUTCOME_CLAUSE = (
    "Outcome: where learning is identified, review themes will be discussed at a Senior Leadership "
    "Team meeting. An action plan will be agreed and overseen by the Practice Development Team, who "
    "will monitor and review progress."
)


P = ParamSpec("P")
R = TypeVar("R")


class LearningRefused(Exception):
    """The step is not allowed now, or not for this person; the message says why."""


class DuplicateTag(Exception):
    pass


def is_decision_maker(user: User) -> bool:
    return bool(user.roles & POOLS["decision_makers"])


def is_practice_development(user: User) -> bool:
    return Role.PRACTICE_DEVELOPMENT_TEAM in user.roles


def open_task(review: Review, kind: TaskKind) -> Task | None:
    return db.session.execute(
        select(Task)
        .where(Task.review_id == review.id, Task.kind == kind, Task.status == TaskStatus.OPEN)
        .order_by(Task.id)
        .limit(1)
    ).scalar_one_or_none()


def mark_closed(review: Review, actor: User) -> None:
    review.closed_at = utcnow()
    review.closed_by_id = actor.id
    audit.record("review.closed", record_id=review.id, case_id=review.case_id, actor=actor)


# --- The lists -------------------------------------------------------------------------------


def tags(kind: TagKind | None = None, *, active_only: bool = False) -> list[LearningTag]:
    query = select(LearningTag).order_by(LearningTag.kind, func.lower(LearningTag.name))
    if kind is not None:
        query = query.where(LearningTag.kind == kind)
    if active_only:
        query = query.where(LearningTag.active.is_(True))
    return list(db.session.execute(query).scalars())


@unit_of_work()
def add_tag(kind: TagKind, name: str, *, actor: User) -> LearningTag:
    name = " ".join(name.split())
    clash = db.session.execute(
        select(LearningTag.id).where(LearningTag.kind == kind, func.lower(LearningTag.name) == name.lower())
    ).first()
    if clash is not None:
        raise DuplicateTag
    tag = LearningTag(kind=kind, name=name, active=True)
    db.session.add(tag)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise DuplicateTag from error
    audit.record("taxonomy.changed", record_id=tag.id, changed_fields=["kind", "name", "active"], actor=actor)
    return tag


@unit_of_work()
def set_tag_active(tag: LearningTag, active: bool, *, actor: User) -> bool:
    """Never deleted: reviews keep the tags they had; an inactive tag is no longer offered."""
    if tag.active == active:
        return False
    tag.active = active
    audit.record("taxonomy.changed", record_id=tag.id, changed_fields=["active"], actor=actor)
    return True


# --- The learning record ---------------------------------------------------------------------


def learning_for(review: Review) -> ReviewLearning | None:
    return db.session.execute(
        select(ReviewLearning).where(ReviewLearning.review_id == review.id)
    ).scalar_one_or_none()


def learning_defaults(review: Review) -> dict:
    """What the form starts from before anything is recorded: the incident's facts."""
    return {
        "outcome": "death" if review.incident.kind.value == "death" else "serious_harm",
        "during_proceedings": review.circumstance == "ongoing_proceedings",
    }


@unit_of_work()
def save_learning(review: Review, values: dict, tag_ids: Iterable[int], *, actor: User) -> list[str]:
    """Create or update the review's learning record; returns the names of what changed."""
    require(review.state, Work.RECORD_LEARNING, LearningRefused)
    wanted = set(tag_ids)
    chosen = list(
        db.session.execute(
            select(LearningTag).where(LearningTag.id.in_(wanted), LearningTag.active.is_(True))
        ).scalars()
    )
    if len(chosen) != len(wanted):
        raise LearningRefused("Choose risk factors and practice themes from the lists offered.")
    learning = learning_for(review)
    # Tags an administrator has since deactivated are not offered, but the review keeps them.
    kept = [tag for tag in learning.tags if not tag.active] if learning else []
    new_tags = {tag.id: tag for tag in chosen + kept}
    if learning is None:
        learning = ReviewLearning(review_id=review.id, updated_by_id=actor.id, **values)
        db.session.add(learning)
        changed = sorted(values)
        if new_tags:
            changed.append("tags")
    else:
        changed = audit.apply_changes(learning, values)
        if {tag.id for tag in learning.tags} != set(new_tags):
            changed.append("tags")
    if not changed:
        return []
    learning.tags = sorted(new_tags.values(), key=lambda tag: tag.name)
    learning.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        "learning.updated", record_id=learning.id, case_id=review.case_id, changed_fields=changed, actor=actor
    )
    return changed


# --- The Senior Leadership Team --------------------------------------------------------------


def slt_meetings(review: Review) -> list[SltMeeting]:
    return list(
        db.session.execute(
            select(SltMeeting).where(SltMeeting.review_id == review.id).order_by(SltMeeting.id)
        ).scalars()
    )


@unit_of_work()
def record_slt(review: Review, *, met_on: date, notes: str, actor: User) -> SltMeeting:
    """The SLT discussed the themes: the CE's or DCE's task closes and the action plan is due."""
    require(review.state, Work.RECORD_SLT, LearningRefused)
    if not is_decision_maker(actor):
        raise LearningRefused("Only the Chief Executive or Deputy Chief Executive records the SLT meeting.")
    if learning_for(review) is None:
        raise LearningRefused(
            "Record the learning first: the risk factors and practice themes the Senior Leadership Team "
            "discussed."
        )
    meeting = SltMeeting(review_id=review.id, met_on=met_on, notes=notes, recorded_by_id=actor.id)
    db.session.add(meeting)
    db.session.flush()
    audit.record("slt.recorded", record_id=meeting.id, case_id=review.case_id, actor=actor)
    task = open_task(review, TaskKind.DISCUSS_AT_SLT)
    if task is not None:
        close_task(task, actor, {"slt_meeting_id": meeting.id, "met_on": met_on.isoformat()})
    transition(review, "slt_discussed", actor=actor)
    add_task(review, TaskKind.AGREE_ACTION_PLAN)
    return meeting


def learning_in_report(review: Review) -> str | None:
    """Why the review cannot close without learning, or None: the agreed report identifies learning
    (Outcome: "where learning is identified", the SLT discusses it and an action plan follows)."""
    draft = report.agreed_draft(review)
    found = report.identified_learning(draft)
    if draft is None or not found:
        return None
    listed = [f"{count} {what}{'' if count == 1 else 's'}" for what, count in found.items()]
    listing = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return (
        f"The review cannot close without learning: the agreed report (version {draft.version}) lists "
        f"{listing}. Where learning is identified the procedure (Outcome) asks for a Senior Leadership "
        "Team discussion and an action plan: record the SLT meeting instead."
    )


@unit_of_work()
def close_without_learning(review: Review, *, rationale: str, actor: User) -> None:
    """No learning was identified: the CE or DCE closes the review, with their reasons. Refused while
    the agreed report lists learning points or procedural or practice issues."""
    require(review.state, Work.CLOSE_WITHOUT_LEARNING, LearningRefused)
    if not is_decision_maker(actor):
        raise LearningRefused(
            "Only the Chief Executive or Deputy Chief Executive can close a review this way."
        )
    refusal = learning_in_report(review)
    if refusal:
        raise LearningRefused(refusal)
    grievance = closure_refusal(review)
    if grievance:
        raise LearningRefused(grievance)
    task = open_task(review, TaskKind.DISCUSS_AT_SLT)
    if task is not None:
        close_task(task, actor, {"no_learning": True})
    transition(review, "close_without_learning", actor=actor, note=rationale)
    mark_closed(review, actor)


def summary(review: Review) -> dict:
    """What the review page's learning panel shows, in four small queries, whatever the review's size."""
    counts: dict[ActionStatus, int] = dict(
        db.session.execute(
            select(ActionPlanItem.status, func.count())
            .where(ActionPlanItem.review_id == review.id, ActionPlanItem.withdrawn_at.is_(None))
            .group_by(ActionPlanItem.status)
        )
        .tuples()
        .all()
    )
    return {
        "learning": learning_for(review),
        "slt": db.session.execute(
            select(SltMeeting)
            .where(SltMeeting.review_id == review.id)
            .order_by(SltMeeting.id.desc())
            .limit(1)
        ).scalar_one_or_none(),
        "actions": sum(counts.values()),
        "done": counts.get(ActionStatus.DONE, 0),
        "progress_reviews": db.session.execute(
            select(func.count()).select_from(ProgressReview).where(ProgressReview.review_id == review.id)
        ).scalar_one(),
    }
