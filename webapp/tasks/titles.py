"""Task titles that say what to do and to what: "Check the review report (version 3) for accuracy",
"Complete action 2: refresh the neglect training for PMs". One function names a task everywhere it
is shown: task lists, the task page, and the in-app text of notifications (emails stay generic).

Subjects are loaded for a whole list at once (a few statements, whatever its length): ``titles(tasks)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from webapp.extensions import db
from webapp.formatting import format_date
from webapp.models import (
    AccuracyResponse,
    ActionPlanItem,
    Case,
    Dispute,
    Incident,
    IncidentKind,
    ReportDraft,
    Review,
    Task,
    TaskKind,
    User,
)

ACTION_WORDS = 80  # an action's text is cut, on a word, to about this many characters


# The links from a task to its subject: the columns tasks.draft_id, tasks.dispute_id, tasks.party.
def draft_id_of(task: Task) -> int | None:
    return task.draft_id


def dispute_id_of(task: Task) -> int | None:
    return task.dispute_id


def party_of(task: Task) -> str | None:
    return task.party


PARTY_NAMES = {
    "practitioner": "the practitioner",
    "practice_manager": "the Practice Manager",
    "head_of_operations": "the Head of Operations of the case's area",
}


@dataclass(frozen=True)
class CaseFacts:
    """What a title names about a task's case and incident: plain values, not loaded rows, so that
    building titles never changes what a page's rows have loaded."""

    case_number: str
    practitioner_id: int
    practice_manager_id: int
    incident_kind: IncidentKind
    occurred_on: date


@dataclass
class Subjects:
    """What the titles of a list of tasks name, loaded together."""

    cases: dict[int, CaseFacts] = field(default_factory=dict)  # by review id
    people: dict[int, str] = field(default_factory=dict)  # user id -> name
    versions: dict[int, int] = field(default_factory=dict)  # draft id -> version
    disputes: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (party, version)
    actions: dict[int, tuple[int, str]] = field(default_factory=dict)  # task id -> (number, action)


def load_subjects(tasks: Iterable[Task]) -> Subjects:
    tasks = list(tasks)
    subjects = Subjects()
    review_ids = {task.review_id for task in tasks}
    if not review_ids:
        return subjects
    for review_id, *facts in db.session.execute(
        select(
            Review.id,
            Case.case_number,
            Case.practitioner_id,
            Case.practice_manager_id,
            Incident.kind,
            Incident.occurred_on,
        )
        .join(Case, Review.case_id == Case.id)
        .join(Incident, Review.incident_id == Incident.id)
        .where(Review.id.in_(review_ids))
    ):
        subjects.cases[review_id] = CaseFacts(*facts)
    person_ids = {case.practitioner_id for case in subjects.cases.values()}
    person_ids |= {case.practice_manager_id for case in subjects.cases.values()}
    people = db.session.execute(select(User.id, User.name).where(User.id.in_(person_ids)))
    subjects.people = {user_id: name for user_id, name in people}
    # Every query runs whatever the list holds, so a page costs the same statements at any size.
    draft_ids = {d for d in map(draft_id_of, tasks) if d is not None}
    drafts = db.session.execute(
        select(ReportDraft.id, ReportDraft.version).where(ReportDraft.id.in_(draft_ids))
    )
    subjects.versions = {draft_id: version for draft_id, version in drafts}
    dispute_ids = {d for d in map(dispute_id_of, tasks) if d is not None}
    for dispute_id, party, version in db.session.execute(
        select(Dispute.id, AccuracyResponse.party, ReportDraft.version)
        .join(AccuracyResponse, Dispute.response_id == AccuracyResponse.id)
        .join(ReportDraft, AccuracyResponse.draft_id == ReportDraft.id)
        .where(Dispute.id.in_(dispute_ids))
    ):
        subjects.disputes[dispute_id] = (party, version)
    # Actions are numbered in the order they were added to their review's plan (withdrawn ones keep
    # their number, so the others' numbers never change).
    numbers: dict[int, int] = {}
    for review_id, task_id, action in db.session.execute(
        select(ActionPlanItem.review_id, ActionPlanItem.task_id, ActionPlanItem.action)
        .where(ActionPlanItem.review_id.in_(review_ids))
        .order_by(ActionPlanItem.review_id, ActionPlanItem.id)
    ):
        numbers[review_id] = numbers.get(review_id, 0) + 1
        if task_id is not None:
            subjects.actions[task_id] = (numbers[review_id], action)
    return subjects


