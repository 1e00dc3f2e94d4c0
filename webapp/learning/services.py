"""The learning record of a review, the lists of risk factors and practice themes, and the Senior
Leadership Team's discussion of the themes (procedure: "Outcome"; categories from
learning-from-97-serious-case-reviews.txt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import ParamSpec, TypeVar

from sqlalchemy import ScalarSelect, exists, func, select
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.accuracy.disputes import closure_refusal
from webapp.conduct import report
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.i18n import ngettext
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
    review_learning_tags,
    utcnow,
)
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, require
from webapp.reviews.services import transition
from webapp.tasks.pools import POOLS
from webapp.tasks.services import add_task, close_task

OUTCOMES = [("death", _l("Death")), ("serious_harm", _l("Serious harm"))]
PERPETRATOR_RELATIONS = [
    ("family_member", _l("A family member")),
    ("other", _l("Someone else")),
    ("unknown", _l("Not known")),
]
ASSESSED_MAIN_RISK = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not known"))]
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


def by_name(tags: Iterable[LearningTag]) -> list[LearningTag]:
    """Tags in the order of the names the reader sees (the Welsh names on a Welsh page)."""
    return sorted(tags, key=lambda tag: (tag.display_name.casefold(), tag.id))


def tags(kind: TagKind | None = None, *, active_only: bool = False) -> list[LearningTag]:
    """The lists, each kind in the order of its displayed names."""
    query = select(LearningTag).order_by(LearningTag.kind)
    if kind is not None:
        query = query.where(LearningTag.kind == kind)
    if active_only:
        query = query.where(LearningTag.active.is_(True))
    found = list(db.session.execute(query).scalars())
    return [tag for each in TagKind for tag in by_name(t for t in found if t.kind == each)]


@unit_of_work()
def add_tag(kind: TagKind, name: str, *, actor: User, name_cy: str | None = None) -> LearningTag:
    name = " ".join(name.split())
    name_cy = " ".join((name_cy or "").split()) or None
    clash = db.session.execute(
        select(LearningTag.id).where(LearningTag.kind == kind, func.lower(LearningTag.name) == name.lower())
    ).first()
    if clash is not None:
        raise DuplicateTag
    tag = LearningTag(kind=kind, name=name, name_cy=name_cy, active=True)
    db.session.add(tag)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise DuplicateTag from error
    fields = ["kind", "name", "active"] + (["name_cy"] if name_cy else [])
    audit.record("taxonomy.changed", record_id=tag.id, changed_fields=fields, actor=actor)
    return tag


@unit_of_work()
def set_tag_welsh_name(tag: LearningTag, name_cy: str | None, *, actor: User) -> bool:
    """Give an entry its Welsh name (or take it away: Welsh pages then show the English name)."""
    name_cy = " ".join((name_cy or "").split()) or None
    if tag.name_cy == name_cy:
        return False
    tag.name_cy = name_cy
    audit.record("taxonomy.changed", record_id=tag.id, changed_fields=["name_cy"], actor=actor)
    return True


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
        raise LearningRefused(_("Choose risk factors and practice themes from the lists offered."))
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
        raise LearningRefused(
            _("Only the Chief Executive or Deputy Chief Executive records the SLT meeting.")
        )
    if learning_for(review) is None:
        raise LearningRefused(
            _(
                "Record the learning first: the risk factors and practice themes the Senior Leadership "
                "Team discussed."
            )
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
    listed = [_counted(what, count) for what, count in found.items()]
    listing = (
        listed[0]
        if len(listed) == 1
        else _("%(first)s and %(last)s", first=", ".join(listed[:-1]), last=listed[-1])
    )
    return _(
        "The review cannot close without learning: the agreed report (version %(version)s) lists "
        "%(listing)s. Where learning is identified the procedure (Outcome) asks for a Senior Leadership "
        "Team discussion and an action plan: record the SLT meeting instead.",
        version=draft.version,
        listing=listing,
    )


def _counted(what: str, count: int) -> str:
    """ "2 learning points": what report.identified_learning counts, in the reader's language."""
    if what == "learning point":
        return ngettext("%(num)d learning point", "%(num)d learning points", count)
    if what == "procedural issue":
        return ngettext("%(num)d procedural issue", "%(num)d procedural issues", count)
    if what == "practice issue":
        return ngettext("%(num)d practice issue", "%(num)d practice issues", count)
    return ngettext("%(num)d conclusion", "%(num)d conclusions", count)


@unit_of_work()
def close_without_learning(review: Review, *, rationale: str, actor: User) -> None:
    """No learning was identified: the CE or DCE closes the review, with their reasons. Refused while
    the agreed report lists learning points or procedural or practice issues."""
    require(review.state, Work.CLOSE_WITHOUT_LEARNING, LearningRefused)
    if not is_decision_maker(actor):
        raise LearningRefused(
            _("Only the Chief Executive or Deputy Chief Executive can close a review this way.")
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


@dataclass(frozen=True)
class LearningSummary:
    """What the review page's learning panel shows (learning/_review_panel.html)."""

    recorded: bool  # the review's learning is recorded
    tags: int  # its risk factors and practice themes
    slt_met_on: date | None  # the latest SLT discussion
    actions: int  # action-plan items, withdrawn ones left out
    done: int
    progress_reviews: int


def summary(review: Review) -> LearningSummary:
    """The learning panel's figures in one statement, whatever the review's size."""
    rid = review.id

    def counted(table, *where) -> ScalarSelect:
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    live = (ActionPlanItem.review_id == rid, ActionPlanItem.withdrawn_at.is_(None))
    row = db.session.execute(
        select(
            exists().where(ReviewLearning.review_id == rid),
            counted(review_learning_tags, review_learning_tags.c.review_id == rid),
            select(SltMeeting.met_on)
            .where(SltMeeting.review_id == rid)
            .order_by(SltMeeting.id.desc())
            .limit(1)
            .scalar_subquery(),
            counted(ActionPlanItem, *live),
            counted(ActionPlanItem, *live, ActionPlanItem.status == ActionStatus.DONE),
            counted(ProgressReview, ProgressReview.review_id == rid),
        )
    ).one()
    recorded, *figures = row
    return LearningSummary(bool(recorded), *figures)
