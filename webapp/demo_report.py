"""A demonstration review with its report written and ready to share: every gathering source done,
a chronology covering the procedure's themes, and a draft that passes the report gate. Fictional."""

from __future__ import annotations

from datetime import date, timedelta

from webapp import audit
from webapp.extensions import db
from webapp.models import (
    Case,
    ChronologyCategory,
    ChronologyEntry,
    GatheringItem,
    GatheringSource,
    Incident,
    IncidentCause,
    IncidentKind,
    PersonAffected,
    ReportDraft,
    Review,
    TaskKind,
    User,
)
from webapp.reviews.services import allocate_reviewer, decide, open_review

SECTIONS = {
    "background": "Fictional demonstration background. The family has been known to the service since "
    "the first application; no real person is described.",
    "no_children_reason": "",
    "no_applications_reason": "",
    "incident_summary": "Fictional demonstration incident. No real person is described.",
    "inquiries": "The electronic case file was read; the practitioner, their Practice Manager and the "
    "Head of Operations were spoken to.",
    "chronology_none": [],
    "decision_making": "Decisions were recorded on the file and discussed in monthly supervision.",
    "procedural_issues": ["The risk assessment was not updated after the police report."],
    "practice_issues": ["The child was not seen alone at the last two visits."],
    "conclusions_none": [],
    "impact": "The children's wishes and feelings were before the court at each hearing.",
    "learning_points": ["Update the risk assessment when new information arrives."],
}
CHRONOLOGY = [
    (
        40,
        "School raised concerns about bruising (fictional).",
        "School referral",
        [ChronologyCategory.VULNERABILITY],
    ),
    (
        30,
        "Police attended a domestic incident at the home (fictional).",
        "Police report",
        [ChronologyCategory.IDENTIFIED_RISK, ChronologyCategory.LIAISON],
    ),
    (
        20,
        "The practitioner visited and wrote the report to the court.",
        "Case file",
        [ChronologyCategory.INVOLVEMENT],
    ),
]


def seed_report_ready_to_share(case: Case, *, ce: User, reviewer: User, today: date) -> Review:
    """Open, initiate and allocate a review on ``case`` (proceedings closed, so no consultation is
    needed first), then record the reviewer's work up to a report that can be shared."""
    incident = Incident(
        case=case,
        kind=IncidentKind.SIGNIFICANT_INCIDENT,
        occurred_on=today - timedelta(days=60),
        cause=IncidentCause.VIOLENCE,
        person_affected=PersonAffected.CHILD_SUBJECT,
        linked_to_court_involvement=True,
        susr_known=False,
        scr_known=False,
        summary="Fictional demonstration incident. No real person is described.",
        notified_by="Local authority social worker (demo)",
        notified_on=today - timedelta(days=58),
        recorded_by=case.practice_manager,
    )
    db.session.add(incident)
    db.session.flush()
    review = open_review(incident, actor=case.practice_manager)
    db.session.flush()
    decide(review, initiate=True, rationale="Fictional: learning is likely.", actor=ce)
    allocation = review.task(TaskKind.ALLOCATE_REVIEWER)
    if allocation is None:
        raise RuntimeError("Initiating the demo review created no allocation task")
    allocate_reviewer(allocation, reviewer, actor=ce)
    for offset, source in enumerate(GatheringSource):
        db.session.add(
            GatheringItem(
                review_id=review.id,
                source=source,
                notes=f"Fictional notes: {source.label.lower()}.",
                done_on=today - timedelta(days=10 - offset),
                updated_by_id=reviewer.id,
            )
        )
    for days_ago, what, told_by, categories in CHRONOLOGY:
        db.session.add(
            ChronologyEntry(
                review_id=review.id,
                occurred_on=today - timedelta(days=days_ago),
                what_happened=what,
                source=told_by,
                categories=[category.value for category in categories],
                created_by_id=reviewer.id,
            )
        )
    draft = ReportDraft(review_id=review.id, version=1, sections=dict(SECTIONS), created_by_id=reviewer.id)
    db.session.add(draft)
    db.session.flush()
    audit.record(
        "report.drafted", record_id=draft.id, case_id=case.id, changed_fields=list(SECTIONS), actor=reviewer
    )
    return review
