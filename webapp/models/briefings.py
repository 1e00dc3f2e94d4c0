"""Learning briefings: what the Practice Development Team writes from one or several reviews for
practitioners and managers to read, so a lesson reaches the next person facing the same risk
(learning-from-97-serious-case-reviews.txt: learning "identified and cascaded at an early stage",
delivered "via a learning module which Practice Supervisors will deliver").

A briefing carries no names and no case numbers: it is read by people who may not see the reviews
it draws on. Its risk factors and practice themes say which later cases it is relevant to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.learning import LearningTag
from webapp.models.reviews import Review
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User


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


__all__ = ["Briefing", "BriefingStatus", "briefing_reviews", "briefing_tags"]
