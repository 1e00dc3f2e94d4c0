"""Opening reviews from incidents, moving them through the lifecycle, deciding them and allocating
the reviewer. The tasks themselves are webapp/tasks/."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, lazyload, selectinload

import rules
from webapp import audit, users
from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import (
    Case,
    Incident,
    ProceedingsStatus,
    Review,
    ReviewState,
    ReviewTransition,
    Role,
    Task,
    TaskKind,
    User,
    utcnow,
)
from webapp.notifications.services import notify_all
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import (
    ACTION_LABELS,
    TASKS_ON_INITIATE,
    TASKS_ON_NOTIFICATION_WITHIN,
    TASKS_ON_REVIEWER_ALLOCATED,
    next_state,
)
from webapp.reviews.participants import taking_part
from webapp.safeguarding.services import open_if_known
from webapp.tasks.services import add_task, close_task


class DecisionBlocked(Exception):
    """A precondition the procedure sets for the decision is not met yet."""


class NotIndependent(Exception):
    pass


def incident_facts(incident: Incident) -> dict:
    """The rules engine's input, from the incident and its case (the contract in rules/facts.py)."""
    closed_on = incident.case.proceedings_closed_on
    dates = {"occurred_on": incident.occurred_on.isoformat()}
    if incident.case.proceedings_status != ProceedingsStatus.ONGOING and closed_on is not None:
        dates["proceedings_closed_on"] = closed_on.isoformat()
    return dates | {
        "kind": incident.kind.value,
        "cause": incident.cause.value,
        "person": incident.person_affected.value,
        "proceedings": "ongoing"
        if incident.case.proceedings_status == ProceedingsStatus.ONGOING
        else "closed",
        "linked_to_court_involvement": incident.linked_to_court_involvement,
        "susr": incident.susr_known,
        "scr": incident.scr_known,
    }


def _record_transition(review: Review, before: ReviewState | None, action: str, actor, note=None) -> None:
    """Every change of stage passes here (after ``next_state`` allowed it): recorded, audited, and
    told to the people taking part."""
    moved = ReviewTransition(
        review_id=review.id,
        from_state=before.value if before else None,
        to_state=review.state.value,
        action=action,
        actor_id=actor.id if actor else None,
        note=note,
    )
    db.session.add(moved)
    audit.record(
        "review.transition",
        record_id=review.id,
        case_id=review.case_id,
        changed_fields=["state"],
        actor=actor,
    )
    if before is not None:  # opening a review is told by its first tasks
        db.session.flush()
        _tell_taking_part(review, moved, actor)


def _tell_taking_part(review: Review, moved: ReviewTransition, actor: User | None) -> int:
    """The people taking part hear of each change of stage, except whoever made it."""
    return notify_all(
        [person for person in taking_part(review) if actor is None or person.id != actor.id],
        "review_stage_changed",
        link_path=f"/reviews/{review.id}",
        detail=_l(
            "Case %(number)s: %(step)s. The review is now at '%(stage)s'.",
            number=review.case.case_number,
            step=LazyString(_first_lower, ACTION_LABELS[moved.action]),
            stage=review.state.lazy_label,
        ),
        key=f"review:{review.id}:transition:{moved.id}",
    )


def _first_lower(text: object) -> str:
    """A label inside a sentence, in the language of the moment: "decided to initiate a review"."""
    words = str(text)
    return words[:1].lower() + words[1:]


def transition(review: Review, action: str, *, actor: User | None, note: str | None = None) -> None:
    """Move the review by the lifecycle table, recording and auditing it; the caller commits."""
    moved = next_state(review.state, action)
    before = review.state
    review.state = moved.to
    db.session.flush()
    _record_transition(review, before, action, actor, note)


