"""Task titles that say what to do and to what: "Check the review report (version 3) for accuracy",
"Complete action 2: refresh the neglect training for PMs". One function names a task everywhere it
is shown: task lists, the task page, and the in-app text of notifications (emails stay generic).

Subjects are loaded for a whole list at once (a few statements, whatever its length): ``titles(tasks)``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import BindParameter, Select, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.formatting import format_date
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
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


# Who raised a concern, after "raised by" (Welsh "a godwyd gan", which mutates what follows).
PARTY_NAMES = {
    # Translators: after "a godwyd gan" (raised by): mutated where needed ("Bennaeth").
    "practitioner": _l("the practitioner"),
    "practice_manager": _l("the Practice Manager"),
    "head_of_operations": _l("the Head of Operations of the case's area"),
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


@functools.cache
def _subject_statements(parts: frozenset[str]) -> tuple[Select, Select | None]:
    """The statements ``load_subjects`` sends, built once per set of ``parts`` with the ids as
    parameters (building them, with their joins, aliases and window, cost more than running them):
    the cases, then one row per subject of the ``parts`` a list needs ("draft", "dispute", "action"),
    or no second statement when it needs none."""
    review_ids: BindParameter[list[int]] = bindparam("review_ids", expanding=True)
    practitioner, manager = aliased(User), aliased(User)
    cases = (
        select(
            Review.id,
            Case.case_number,
            Case.practitioner_id,
            Case.practice_manager_id,
            Incident.kind,
            Incident.occurred_on,
            practitioner.name,
            manager.name,
        )
        .join(Case, Review.case_id == Case.id)
        .join(Incident, Review.incident_id == Incident.id)
        .outerjoin(practitioner, practitioner.id == Case.practitioner_id)
        .outerjoin(manager, manager.id == Case.practice_manager_id)
        .where(Review.id.in_(review_ids))
    )
    branches: list[Select] = []
    if "draft" in parts:
        branches.append(
            select(literal("draft"), ReportDraft.id, cast(null(), String), ReportDraft.version).where(
                ReportDraft.id.in_(bindparam("draft_ids", expanding=True))
            )
        )
    if "dispute" in parts:
        branches.append(
            select(literal("dispute"), Dispute.id, AccuracyResponse.party, ReportDraft.version)
            .join(AccuracyResponse, Dispute.response_id == AccuracyResponse.id)
            .join(ReportDraft, AccuracyResponse.draft_id == ReportDraft.id)
            .where(Dispute.id.in_(bindparam("dispute_ids", expanding=True)))
        )
    if "action" in parts:
        # Actions are numbered in the order they were added to their review's plan (withdrawn ones
        # keep their number, so the others' numbers never change).
        numbered = (
            select(
                ActionPlanItem.task_id,
                ActionPlanItem.action,
                func.row_number()
                .over(partition_by=ActionPlanItem.review_id, order_by=ActionPlanItem.id)
                .label("number"),
            )
            .where(ActionPlanItem.review_id.in_(review_ids))
            .subquery()
        )
        branches.append(
            select(literal("action"), numbered.c.task_id, numbered.c.action, numbered.c.number).where(
                numbered.c.task_id.is_not(None)
            )
        )
    if not branches:
        return cases, None
    # One row per subject: (what, its id, a text, a number).
    others = branches[0] if len(branches) == 1 else select(union_all(*branches).subquery())
    return cases, others


def _facts_of(review: Review, subjects: Subjects) -> None:
    """A review's case facts and people from the review itself, as loaded with its case, incident,
    practitioner and Practice Manager (the review page)."""
    case, incident = review.case, review.incident
    subjects.cases[review.id] = CaseFacts(
        case.case_number, case.practitioner_id, case.practice_manager_id, incident.kind, incident.occurred_on
    )
    for person in (case.practitioner, case.practice_manager):
        if person is not None:
            subjects.people[person.id] = person.name


def load_subjects(tasks: Iterable[Task], *, review: Review | None = None) -> Subjects:
    """What the tasks' titles name, in at most two statements whatever the list holds (so a page
    costs the same statements at any size): the cases with their people and incidents, then the
    drafts, disputes and actions the tasks are about (when any task is about one). ``review``: the
    one review all the tasks belong to, loaded with what its titles name, so the first is not sent."""
    tasks = list(tasks)
    subjects = Subjects()
    review_ids = sorted({task.review_id for task in tasks})
    if not review_ids:
        return subjects
    if review is not None and review_ids == [review.id]:
        _facts_of(review, subjects)
        review_ids = []
    ids = {
        "review_ids": review_ids,
        "draft_ids": sorted({d for d in map(draft_id_of, tasks) if d is not None}),
        "dispute_ids": sorted({d for d in map(dispute_id_of, tasks) if d is not None}),
    }
    parts = frozenset(
        part
        for part, needed in (
            ("draft", ids["draft_ids"]),
            ("dispute", ids["dispute_ids"]),
            ("action", any(task.kind == TaskKind.COMPLETE_ACTION for task in tasks)),
        )
        if needed
    )
    cases, others = _subject_statements(parts)
    for review_id, *facts, practitioner_name, manager_name in (
        db.session.execute(cases, {"review_ids": review_ids}) if review_ids else ()
    ):
        case = subjects.cases[review_id] = CaseFacts(*facts)
        named = ((case.practitioner_id, practitioner_name), (case.practice_manager_id, manager_name))
        subjects.people.update((person_id, name) for person_id, name in named if name is not None)
    if others is None:
        return subjects
    for what, key, text, number in db.session.execute(others, ids):
        if what == "draft":
            subjects.versions[key] = number
        elif what == "dispute":
            subjects.disputes[key] = (text, number)
        else:
            subjects.actions[key] = (number, text)
    return subjects


def shortened(text: str, limit: int = ACTION_WORDS) -> str:
    """The start of ``text`` on one line, cut at a word with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".")
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# The titles that name only the case and its people (the others are built in task_title).
TITLES = {
    TaskKind.CONSULT_AREA_HEAD: _l("Give your view on whether to initiate a review of case %(number)s"),
    TaskKind.RAPID_REVIEW: _l("Complete the rapid review and timeline for case %(number)s"),
    TaskKind.DECIDE: _l("Decide whether to initiate an internal case review of case %(number)s"),
    TaskKind.INFORM_PRACTITIONER_AND_PM: _l(
        "Inform %(practitioner)s and %(manager)s of the review of case %(number)s"
    ),
    TaskKind.OFFER_EAP_REFERRAL: _l("Offer %(practitioner)s an Employee Assistance Programme referral"),
    TaskKind.ARRANGE_SUPPORT_MEETINGS: _l("Arrange regular support meetings with %(practitioner)s"),
    TaskKind.AGREE_SUPPORT_NEEDS: _l("Agree support needs with %(practitioner)s"),
    TaskKind.ALLOCATE_REVIEWER: _l(
        "Allocate an independent Head of Operations to lead the review of case %(number)s"
    ),
    TaskKind.GATHER_INFORMATION: _l("Gather the information for the review of case %(number)s"),
    TaskKind.DRAFT_REPORT: _l("Draft the review report for case %(number)s"),
    TaskKind.SHARE_WITH_EXTERNAL_REVIEW: _l(
        "Record sharing the report of case %(number)s with the external review"
    ),
    TaskKind.DISCUSS_AT_SLT: _l(
        "Discuss the review themes at a Senior Leadership Team meeting (case %(number)s)"
    ),
    TaskKind.AGREE_ACTION_PLAN: _l("Agree the improvement action plan for case %(number)s"),
    TaskKind.REVIEW_ACTION_PLAN_PROGRESS: _l("Review the action plan's progress for case %(number)s"),
    TaskKind.CONFIRM_OUTSIDE_PROCEDURE: _l("%(task)s (case %(number)s)"),
    TaskKind.FOLLOW_UP_EAP_REFERRAL: _l(
        "Follow up the Employee Assistance Programme offer to %(practitioner)s"
    ),
    TaskKind.CONFIRM_SUPPORT_NEEDS: _l(
        "Confirm the support needs your Practice Manager recorded (case %(number)s)"
    ),
    TaskKind.ANSWER_INFORMATION_REQUEST: _l(
        "Answer the safeguarding review's information request about case %(number)s"
    ),
}


