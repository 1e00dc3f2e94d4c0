"""Cases, the children and court applications in them, and incident notifications."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.i18n import LazyString
from webapp.i18n import lazy_gettext as _l
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import OperationalArea, User

if TYPE_CHECKING:
    from webapp.models.reviews import Review


_LABELS: dict[type, dict] = {}  # each LabelledEnum's _labels(), made on first use


class LabelledEnum(enum.StrEnum):
    """A stored value with the words a person reads; labels live beside the values.

    ``_labels`` gives each value its words as a lazy string (``lazy_gettext``), so the same enum reads
    in Welsh on a Welsh page and in English on an English one: ``label`` is the words in the language of
    the moment (a page, or a message put in its recipient's language with ``in_language_of``);
    ``lazy_label`` keeps the choice of language for later (form choices made when a class is defined,
    a notification's detail rendered for each recipient).
    """

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self) -> LazyString:
        # Made once per enum: the lazy strings choose their language each time they are read.
        labels = _LABELS.get(type(self))
        if labels is None:
            labels = _LABELS[type(self)] = self._labels()
        return labels[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, LazyString]]:
        return [(m.value, m.lazy_label) for m in cls]


class ProceedingsStatus(LabelledEnum):
    ONGOING = "ongoing"
    CLOSED = "closed"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.ONGOING: _l("Ongoing"), cls.CLOSED: _l("Closed")}


class LawType(LabelledEnum):
    PUBLIC = "public"
    PRIVATE = "private"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PUBLIC: _l("Public law"), cls.PRIVATE: _l("Private law")}


class ApplicationType(LabelledEnum):
    CHILD_ARRANGEMENTS = "child_arrangements"
    PROHIBITED_STEPS = "prohibited_steps"
    SPECIFIC_ISSUE = "specific_issue"
    CARE_ORDER = "care_order"
    SUPERVISION_ORDER = "supervision_order"
    EMERGENCY_PROTECTION_ORDER = "emergency_protection_order"
    PLACEMENT_ORDER = "placement_order"
    ADOPTION = "adoption"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.CHILD_ARRANGEMENTS: _l("Child arrangements order"),
            cls.PROHIBITED_STEPS: _l("Prohibited steps order"),
            cls.SPECIFIC_ISSUE: _l("Specific issue order"),
            cls.CARE_ORDER: _l("Care order"),
            cls.SUPERVISION_ORDER: _l("Supervision order"),
            cls.EMERGENCY_PROTECTION_ORDER: _l("Emergency protection order"),
            cls.PLACEMENT_ORDER: _l("Placement order"),
            cls.ADOPTION: _l("Adoption"),
            cls.OTHER: _l("Other application"),
        }


class IncidentKind(LabelledEnum):
    DEATH = "death"
    SIGNIFICANT_INCIDENT = "significant_incident"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.DEATH: _l("Death"), cls.SIGNIFICANT_INCIDENT: _l("Significant incident")}


class IncidentCause(LabelledEnum):
    VIOLENCE = "violence"
    ABUSE = "abuse"
    NEGLECT = "neglect"
    SUICIDE = "suicide"
    OTHER = "other"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.VIOLENCE: _l("Violence"),
            cls.ABUSE: _l("Abuse"),
            cls.NEGLECT: _l("Neglect"),
            cls.SUICIDE: _l("Suicide"),
            cls.OTHER: _l("Other cause"),
            cls.UNKNOWN: _l("Not yet known"),
        }


class PersonAffected(LabelledEnum):
    CHILD_SUBJECT = "child_subject"
    ADULT_PARTY = "adult_party"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.CHILD_SUBJECT: _l("A child who is the subject of an application"),
            cls.ADULT_PARTY: _l("An adult who is a party to the proceedings"),
            cls.OTHER: _l("Someone else"),
        }


class Case(Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(
            "(proceedings_status = 'closed') = (proceedings_closed_on IS NOT NULL)",
            name="closed_date_iff_closed",
        ),
        Index("ix_cases_created_at_id", "created_at", "id"),  # the case list's order
        # An area's cases in id order: a Head of Operations' scope, joined by merge to what hangs
        # off cases (incidents by case) without reading the cases themselves.
        Index("ix_cases_area_id_id", "area_id", "id"),
        # Search by a fragment of the case number: trigrams on PostgreSQL; a plain index on SQLite,
        # where LIKE scans anyway (declared for both, so the models and the migrations agree).
        Index(
            "ix_cases_case_number_trgm",
            "case_number",
            postgresql_using="gin",
            postgresql_ops={"case_number": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("operational_areas.id"))
    proceedings_status: Mapped[ProceedingsStatus] = mapped_column(
        enum_column(ProceedingsStatus, "proceedings_status"), index=True
    )
    proceedings_closed_on: Mapped[date | None] = mapped_column(Date)
    law_type: Mapped[LawType] = mapped_column(enum_column(LawType, "law_type"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    practice_manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: an edit based on a stale copy is refused rather than silently lost.
    version: Mapped[int] = mapped_column(Integer, default=1)

    area: Mapped[OperationalArea] = relationship()
    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    practice_manager: Mapped[User] = relationship(foreign_keys=[practice_manager_id])
    children: Mapped[list[Child]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Child.id"
    )
    applications: Mapped[list[CourtApplication]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CourtApplication.made_on"
    )
    incidents: Mapped[list[Incident]] = relationship(
        back_populates="case", order_by="Incident.occurred_on.desc()"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Case {self.id}>"


class Child(Model):
    __tablename__ = "children"
    __table_args__ = (
        Index(
            "ix_children_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="children")


class CourtApplication(Model):
    __tablename__ = "court_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    application_type: Mapped[ApplicationType] = mapped_column(
        enum_column(ApplicationType, "application_type")
    )
    made_on: Mapped[date] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="applications")


class Incident(Model):
    """An incident notification recorded against a case (procedure step 1)."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[IncidentKind] = mapped_column(enum_column(IncidentKind, "incident_kind"))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    cause: Mapped[IncidentCause] = mapped_column(enum_column(IncidentCause, "incident_cause"))
    person_affected: Mapped[PersonAffected] = mapped_column(enum_column(PersonAffected, "person_affected"))
    linked_to_court_involvement: Mapped[bool] = mapped_column(Boolean)
    susr_known: Mapped[bool] = mapped_column(Boolean)
    scr_known: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    notified_by: Mapped[str] = mapped_column(String(200))
    notified_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(back_populates="incidents")
    recorded_by: Mapped[User] = relationship()
    review: Mapped[Review | None] = relationship("Review", back_populates="incident", uselist=False)
    versions: Mapped[list[IncidentVersion]] = relationship(
        back_populates="incident", order_by="IncidentVersion.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Incident {self.id}>"


class IncidentVersion(Model):
    """One change to an incident's facts after its review opened: who, when, each field's old and
    new value, and what the rules concluded before and after. Kept for ever; never in logs or emails."""

    __tablename__ = "incident_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [{"field": name, "old": shown value, "new": shown value}], in the form's order.
    changes: Mapped[list[dict]] = mapped_column(JSON)
    # A correction after the review closed: only the CE or DCE, with this reason.
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # The rules' decision (with reasons) before and after, when the change touched a fact they read.
    decision_before: Mapped[dict | None] = mapped_column(JSON)
    decision_after: Mapped[dict | None] = mapped_column(JSON)
    outcome_changed: Mapped[bool] = mapped_column(Boolean, default=False)

    incident: Mapped[Incident] = relationship(back_populates="versions")
    changed_by: Mapped[User] = relationship()