def open_review(incident: Incident, *, actor: User) -> Review:
    """Evaluate a newly recorded incident and open its review; the caller commits."""
    result = rules.evaluate_incident(incident_facts(incident))
    action = "open_within_procedure" if result["within_procedure"] else "open_outside_procedure"
    transition = next_state(None, action)
    review = Review(
        incident=incident,
        case_id=incident.case_id,
        state=transition.to,
        within_procedure=result["within_procedure"],
        circumstance=result["circumstance"],
        rapid_review=result["rapid_review"],
        follow_susr_process=result["follow_susr_process"],
        reasons=result["reasons"],
    )
    db.session.add(review)
    db.session.flush()
    _record_transition(review, None, action, actor)
    case = incident.case
    add_task(review, TaskKind.ACKNOWLEDGE_INCIDENT, case, start=incident.notified_on)
    add_tasks_for(review, result, start=incident.notified_on)
    # A SUSR (or SCR/CSPR) known from the outset: we follow its process, so our part in it is tracked.
    open_if_known(review, actor=actor, from_outset=True)
    # The Area Heads hear of the incident through their acknowledgement task (tasks/services.py).
    return review


DECISION_KINDS = (TaskKind.DECIDE, TaskKind.CONFIRM_OUTSIDE_PROCEDURE)


def tasks_for(result: dict) -> list[TaskKind]:
    """The tasks the rules' decision calls for while the decision is to be made, in creation order
    (an awaited task before the one that waits for it)."""
    if not result["within_procedure"]:
        return [TaskKind.CONFIRM_OUTSIDE_PROCEDURE]
    kinds = [TaskKind.CONSULT_AREA_HEAD] if "area_head_of_operations" in result["consult"] else []
    if result["rapid_review"]:
        kinds.append(TaskKind.RAPID_REVIEW)
    return [*kinds, TaskKind.DECIDE, *TASKS_ON_NOTIFICATION_WITHIN]


def add_tasks_for(review: Review, result: dict, *, start: date | None = None) -> list[Task]:
    """Create the tasks ``result`` calls for that the review does not have open or done already;
    their timescales run from ``start`` (the notification date when the review opens; the day of the
    change when changed facts call for them, so nobody is overdue the moment a task appears)."""
    added = []
    for kind in tasks_for(result):
        existing = review.task_of(kind)
        # A decision taken before the facts changed is taken again: a new task, the old one kept.
        if existing is None or (kind in DECISION_KINDS and not existing.is_open):
            added.append(add_task(review, kind, review.case, start=start))
    return added


def area_heads(area_id: int) -> list[User]:
    """The active Area Heads of Operations of an area."""
    return users.holding(Role.AREA_HEAD_OF_OPERATIONS, area_id=area_id)


def get_review_or_404(review_id: int, *, for_update: bool = False, with_tasks: bool = False) -> Review:
    """The review if the current user may see it; ``with_tasks`` (the review page) loads its case with
    its area, practitioner and Practice Manager, incident and versions, reviewer and their area,
    tasks with their holders and escalations, and transitions, in a few statements whatever their
    number."""
    query = (
        select(Review)
        .join(Case, Review.case_id == Case.id)
        .where(Review.id == review_id, case_scope(current_user))
    )
    if with_tasks:
        # The holders and actors are shown by name: their roles are not loaded with them.
        query = query.options(
            contains_eager(Review.case).options(
                joinedload(Case.area),
                # Named in the tasks' titles (titles.load_subjects(review=...)).
                joinedload(Case.practitioner).lazyload(User.role_rows),
                joinedload(Case.practice_manager).lazyload(User.role_rows),
            ),
            joinedload(Review.incident).selectinload(Incident.versions),
            joinedload(Review.reviewer).options(joinedload(User.area), lazyload(User.role_rows)),
            # The tasks with their escalations and holders in one statement (joined to the tasks).
            selectinload(Review.tasks).options(
                joinedload(Task.escalations), joinedload(Task.assignee).lazyload(User.role_rows)
            ),
            selectinload(Review.transitions).selectinload(ReviewTransition.actor).lazyload(User.role_rows),
        )
    if for_update:
        query = query.with_for_update(of=Review)
    review = db.session.execute(query).scalar_one_or_none()
    if review is None:
        abort(404)
    return review


