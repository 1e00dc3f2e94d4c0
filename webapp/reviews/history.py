"""A review's History: every step, every task done or cancelled with what was entered, and every
change to the incident's facts, in order, with who and when. The page shows it; nothing is queried
by the template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from webapp.models import Review, TaskStatus
from webapp.reviews.lifecycle import ACTION_LABELS

# What each answer stored in a task's outcome is called on the page.
OUTCOME_LABELS = {
    "note": "Note",
    "view": "View given",
    "findings": "Findings",
    "full_review_recommended": "Full review recommended",
    "informed_on": "Informed on",
    "eap": "Employee Assistance Programme",
    "follow_up_on": "Follow up by",
    "needs": "Support needs agreed",
    "confirmed": "Practitioner's answer",
    "comment": "Practitioner's comment",
    "first_meeting_at": "First meeting",
    "cadence_working_days": "Working days between meetings",
    "initiate": "Initiate a review",
    "rationale": "Rationale",
    "reviewer_id": None,  # shown as the reviewer on the review page
    "party": None,
    "draft_id": None,
}


@dataclass(frozen=True)
class Step:
    at: datetime
    what: str
    who: str | None
    details: list[tuple[str, str]] = field(default_factory=list)


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def outcome_details(outcome: dict) -> list[tuple[str, str]]:
    """A task's entered answers as (label, value) pairs, in the order entered; empty answers left out."""
    details = []
    for key, value in (outcome or {}).items():
        label = OUTCOME_LABELS.get(key, key.replace("_", " ").capitalize())
        if label is None or value in (None, ""):
            continue
        details.append((label, shown(value)))
    return details


def steps(review: Review, *, hidden: frozenset = frozenset()) -> list[Step]:
    """Every step in order; the answers of tasks whose kind is in ``hidden`` are left out (the
    support answers, for people who may not see the support page)."""
    found = [
        Step(
            t.occurred_at,
            ACTION_LABELS.get(t.action, t.action),
            t.actor.name if t.actor else None,
            [("Note", t.note)] if t.note else [],
        )
        for t in review.transitions
    ]
    for task in review.tasks:
        if task.status == TaskStatus.DONE and task.completed_at is not None:
            who = task.completed_by.name if task.completed_by else None
            details = [] if task.kind in hidden else outcome_details(task.outcome)
            found.append(Step(task.completed_at, f"Done: {task.kind.label}", who, details))
        elif task.status == TaskStatus.CANCELLED and task.completed_at is not None:
            found.append(
                Step(
                    task.completed_at,
                    f"No longer needed: {task.kind.label}",
                    None,
                    [("Why", task.cancel_reason or "")],
                )
            )
    for version in review.incident.versions:
        details = [
            (change["field"].replace("_", " ").capitalize(), f"{change['old']} → {change['new']}")
            for change in version.changes
        ]
        if version.correction_reason:
            details.append(("Reason for the correction", version.correction_reason))
        found.append(Step(version.changed_at, "Incident facts changed", version.changed_by.name, details))
    return sorted(found, key=lambda step: step.at)
