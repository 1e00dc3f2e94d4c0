"""Reviews opened on incidents, their tasks, and the history of their states."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.i18n import lazy_gettext as _l
from webapp.models.cases import Case, Incident, LabelledEnum
from webapp.models.notifications import TaskEscalation
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import OperationalArea, User

if TYPE_CHECKING:
    from webapp.models.conduct import Dispute, ReportDraft
    from webapp.models.learning import ActionPlanItem

OPEN = text("status = 'open'")


class ReviewState(LabelledEnum):
    AWAITING_DECISION = "awaiting_decision"
    OUTSIDE_PROCEDURE = "outside_procedure"
    NOT_INITIATED = "not_initiated"
    INITIATED = "initiated"
    IN_REVIEW = "in_review"
    ACCURACY_CHECK = "accuracy_check"
    DISPUTE_AUTHOR = "dispute_author"
    DISPUTE_DCE = "dispute_dce"
    AGREED = "agreed"
    ACTION_PLANNING = "action_planning"
    MONITORING = "monitoring"
    CLOSED = "closed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.AWAITING_DECISION: _l("Awaiting decision"),
            cls.OUTSIDE_PROCEDURE: _l("Outside the procedure"),
            cls.NOT_INITIATED: _l("Review not initiated"),
            cls.INITIATED: _l("Review initiated"),
            cls.IN_REVIEW: _l("Review in progress"),
            cls.ACCURACY_CHECK: _l("Report shared for accuracy"),
            cls.DISPUTE_AUTHOR: _l("Concern with the report author"),
            cls.DISPUTE_DCE: _l("Dispute with the Deputy Chief Executive"),
            cls.AGREED: _l("Report agreed"),
            cls.ACTION_PLANNING: _l("Action plan being agreed"),
            cls.MONITORING: _l("Action plan being monitored"),
            cls.CLOSED: _l("Closed"),
        }


class TaskKind(LabelledEnum):
    ACKNOWLEDGE_INCIDENT = "acknowledge_incident"
    CONSULT_AREA_HEAD = "consult_area_head"
    RAPID_REVIEW = "rapid_review"
    DECIDE = "decide"
    INFORM_PRACTITIONER_AND_PM = "inform_practitioner_and_pm"
    OFFER_EAP_REFERRAL = "offer_eap_referral"
    ARRANGE_SUPPORT_MEETINGS = "arrange_support_meetings"
    AGREE_SUPPORT_NEEDS = "agree_support_needs"
    ALLOCATE_REVIEWER = "allocate_reviewer"
    GATHER_INFORMATION = "gather_information"
    DRAFT_REPORT = "draft_report"
    CHECK_REPORT_ACCURACY = "check_report_accuracy"
    RESOLVE_CONCERN = "resolve_concern"
    DECIDE_DISPUTE = "decide_dispute"
    SHARE_WITH_EXTERNAL_REVIEW = "share_with_external_review"
    DISCUSS_AT_SLT = "discuss_at_slt"
    AGREE_ACTION_PLAN = "agree_action_plan"
    COMPLETE_ACTION = "complete_action"
    REVIEW_ACTION_PLAN_PROGRESS = "review_action_plan_progress"
    CONFIRM_OUTSIDE_PROCEDURE = "confirm_outside_procedure"
    FOLLOW_UP_EAP_REFERRAL = "follow_up_eap_referral"
    CONFIRM_SUPPORT_NEEDS = "confirm_support_needs"
    CONFIRM_CONCERN_RESOLVED = "confirm_concern_resolved"
    REVISE_REPORT = "revise_report"
    FOLLOW_GRIEVANCE = "follow_grievance"
    ANSWER_INFORMATION_REQUEST = "answer_information_request"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ACKNOWLEDGE_INCIDENT: _l("Acknowledge the incident notification"),
            cls.CONSULT_AREA_HEAD: _l("Give your view on whether to initiate a review"),
            cls.RAPID_REVIEW: _l("Complete the rapid review and timeline"),
            cls.DECIDE: _l("Decide whether to initiate an internal case review"),
            cls.INFORM_PRACTITIONER_AND_PM: _l("Inform the practitioner and Practice Manager"),
            cls.OFFER_EAP_REFERRAL: _l("Offer the practitioner an Employee Assistance Programme referral"),
            cls.ARRANGE_SUPPORT_MEETINGS: _l("Arrange regular support meetings"),
            cls.AGREE_SUPPORT_NEEDS: _l("Agree support needs with the practitioner"),
            cls.ALLOCATE_REVIEWER: _l("Allocate an independent Head of Operations to lead the review"),
            cls.GATHER_INFORMATION: _l("Gather the information for the review"),
            cls.DRAFT_REPORT: _l("Draft the review report"),
            cls.CHECK_REPORT_ACCURACY: _l("Check the review report for accuracy"),
            cls.RESOLVE_CONCERN: _l("Respond to a concern about the report"),
            cls.DECIDE_DISPUTE: _l("Review and decide a dispute about the report"),
            cls.SHARE_WITH_EXTERNAL_REVIEW: _l("Record sharing the report with the external review"),
            cls.DISCUSS_AT_SLT: _l("Discuss the review themes at a Senior Leadership Team meeting"),
            cls.AGREE_ACTION_PLAN: _l("Agree the improvement action plan"),
            cls.COMPLETE_ACTION: _l("Complete an improvement action"),
            cls.REVIEW_ACTION_PLAN_PROGRESS: _l("Review the action plan's progress"),
            cls.CONFIRM_OUTSIDE_PROCEDURE: _l(
                "Confirm no review, or initiate one, for an incident outside the procedure"
            ),
            cls.FOLLOW_UP_EAP_REFERRAL: _l("Follow up the Employee Assistance Programme offer"),
            cls.CONFIRM_SUPPORT_NEEDS: _l("Confirm the support needs your Practice Manager recorded"),
            cls.CONFIRM_CONCERN_RESOLVED: _l("Say whether the report author's answer resolves your concern"),
            cls.REVISE_REPORT: _l("Revise the report as the Deputy Chief Executive decided"),
            cls.FOLLOW_GRIEVANCE: _l("Record the outcome of the Welsh Government grievance"),
            cls.ANSWER_INFORMATION_REQUEST: _l("Answer an information request from the safeguarding review"),
        }


# Kinds a review holds many of: one per party and version, per dispute, per action, per grievance,
# per information request from a SUSR.
REPEATED_KINDS = frozenset(
    {
        TaskKind.CHECK_REPORT_ACCURACY,
        TaskKind.RESOLVE_CONCERN,
        TaskKind.DECIDE_DISPUTE,
        TaskKind.CONFIRM_CONCERN_RESOLVED,
        TaskKind.REVISE_REPORT,
        TaskKind.FOLLOW_GRIEVANCE,
        TaskKind.COMPLETE_ACTION,
        TaskKind.REVIEW_ACTION_PLAN_PROGRESS,
        TaskKind.ANSWER_INFORMATION_REQUEST,
    }
)


class TaskStatus(LabelledEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OPEN: _l("Open"), cls.DONE: _l("Done"), cls.CANCELLED: _l("No longer needed")}


class Review(Model):
    """The procedure's handling of one incident: one review per incident, enforced here."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[ReviewState] = mapped_column(enum_column(ReviewState, "review_state"), index=True)
    # What the rules engine decided when the incident was recorded, with its reasons.
    within_procedure: Mapped[bool] = mapped_column(Boolean)
    circumstance: Mapped[str | None] = mapped_column(String(40))
    rapid_review: Mapped[bool] = mapped_column(Boolean)
    follow_susr_process: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[dict]] = mapped_column(JSON)
    # The CE's or DCE's decision.
    decision_initiate: Mapped[bool | None] = mapped_column(Boolean)
    decision_rationale: Mapped[str | None] = mapped_column(Text)
    decision_override: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: the case scope of a Head of Operations looks up the reviews they lead (case_scope).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship(back_populates="review")
    case: Mapped[Case] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    tasks: Mapped[list[Task]] = relationship(back_populates="review", order_by="Task.id")
    transitions: Mapped[list[ReviewTransition]] = relationship(order_by="ReviewTransition.id")

    __mapper_args__ = {"version_id_col": version}

    def task(self, kind: TaskKind) -> Task | None:
        """The review's task of ``kind``: the latest still in play (open or done), else the first of
        any status (a re-evaluation may have cancelled one and made another). Kinds a review holds
        many of (one per party, draft, dispute or action) have no "the task": ask webapp.tasks.links
        for the one you mean."""
        return self.task_of(kind) or next((t for t in self.tasks if t.kind == kind), None)

    def task_of(self, kind: TaskKind) -> Task | None:
        """The latest task of ``kind`` that is open or done (a cancelled one no longer applies)."""
        if kind in REPEATED_KINDS:
            raise ValueError(f"A review can hold many '{kind.value}' tasks: say which (tasks.links).")
        live = [t for t in self.tasks if t.kind == kind and t.status != TaskStatus.CANCELLED]
        return live[-1] if live else None