def shortened(text: str, limit: int = ACTION_WORDS) -> str:
    """The start of ``text`` on one line, cut at a word with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".")
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def task_title(task: Task, subjects: Subjects | None = None) -> str:
    """The task's title, naming its subject; the kind's label when the subject cannot be found."""
    subjects = subjects if subjects is not None else load_subjects([task])
    case = subjects.cases.get(task.review_id)
    if case is None:
        return task.kind.label
    number = case.case_number
    practitioner = subjects.people.get(case.practitioner_id, "the practitioner")
    manager = subjects.people.get(case.practice_manager_id, "the Practice Manager")
    version = subjects.versions.get(draft_id_of(task) or 0)
    of_version = f" (version {version})" if version else ""
    dispute = subjects.disputes.get(dispute_id_of(task) or 0)
    kind = TaskKind
    of = f"case {number}"
    if task.kind == kind.ACKNOWLEDGE_INCIDENT:
        what = f"{case.incident_kind.label.lower()} on {format_date(case.occurred_on)}"
        return f"Acknowledge the incident notification: {what} ({of})"
    if task.kind == kind.CONFIRM_CONCERN_RESOLVED and dispute:
        return f"Say whether the report author's answer resolves your concern (version {dispute[1]}, {of})"
    if (
        task.kind in (kind.RESOLVE_CONCERN, kind.DECIDE_DISPUTE, kind.REVISE_REPORT, kind.FOLLOW_GRIEVANCE)
        and dispute
    ):
        party, disputed = dispute
        whose = PARTY_NAMES.get(party, "a person")
        return f"{task.kind.label} (version {disputed}, {of}), raised by {whose}"
    if task.kind == kind.COMPLETE_ACTION and task.id in subjects.actions:
        position, action = subjects.actions[task.id]
        return f"Complete action {position}: {_first_lower(shortened(action))}"
    titles = {
        kind.CONSULT_AREA_HEAD: f"Give your view on whether to initiate a review of {of}",
        kind.RAPID_REVIEW: f"Complete the rapid review and timeline for {of}",
        kind.DECIDE: f"Decide whether to initiate an internal case review of {of}",
        kind.INFORM_PRACTITIONER_AND_PM: f"Inform {practitioner} and {manager} of the review of {of}",
        kind.OFFER_EAP_REFERRAL: f"Offer {practitioner} an Employee Assistance Programme referral",
        kind.ARRANGE_SUPPORT_MEETINGS: f"Arrange regular support meetings with {practitioner}",
        kind.AGREE_SUPPORT_NEEDS: f"Agree support needs with {practitioner}",
        kind.ALLOCATE_REVIEWER: f"Allocate an independent Head of Operations to lead the review of {of}",
        kind.GATHER_INFORMATION: f"Gather the information for the review of {of}",
        kind.DRAFT_REPORT: f"Draft the review report for {of}",
        kind.CHECK_REPORT_ACCURACY: f"Check the review report{of_version} for accuracy",
        kind.SHARE_WITH_EXTERNAL_REVIEW: f"Record sharing the report of {of} with the external review",
        kind.DISCUSS_AT_SLT: f"Discuss the review themes at a Senior Leadership Team meeting ({of})",
        kind.AGREE_ACTION_PLAN: f"Agree the improvement action plan for {of}",
        kind.REVIEW_ACTION_PLAN_PROGRESS: f"Review the action plan's progress for {of}",
        kind.CONFIRM_OUTSIDE_PROCEDURE: f"{kind.CONFIRM_OUTSIDE_PROCEDURE.label} ({of})",
        kind.FOLLOW_UP_EAP_REFERRAL: f"Follow up the Employee Assistance Programme offer to {practitioner}",
        kind.CONFIRM_SUPPORT_NEEDS: f"Confirm the support needs your Practice Manager recorded ({of})",
    }
    return titles.get(task.kind, task.kind.label)


def titles(tasks: Iterable[Task]) -> dict[int, str]:
    """Each task's title by id, for a list of tasks."""
    tasks = list(tasks)
    subjects = load_subjects(tasks)
    return {task.id: task_title(task, subjects) for task in tasks}


def support_meeting_title(with_person: str, starts_on: date) -> str:
    """A support meeting named by who it is with and its day: "Support meeting with Sam Example on
    12 December 2026"."""
    return f"Support meeting with {with_person} on {format_date(starts_on)}"


def titles_of_ids(task_ids: Iterable[int]) -> dict[int, str]:
    """Titles for tasks known by id only (the deadline sweep reads rows, not tasks)."""
    ids = list(task_ids)
    if not ids:
        return {}
    return titles(db.session.execute(select(Task).where(Task.id.in_(ids))).scalars())
