"""Learning briefings: what the Practice Development Team writes from one or several reviews for
practitioners and managers to read, so a lesson reaches the next person facing the same risk
(learning-from-97-serious-case-reviews.txt: learning "identified and cascaded at an early stage",
delivered "via a learning module which Practice Supervisors will deliver").

A briefing carries no names and no case numbers: it is read by people who may not see the reviews
it draws on. Its risk factors and practice themes say which later cases it is relevant to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.learning import LearningTag
from webapp.models.reviews import Review
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import OperationalArea, Role, User


class BriefingStatus(LabelledEnum):
    DRAFT = "draft"
    SENT = "sent"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.DRAFT: _l("Draft"), cls.SENT: _l("Sent")}


briefing_reviews = Table(
    "learning_briefing_reviews",
    db.metadata,
    Column("briefing_id", ForeignKey("learning_briefings.id"), primary_key=True),
    Column("review_id", ForeignKey("reviews.id"), primary_key=True, index=True),
)

briefing_tags = Table(
    "learning_briefing_tags",
    db.metadata,
    Column("briefing_id", ForeignKey("learning_briefings.id"), primary_key=True),
    Column("tag_id", ForeignKey("learning_tags.id"), primary_key=True, index=True),
)


class Briefing(Model):
    """A learning briefing written from one or more reviews."""

    __tablename__ = "learning_briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[BriefingStatus] = mapped_column(
        enum_column(BriefingStatus, "briefing_status"), default=BriefingStatus.DRAFT, index=True
    )
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    written_by: Mapped[User] = relationship(foreign_keys=[written_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    reviews: Mapped[list[Review]] = relationship(secondary=briefing_reviews, order_by="Review.id")
    tags: Mapped[list[LearningTag]] = relationship(secondary=briefing_tags, order_by="LearningTag.name")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_sent(self) -> bool:
        return self.status == BriefingStatus.SENT


# The audience chosen at sending: the roles, and the areas (roles with no area, such as the CE, DCE,
# PDT and SLT, are reached whatever the areas).
briefing_roles = Table(
    "learning_briefing_roles",
    db.metadata,
    Column("briefing_id", ForeignKey("learning_briefings.id"), primary_key=True),
    Column("role", enum_column(Role, "role"), primary_key=True),
)

briefing_areas = Table(
    "learning_briefing_areas",
    db.metadata,
    Column("briefing_id", ForeignKey("learning_briefings.id"), primary_key=True),
    Column("area_id", ForeignKey("operational_areas.id"), primary_key=True),
)


class BriefingRecipient(Model):
    """One person a sent briefing reached: whether they have read it and acknowledged it, and when
    the next step of the reminder ladder falls due (null once acknowledged or the ladder is done)."""

    __tablename__ = "learning_briefing_recipients"
    __table_args__ = (
        UniqueConstraint(
            "briefing_id", "user_id", name="uq_learning_briefing_recipients_briefing_id_user_id"
        ),
        Index("ix_learning_briefing_recipients_next_reminder_on", "next_reminder_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("learning_briefings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The day acknowledgement is expected: the ladder's steps count working days from it.
    due_on: Mapped[date] = mapped_column(Date)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_reminder_on: Mapped[date | None] = mapped_column(Date)

    briefing: Mapped[Briefing] = relationship()
    user: Mapped[User] = relationship()


class BriefingReminder(Model):
    """A step of the reminder ladder taken for one recipient; each step is taken once."""

    __tablename__ = "learning_briefing_reminders"
    __table_args__ = (
        UniqueConstraint("recipient_id", "step", name="uq_learning_briefing_reminders_recipient_id_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("learning_briefing_recipients.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


briefing_attendees = Table(
    "learning_briefing_attendees",
    db.metadata,
    Column("session_id", ForeignKey("learning_briefing_sessions.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class BriefingSession(Model):
    """A session in which a Practice Manager delivered a briefing to their team, with who attended."""

    __tablename__ = "learning_briefing_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("learning_briefings.id"), index=True)
    delivered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delivered_on: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("operational_areas.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivered_by: Mapped[User] = relationship()
    area: Mapped[OperationalArea | None] = relationship()
    attendees: Mapped[list[User]] = relationship(secondary=briefing_attendees, order_by="User.name")


__all__ = [
    "Briefing",
    "BriefingRecipient",
    "BriefingReminder",
    "BriefingSession",
    "BriefingStatus",
    "briefing_areas",
    "briefing_attendees",
    "briefing_reviews",
    "briefing_roles",
    "briefing_tags",
]
