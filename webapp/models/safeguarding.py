"""Our part in an external safeguarding review: a Single Unified Safeguarding Review (Wales) or a
Serious Case / Child Safeguarding Practice Review (England). Procedure, Case Review Explained: "If we
are aware from the outset that a Single Unified Safeguarding Review will be taking place, we will
follow their process." One record per review; its information requests each carry a deadline task."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, ColumnElement, Date, ForeignKey, String, Table, Text, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User


class ExternalReviewKind(LabelledEnum):
    SUSR = "susr"
    SCR_CSPR = "scr_cspr"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SUSR: _l("Single Unified Safeguarding Review (Wales)"),
            cls.SCR_CSPR: _l("Serious Case Review or Child Safeguarding Practice Review (England)"),
        }


class ReferredBy(LabelledEnum):
    US = "us"
    OTHER_AGENCY = "other_agency"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.US: _l("Us (Cafcass Cymru)"), cls.OTHER_AGENCY: _l("Another agency")}


class BoardDecision(LabelledEnum):
    """The case review group's decision on the referral."""

    HELD = "held"
    NOT_HELD = "not_held"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.HELD: _l("A review will be held"),
            cls.NOT_HELD: _l("No review will be held"),
            cls.OTHER: _l("Another outcome"),
        }


external_review_attendees = Table(
    "external_review_attendees",
    db.metadata,
    Column("external_review_id", ForeignKey("external_reviews.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class ExternalReview(Model):
    """Our participation in the SUSR (or SCR/CSPR) about a review's incident, step by step."""

    __tablename__ = "external_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    kind: Mapped[ExternalReviewKind] = mapped_column(enum_column(ExternalReviewKind, "external_review_kind"))
    # True when the incident was recorded with a SUSR (or SCR) known; False when it became known later.
    known_from_outset: Mapped[bool] = mapped_column(Boolean)
    board: Mapped[str | None] = mapped_column(String(200))  # the Regional Safeguarding Board
    referred_on: Mapped[date | None] = mapped_column(Date)
    referred_by: Mapped[ReferredBy | None] = mapped_column(enum_column(ReferredBy, "referred_by"))
    referring_agency: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[BoardDecision | None] = mapped_column(enum_column(BoardDecision, "board_decision"))
    decision_notes: Mapped[str | None] = mapped_column(Text)
    chronology_submitted_on: Mapped[date | None] = mapped_column(Date)
    learning_event_on: Mapped[date | None] = mapped_column(Date)
    report_received_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    attendees: Mapped[list[User]] = relationship(secondary=external_review_attendees, order_by="User.name")


class InformationRequest(Model):
    """A request for information from the external review: its deadline is a task on the ladder."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_review_id: Mapped[int] = mapped_column(ForeignKey("external_reviews.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(200))  # who asked: the panel, its chair, a reviewer
    summary: Mapped[str] = mapped_column(Text)  # what is asked, in brief (no names needed)
    deadline: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer_note: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @hybrid_property
    def is_open(self) -> bool:
        return self.answered_on is None and self.cancelled_at is None

    @is_open.inplace.expression
    @classmethod
    def _is_open_in_sql(cls) -> ColumnElement[bool]:
        return and_(cls.answered_on.is_(None), cls.cancelled_at.is_(None))


class ExternalReviewChange(Model):
    """Each step recorded on the participation, with the values entered: the review's History."""

    __tablename__ = "external_review_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_review_id: Mapped[int] = mapped_column(ForeignKey("external_reviews.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    # What was entered, as shown then (dates ISO, people by name): the record keeps its values.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()
