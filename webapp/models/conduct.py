"""Conducting a review: information gathering, the chronology, report drafts, accuracy responses,
disputes and external disclosure (procedure: "Review Process" and "Transparency and Disputes")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import LabelledEnum
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User


class GatheringSource(LabelledEnum):
    CASE_FILE = "case_file"
    CONVERSATIONS = "conversations"
    PROCEDURES = "procedures"
    WG_GUIDANCE = "wg_guidance"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.CASE_FILE: _l("Review the electronic case file"),
            cls.CONVERSATIONS: _l(
                "Speak with the practitioner, their Practice Manager and Head of Operations"
            ),
            cls.PROCEDURES: _l(
                "Consider relevant internal and external procedural and practice documentation"
            ),
            cls.WG_GUIDANCE: _l("Consider Welsh Government statutory guidance"),
        }


class ChronologyCategory(LabelledEnum):
    IDENTIFIED_RISK = "identified_risk"
    VULNERABILITY = "vulnerability"
    LIAISON = "liaison"
    INVOLVEMENT = "involvement"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.IDENTIFIED_RISK: _l("Identified risk"),
            cls.VULNERABILITY: _l("Family or individual vulnerability"),
            cls.LIAISON: _l("Liaison with another agency or professional"),
            cls.INVOLVEMENT: _l("Cafcass Cymru involvement"),
        }


class GatheringItem(Model):
    __tablename__ = "gathering_items"
    __table_args__ = (UniqueConstraint("review_id", "source", name="uq_gathering_items_review_id_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    source: Mapped[GatheringSource] = mapped_column(enum_column(GatheringSource, "gathering_source"))
    notes: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    # Why a source will not be done; the report can be shared with it open only when this says why.
    open_reason: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ChronologyEntry(Model):
    __tablename__ = "chronology_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    what_happened: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChronologyEntryChange(Model):
    """A chronology (or rapid review timeline) entry as it was before an edit or its removal, with
    what it became: the record keeps every wording it had."""

    __tablename__ = "chronology_entry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    entry_id: Mapped[int] = mapped_column(Integer)  # no foreign key: it outlives a removed entry
    change: Mapped[str] = mapped_column(String(20))  # edited | removed
    old: Mapped[dict] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User] = relationship()


class ReportDraft(Model):
    """One version of the review report. Versions are never changed once a later one exists;
    the version shared for accuracy is frozen, with the chronology and background it showed."""

    __tablename__ = "report_drafts"
    __table_args__ = (UniqueConstraint("review_id", "version", name="uq_report_drafts_review_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The fields of webapp.conduct.report.FIELDS (text, lists, and ticked "none identified" choices);
    # versions saved before 0009 may hold "conclusions" (one list, not yet split into procedural and
    # practice issues). Chronology, case background and gathering are drawn from their sources,
    # and copied in as "snapshot" when the draft is shared.
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When every party's answer on this shared version was settled (agreed, resolved, or decided by
    # the Deputy Chief Executive): the agreed report is the latest version with this date.
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A revision shared in answer to a concern: what the author changed, and why.
    revision_note: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User] = relationship()


class AccuracyResponse(Model):
    """The practitioner's, the PM's or the HoO's answer on a shared report: agree, or a concern."""

    __tablename__ = "accuracy_responses"
    __table_args__ = (UniqueConstraint("draft_id", "party", name="uq_accuracy_responses_draft_id_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("report_drafts.id"))
    party: Mapped[str] = mapped_column(String(40))  # practitioner | practice_manager | head_of_operations
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agrees: Mapped[bool] = mapped_column(Boolean)
    concern: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    draft: Mapped[ReportDraft] = relationship()


class DisputeStage(LabelledEnum):
    """Where a dispute is; the moves between stages are lifecycle.DISPUTE_MOVES."""

    AUTHOR = "author"
    RAISER = "raiser"
    DEPUTY_CHIEF_EXECUTIVE = "deputy_chief_executive"
    REVISION = "revision"
    RESOLVED = "resolved"
    DECIDED = "decided"
    GRIEVANCE = "grievance"
    GRIEVANCE_CLOSED = "grievance_closed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.AUTHOR: _l("Stage 1: with the report author"),
            cls.RAISER: _l("Stage 1: the report author has answered; waiting for the person who raised it"),
            cls.DEPUTY_CHIEF_EXECUTIVE: _l("Stage 2: with the Deputy Chief Executive"),
            cls.REVISION: _l("Stage 2: upheld, the report author is revising the report"),
            cls.RESOLVED: _l("Resolved at stage 1"),
            cls.DECIDED: _l("Decided by the Deputy Chief Executive"),
            cls.GRIEVANCE: _l("Stage 3: Welsh Government grievance open"),
            cls.GRIEVANCE_CLOSED: _l("Stage 3: Welsh Government grievance closed"),
        }


class DisputeOutcome(LabelledEnum):
    """The Deputy Chief Executive's decision on a dispute (Transparency and Disputes, 2)."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.UPHELD: _l("Upheld: the report must be revised"),
            cls.PARTLY_UPHELD: _l("Partly upheld: the report must be revised in part"),
            cls.NOT_UPHELD: _l("Not upheld: the report stands as shared"),
        }


class Dispute(Model):
    """A concern about the report, through the procedure's three stages."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("accuracy_responses.id"), unique=True)
    stage: Mapped[DisputeStage] = mapped_column(enum_column(DisputeStage, "dispute_stage"))
    # The version the concern is now about: the one it was raised on, then the author's revision
    # (the raiser answers on it). A revision the DCE directed does not move it (see revision_id).
    draft_id: Mapped[int] = mapped_column(ForeignKey("report_drafts.id"), index=True)
    # The latest version shared in answer to this concern, by the author or as the DCE decided.
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("report_drafts.id"))
    author_response: Mapped[str | None] = mapped_column(Text)
    author_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dce_outcome: Mapped[DisputeOutcome | None] = mapped_column(enum_column(DisputeOutcome, "dispute_outcome"))
    dce_decision: Mapped[str | None] = mapped_column(Text)  # the DCE's reasons
    dce_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dce_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stage 3: "the Welsh Government grievance procedures may be followed": run outside this service,
    # tracked here from opening (with its reasons) to closing (with its outcome).
    grievance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grievance_note: Mapped[str | None] = mapped_column(Text)
    grievance_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grievance_outcome: Mapped[str | None] = mapped_column(Text)
    # The review may close while the grievance is open only once the CE or DCE confirms it, saying why.
    closure_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closure_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[AccuracyResponse] = relationship()
    draft: Mapped[ReportDraft] = relationship(foreign_keys=[draft_id])
    revision: Mapped[ReportDraft | None] = relationship(foreign_keys=[revision_id])


class Disclosure(Model):
    """The final report shared with an external review (procedure: SUSR in Wales, SCR in England)."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("report_drafts.id"))
    external_review: Mapped[str] = mapped_column(String(40))  # susr | scr_cspr
    # Our participation record in that external review, when the review has one.
    external_review_id: Mapped[int | None] = mapped_column(ForeignKey("external_reviews.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    shared_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[ReportDraft] = relationship()
    recorded_by: Mapped[User] = relationship()
