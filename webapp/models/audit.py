"""The audit trail: one row per change and per view of case data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.models.types import UTCDateTime, utcnow
from webapp.models.users import User


class AuditEvent(Model):
    """Who did what to which record, when. Field names only: never the values of personal data."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_record", "record_type", "record_id"),
        # The trail's order, newest first, and its keyset pages' seek (webapp/paging.py).
        Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_type: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # For actions with no signed-in person: "cli", "scheduler", "system".
    actor_label: Mapped[str | None] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column()
    case_id: Mapped[int | None] = mapped_column(index=True)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The client's address, for events caused by a web request (failed sign-ins above all).
    source_address: Mapped[str | None] = mapped_column(String(45))
    # The tamper-evident chain (webapp/audit_chain.py): the previous event's hash, and the HMAC of
    # this event's fields with it. The database refuses UPDATE and DELETE on this table.
    previous_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()