class Task(Model):
    """Something a person (or anyone holding a role, in an area) must do by a date."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_escalation_due", "status", "next_escalation_on"),
        # Open tasks only (a small part of a table of mostly closed ones), in the lists' order:
        # a person's own, a pool's (in an area), and every open task for the team list.
        Index(
            "ix_tasks_open_assignee", "assignee_id", "due_on", "id", postgresql_where=OPEN, sqlite_where=OPEN
        ),
        Index(
            "ix_tasks_open_pool",
            "assignee_pool",
            "assignee_area_id",
            "due_on",
            "id",
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        ),
        Index("ix_tasks_open_due", "due_on", "id", postgresql_where=OPEN, sqlite_where=OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    kind: Mapped[TaskKind] = mapped_column(enum_column(TaskKind, "task_kind"))
    # Either a named person, or a pool: everyone holding the pool's roles (in the area, when given).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_pool: Mapped[str | None] = mapped_column(String(40))
    assignee_area_id: Mapped[int | None] = mapped_column(ForeignKey("operational_areas.id"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # The date the next step of the escalation ladder falls due; None once the ladder is climbed or
    # the task is closed. The sweep reads only rows with a date on or before today (see jobs/sweep.py).
    next_escalation_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus, "task_status"), index=True)
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)  # what the person recorded on completion
    # What the task is about, where a review holds many of its kind (REPEATED_KINDS).
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("report_drafts.id"), index=True)
    information_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_requests.id"), index=True
    )
    party: Mapped[str | None] = mapped_column(
        String(40)
    )  # practitioner | practice_manager | head_of_operations
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The task this one waits for (lifecycle.TaskSpec.waits_for): while it is open this one is not
    # due, reminded or escalated; its deadline runs from the day the other is done.
    waits_for_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    # The pool the task was meant for when nobody held it there (tasks/pools.py FALLBACKS).
    fallback_from: Mapped[str | None] = mapped_column(String(40))
    # Why a task stopped applying (facts changed); the task is kept, never deleted.
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="tasks")
    waits_for: Mapped[Task | None] = relationship(remote_side=[id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    assignee_area: Mapped[OperationalArea | None] = relationship()
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    escalations: Mapped[list[TaskEscalation]] = relationship(order_by="TaskEscalation.id")
    dispute: Mapped[Dispute | None] = relationship()
    draft: Mapped[ReportDraft | None] = relationship()
    # A "complete action" task's action (ActionPlanItem.task_id); None for any other task.
    action_item: Mapped[ActionPlanItem | None] = relationship(viewonly=True, uselist=False)

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def is_waiting(self) -> bool:
        return self.is_open and self.waits_for is not None and self.waits_for.is_open


class ReviewTransition(Model):
    """Each change of a review's state, who made it and why."""

    __tablename__ = "review_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()
