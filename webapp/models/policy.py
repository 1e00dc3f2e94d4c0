"""Timescales an administrator changed on the Policy page; the policy file gives the rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import Model
from webapp.models.types import UTCDateTime, utcnow


class PolicySetting(Model):
    """One timescale (``rules.policy`` key, e.g. ``decision`` or ``escalation.line_manager_after``)."""

    __tablename__ = "policy_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    working_days: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