def task_title(task: Task, subjects: Subjects | None = None) -> str:
    """The task's title, naming its subject, in the language of the moment (the reader's page, or a
    message put in its recipient's language); the kind's label when the subject cannot be found."""
    subjects = subjects if subjects is not None else load_subjects([task])
    case = subjects.cases.get(task.review_id)
    if case is None:
        return task.kind.label
    number = case.case_number
    practitioner = subjects.people.get(case.practitioner_id) or _("the practitioner")
    manager = subjects.people.get(case.practice_manager_id) or _("the Practice Manager")
    version = subjects.versions.get(draft_id_of(task) or 0)
    dispute = subjects.disputes.get(dispute_id_of(task) or 0)
    kind = TaskKind
    if task.kind == kind.ACKNOWLEDGE_INCIDENT:
        return _(
            "Acknowledge the incident notification: %(what)s on %(date)s (case %(number)s)",
            what=case.incident_kind.label.lower(),
            date=format_date(case.occurred_on),
            number=number,
        )
    if task.kind == kind.CONFIRM_CONCERN_RESOLVED and dispute:
        return _(
            "Say whether the report author's answer resolves your concern (version %(version)s, "
            "case %(number)s)",
            version=dispute[1],
            number=number,
        )
    if (
        task.kind in (kind.RESOLVE_CONCERN, kind.DECIDE_DISPUTE, kind.REVISE_REPORT, kind.FOLLOW_GRIEVANCE)
        and dispute
    ):
        party, disputed = dispute
        return _(
            "%(task)s (version %(version)s, case %(number)s), raised by %(whom)s",
            task=task.kind.label,
            version=disputed,
            number=number,
            whom=PARTY_NAMES.get(party) or _("a person"),
        )
    if task.kind == kind.COMPLETE_ACTION and task.id in subjects.actions:
        position, action = subjects.actions[task.id]
        return _(
            "Complete action %(position)s: %(action)s",
            position=position,
            action=_first_lower(shortened(action)),
        )
    if task.kind == kind.CHECK_REPORT_ACCURACY:
        if version:
            return _("Check the review report (version %(version)s) for accuracy", version=version)
        return _("Check the review report for accuracy")
    title = TITLES.get(task.kind)
    if title is None:
        return task.kind.label
    # Each title takes the values it names (a lazy text formats only when read).
    return str(title) % {
        "number": number,
        "practitioner": practitioner,
        "manager": manager,
        "task": task.kind.label,
    }