def on_report_agreed(review: Review) -> None:
    """After the report is agreed (everyone agreed, or the DCE decided the dispute): the SLT
    discussion of the themes, and, when a SUSR or SCR/CSPR is known, sharing the final report. Each
    learning point of the agreed report becomes a record, to be tagged and answered by actions."""
    # Imported here: the learning package builds on this module (a top-level import would be circular).
    from webapp.learning import points

    points.record_from_report(review)
    add_task(review, TaskKind.DISCUSS_AT_SLT)
    if review.follow_susr_process or review.incident.susr_known or review.incident.scr_known:
        add_task(review, TaskKind.SHARE_WITH_EXTERNAL_REVIEW)


def decision_blockers(review: Review) -> list[str]:
    """What must happen before the CE or DCE may decide, in the procedure's words."""
    blockers = []
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    if consult is not None and consult.is_open:
        blockers.append(
            _(
                "The Area Head of Operations must be consulted first: the proceedings are ongoing, so "
                "the decision is made in consultation with them."
            )
        )
    rapid = review.task(TaskKind.RAPID_REVIEW)
    if rapid is not None and rapid.is_open:
        blockers.append(
            _(
                "The rapid review and timeline must be completed first: a Single Unified Safeguarding "
                "Review is known, and the rapid review determines whether a full internal review is "
                "required."
            )
        )
    return blockers


@unit_of_work()
def decide(review: Review, *, initiate: bool, rationale: str, actor: User) -> None:
    """Record the CE's or DCE's decision, with its rationale, and create what initiation requires."""
    if review.state == ReviewState.OUTSIDE_PROCEDURE:
        action = "override_initiate" if initiate else "confirm_outside"
    else:
        action = "initiate" if initiate else "decline"
    transition = next_state(review.state, action)
    if review.state == ReviewState.AWAITING_DECISION:
        blockers = decision_blockers(review)
        if blockers:
            raise DecisionBlocked(blockers)
    before = review.state
    review.state = transition.to
    review.decision_initiate = initiate
    review.decision_rationale = rationale
    review.decision_override = action == "override_initiate"
    review.decided_by_id = actor.id
    review.decided_at = utcnow()
    for kind in (TaskKind.DECIDE, TaskKind.CONFIRM_OUTSIDE_PROCEDURE):
        decide_task = review.task_of(kind)
        if decide_task is not None and decide_task.is_open:
            close_task(decide_task, actor, {"initiate": initiate, "rationale": rationale})
    if initiate:
        # An initiated review outside the procedure still gets the support duties.
        for kind in (*TASKS_ON_NOTIFICATION_WITHIN, *TASKS_ON_INITIATE):
            if review.task_of(kind) is None:
                add_task(review, kind, review.case)
    db.session.flush()
    _record_transition(review, before, action, actor)


def independent_reviewers(case: Case) -> list[User]:
    """Heads of Operations from any area but the case's own (procedure: Review Process)."""
    return users.holding(Role.HEAD_OF_OPERATIONS, outside_area_id=case.area_id)


@unit_of_work()
def allocate_reviewer(task: Task, reviewer: User, *, actor: User) -> None:
    case = task.review.case
    if not reviewer.has_role(Role.HEAD_OF_OPERATIONS) or not reviewer.active:
        raise NotIndependent(_("The reviewer must be an active Head of Operations."))
    if reviewer.area_id is None or reviewer.area_id == case.area_id:
        raise NotIndependent(
            _(
                "The reviewer must be independent of the case-managing operational area: choose a "
                "Head of Operations from another area."
            )
        )
    close_task(task, actor, {"reviewer_id": reviewer.id})
    review = task.review
    review.reviewer_id = reviewer.id
    audit.record(
        "review.reviewer_allocated", record_id=review.id, case_id=case.id, changed_fields=["reviewer_id"]
    )
    if review.state == ReviewState.INITIATED:
        transition(review, "allocate_reviewer", actor=actor)
        for kind in TASKS_ON_REVIEWER_ALLOCATED:
            add_task(review, kind, case)
