"""Learning from a review: themes and risk factors, the SLT discussion, the action plan and its
monitoring by the Practice Development Team (procedure: "Outcome"), and the learning research's
categories (learning-from-97-serious-case-reviews.txt)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db
from webapp.i18n import current_language
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User


class TagKind(LabelledEnum):
    RISK_FACTOR = "risk_factor"
    PRACTICE_THEME = "practice_theme"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.RISK_FACTOR: _l("Risk factor"), cls.PRACTICE_THEME: _l("Practice theme")}


class LearningTag(Model):
    """A risk factor or practice theme; administrators can add to the lists."""

    __tablename__ = "learning_tags"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_learning_tags_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TagKind] = mapped_column(enum_column(TagKind, "tag_kind"))
    name: Mapped[str] = mapped_column(String(100))
    name_cy: Mapped[str | None] = mapped_column(
        String(100)
    )  # its Welsh name; None until an administrator gives one
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the Welsh name on a Welsh page where there is one."""
        return self.name_cy if self.name_cy and current_language() == "cy" else self.name


review_learning_tags = Table(
    "review_learning_tags",
    db.metadata,
    Column("review_id", ForeignKey("reviews.id"), primary_key=True),
    Column("tag_id", ForeignKey("learning_tags.id"), primary_key=True),
)

# The risk factors known when the incident was recorded (before any learning is recorded): what the
# review is about from the start, so relevant past learning can be shown at once (webapp/learning/past.py).
# Kept apart from review_learning_tags, which hold what the review found and which the dashboard counts.
review_known_risk_factors = Table(
    "review_known_risk_factors",
    db.metadata,
    Column("review_id", ForeignKey("reviews.id"), primary_key=True),
    Column("tag_id", ForeignKey("learning_tags.id"), primary_key=True, index=True),
)


class ReviewLearning(Model):
    __tablename__ = "review_learning"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))  # death | serious_harm
    during_proceedings: Mapped[bool] = mapped_column(Boolean)
    perpetrator_relation: Mapped[str] = mapped_column(String(20))  # family_member | other | unknown
    perpetrator_was_assessed_main_risk: Mapped[str] = mapped_column(String(10))  # yes | no | unknown
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[LearningTag]] = relationship(
        secondary=review_learning_tags,
        primaryjoin="ReviewLearning.review_id == review_learning_tags.c.review_id",
        secondaryjoin="LearningTag.id == review_learning_tags.c.tag_id",
        order_by="LearningTag.name",
    )


class SltMeeting(Model):
    __tablename__ = "slt_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionStatus(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.NOT_STARTED: _l("Not started"), cls.IN_PROGRESS: _l("In progress"), cls.DONE: _l("Done")}


class ActionPlanItem(Model):
    """An improvement action. Its deadline is a Task, so overdue actions climb the same ladder."""

    __tablename__ = "action_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"))
    # Indexed: a "complete action" task finds its action (its page, the team task list).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A withdrawn action stays in the plan's history with why; it no longer holds up closure.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # An action the SUSR's (or SCR/CSPR's) report set for us: monitored in the same plan, marked so.
    external_review_id: Mapped[int | None] = mapped_column(ForeignKey("external_reviews.id"), index=True)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    notes: Mapped[list[ActionProgressNote]] = relationship(order_by="ActionProgressNote.id")


class ActionProgressNote(Model):
    __tablename__ = "action_progress_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_plan_items.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class ProgressReview(Model):
    """The Practice Development Team's review of the action plan's progress."""

    __tablename__ = "progress_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewed_by: Mapped[User] = relationship()


learning_point_tags = Table(
    "learning_point_tags",
    db.metadata,
    Column("learning_point_id", ForeignKey("learning_points.id"), primary_key=True),
    Column("tag_id", ForeignKey("learning_tags.id"), primary_key=True, index=True),
)

learning_point_actions = Table(
    "learning_point_actions",
    db.metadata,
    Column("learning_point_id", ForeignKey("learning_points.id"), primary_key=True),
    Column("action_item_id", ForeignKey("action_plan_items.id"), primary_key=True, index=True),
)


class LearningPoint(Model):
    """One learning point of the agreed report, as a record: tagged with the risk factors and practice
    themes it concerns, and answered by the actions of the plan (or a recorded reason why none)."""

    __tablename__ = "learning_points"
    __table_args__ = (
        UniqueConstraint("review_id", "position", name="uq_learning_points_review_id_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    # The report version it was taken from (none for points recorded before the version was known).
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("report_drafts.id"))
    position: Mapped[int] = mapped_column(Integer)  # its place in the report's list, from 1
    text: Mapped[str] = mapped_column(Text)
    no_action_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[LearningTag]] = relationship(secondary=learning_point_tags, order_by="LearningTag.name")
    actions: Mapped[list[ActionPlanItem]] = relationship(
        secondary=learning_point_actions, order_by="ActionPlanItem.id"
    )

    @property
    def answered(self) -> bool:
        return bool(self.actions) or bool(self.no_action_reason)


__all__ = [
    "ActionPlanItem",
    "ActionProgressNote",
    "ActionStatus",
    "LearningPoint",
    "LearningTag",
    "ProgressReview",
    "ReviewLearning",
    "SltMeeting",
    "TagKind",
    "learning_point_actions",
    "learning_point_tags",
    "review_known_risk_factors",
    "review_learning_tags",
]


class DashboardSnapshot(Model):
    """The learning dashboard's figures for one period as worked out at one time, so a view reads
    one row instead of aggregating every review. Refreshed by a scheduled job and cleared when the
    learning data changes (webapp/learning/dashboard_cache.py)."""

    __tablename__ = "dashboard_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date)  # the day "overdue" was counted against
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    figures: Mapped[list[dict]] = mapped_column(JSON)

    __table_args__ = (Index("ix_dashboard_snapshots_period", "period_start", "period_end", "as_of"),)
