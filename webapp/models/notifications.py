"""The notification outbox, the escalation ladder's steps, and support plans with their meetings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User

UNREAD = text("read_at IS NULL")


class NotificationStatus(LabelledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Sent inside the email of another notification to the same person (``combined_into_id``).
    COMBINED = "combined"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PENDING: _l("Waiting to send"),
            cls.SENDING: _l("Sending"),
            cls.SENT: _l("Sent"),
            cls.FAILED: _l("Failed"),
            cls.COMBINED: _l("Sent with other notifications"),
        }


class Notification(Model):
    """One message to one person: written in the transaction that causes it, sent later by the relay.

    ``subject`` and the email body carry no personal or case data; ``detail`` is shown only in the app.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        # The unread count on every page: only the unread rows.
        Index("ix_notifications_unread", "user_id", postgresql_where=UNREAD, sqlite_where=UNREAD),
        # The person's notifications page: theirs, newest first, a page at a time from a cursor.
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # One message per cause: a second write with the same key is a bug or a race, refused here.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    detail: Mapped[str] = mapped_column(Text)
    # The language the detail was written in (the recipient's then): a page in the other language
    # marks it with lang, as a passage in the other language.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    link_path: Mapped[str] = mapped_column(String(200))
    meeting_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_uid: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[NotificationStatus] = mapped_column(enum_column(NotificationStatus, "notification_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The notification whose email carried this one (webapp/notifications/combining.py).
    combined_into_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)

    user: Mapped[User] = relationship()

    @classmethod
    def unread_of(cls, user_id: int | SQLColumnExpression[int]) -> ColumnElement[bool]:
        """A person's unread notifications (``ix_notifications_unread`` serves it): ``user_id`` an id
        or a column to correlate with."""
        return and_(cls.user_id == user_id, cls.read_at.is_(None))


class TaskEscalation(Model):
    """A step of the escalation ladder taken for a task; each step is taken once."""

    __tablename__ = "task_escalations"
    __table_args__ = (UniqueConstraint("task_id", "step", name="uq_task_escalations_task_id_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class SupportPlan(Model):
    """Regular support meetings for the practitioner, arranged by the Practice Manager."""

    __tablename__ = "support_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    practice_manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cadence_working_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    practice_manager: Mapped[User] = relationship(foreign_keys=[practice_manager_id])
    meetings: Mapped[list[SupportMeeting]] = relationship(
        back_populates="plan", order_by="SupportMeeting.starts_at"
    )


class SupportMeeting(Model):
    __tablename__ = "support_meetings"
    __table_args__ = (
        UniqueConstraint("plan_id", "starts_at", name="uq_support_meetings_plan_id_starts_at"),
        Index("ix_support_meetings_due", "held_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    missed_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The Practice Manager's private notes of the meeting (seen only by those who see support).
    notes: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[SupportPlan] = relationship(back_populates="meetings")

    @property
    def local_date(self) -> date:
        from webapp.formatting import london

        return london(self.starts_at).date()