def titles(tasks: Iterable[Task], *, review: Review | None = None) -> dict[int, str]:
    """Each task's title by id, for a list of tasks (``review``: as ``load_subjects``)."""
    return listing(tasks, review=review)[0]


def listing(tasks: Iterable[Task], *, review: Review | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """Each task's title and its case's number, by task id, for a task list: the subjects loaded
    once serve both, so the list's own query need not load each task's review and case."""
    tasks = list(tasks)
    subjects = load_subjects(tasks, review=review)
    numbers = {
        task.id: subjects.cases[task.review_id].case_number
        for task in tasks
        if task.review_id in subjects.cases
    }
    return {task.id: task_title(task, subjects) for task in tasks}, numbers


def support_meeting_title(with_person: str, starts_on: date) -> str:
    """A support meeting named by who it is with and its day: "Support meeting with Sam Example on
    12 December 2026"."""
    return _("Support meeting with %(person)s on %(date)s", person=with_person, date=format_date(starts_on))


def titles_of_ids(task_ids: Iterable[int]) -> dict[int, str]:
    """Titles for tasks known by id only (the deadline sweep reads rows, not tasks)."""
    ids = list(task_ids)
    if not ids:
        return {}
    return titles(db.session.execute(select(Task).where(Task.id.in_(ids))).scalars())
