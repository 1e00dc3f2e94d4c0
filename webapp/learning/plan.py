"""The improvement action plan: its items (each with a task, so an overdue action climbs the
escalation ladder), the Practice Development Team's agreement and progress reviews, and closure
(procedure: "Outcome": an action plan will be agreed and overseen by the Practice Development Team,
who will monitor and review progress)."""

from __future__ import annotations

from datetime import date

from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.accuracy.disputes import closure_refusal
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import points
from webapp.learning.services import (
    LearningRefused,
    is_practice_development,
    mark_closed,
    open_task,
)
from webapp.models import (
    ActionPlanItem,
    ActionProgressNote,
    ActionStatus,
    ProgressReview,
    Review,
    ReviewState,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    User,
    UserRole,
    utcnow,
)
from webapp.permissions import Permission, permissions_of
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, allows, require
from webapp.reviews.services import get_review_or_404, transition
from webapp.scope import one_or_404
from webapp.tasks.services import add_task, close_task


class ClosureRefused(LearningRefused):
    """Some actions are not done: the review stays open."""

    def __init__(self, open_items: list[ActionPlanItem]):
        self.open_items = open_items
        super().__init__(
            _(
                "The review cannot close until every action is done. Still open: %(actions)s",
                actions="; ".join(item.action for item in open_items),
            )
        )


def items(review: Review) -> list[ActionPlanItem]:
    return list(
        db.session.execute(
            select(ActionPlanItem)
            .where(ActionPlanItem.review_id == review.id)
            .options(selectinload(ActionPlanItem.owner))
            .order_by(ActionPlanItem.due_on, ActionPlanItem.id)
        ).scalars()
    )


def open_items(review: Review) -> list[ActionPlanItem]:
    """Actions still to do: neither done nor withdrawn."""
    return [item for item in items(review) if item.status != ActionStatus.DONE and item.withdrawn_at is None]


def progress_reviews(review: Review) -> list[ProgressReview]:
    return list(
        db.session.execute(
            select(ProgressReview)
            .where(ProgressReview.review_id == review.id)
            .order_by(ProgressReview.reviewed_on, ProgressReview.id)
        ).scalars()
    )


def owner_choices() -> list[User]:
    """Anyone active who does case work may own an action (administrators hold no case access)."""
    return list(
        db.session.execute(
            select(User)
            .where(
                User.active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role != Role.ADMINISTRATOR)),
            )
            .order_by(User.name, User.id)
        ).scalars()
    )


def may_manage(user: User) -> bool:
    return Permission.MANAGE_LEARNING in permissions_of(user)


def may_change(review: Review) -> bool:
    """Whether the review's state allows the action plan to change (lifecycle.WORK)."""
    return allows(review.state, Work.CHANGE_ACTIONS)


def may_update(item: ActionPlanItem, user: User) -> bool:
    """The action's owner, or anyone who manages learning, records its progress."""
    return item.owner_id == user.id or may_manage(user)


def get_item_or_404(review_id: int, item_id: int) -> tuple[Review, ActionPlanItem]:
    """The action and its review. Its owner reaches it even when the case is outside their scope
    (an action can be given to anyone); everyone else only through the case's scope."""
    item = one_or_404(ActionPlanItem, ActionPlanItem.id == item_id, ActionPlanItem.review_id == review_id)
    if item.owner_id == current_user.id:
        return db.session.get_one(Review, review_id), item
    return get_review_or_404(review_id), item


def _check_owner(owner_id: int) -> None:
    if owner_id not in {user.id for user in owner_choices()}:
        raise LearningRefused(_("Choose an active person to own the action."))


def _give_task(review: Review, item: ActionPlanItem) -> None:
    task = add_task(review, TaskKind.COMPLETE_ACTION, assignee_id=item.owner_id, due_on=item.due_on)
    db.session.flush()
    item.task_id = task.id


def _cancel_task(item: ActionPlanItem) -> None:
    """The old deadline or owner no longer applies: its task stops being chased (kept for history)."""
    if item.task_id is None:
        return
    db.session.execute(
        update(Task)
        .where(Task.id == item.task_id, Task.status == TaskStatus.OPEN)
        .values(status=TaskStatus.CANCELLED, next_escalation_on=None)
        .execution_options(synchronize_session=False)
    )


@unit_of_work()
def add_action(
    review: Review,
    *,
    action: str,
    owner_id: int,
    due_on: date,
    actor: User,
    external_review_id: int | None = None,
) -> ActionPlanItem:
    """An action of the plan; ``external_review_id`` marks one a SUSR's (or SCR/CSPR's) report set."""
    require(review.state, Work.CHANGE_ACTIONS, LearningRefused)
    if due_on < today_in_london():
        raise LearningRefused(_("Due date must be today or in the future"))
    _check_owner(owner_id)
    item = ActionPlanItem(
        review_id=review.id,
        action=action,
        owner_id=owner_id,
        due_on=due_on,
        status=ActionStatus.NOT_STARTED,
        external_review_id=external_review_id,
    )
    db.session.add(item)
    db.session.flush()
    _give_task(review, item)
    audit.record("action.added", record_id=item.id, case_id=review.case_id, actor=actor)
    return item


WITHDRAWN = _l("This action was withdrawn. It stays in the plan's history and cannot be changed.")


@unit_of_work()
def withdraw_action(review: Review, item: ActionPlanItem, *, reason: str, actor: User) -> None:
    """Withdraw an action agreed by mistake or overtaken by events: kept, with why, and no longer
    chased or holding up closure."""
    require(review.state, Work.CHANGE_ACTIONS, LearningRefused)
    if not may_manage(actor):
        raise LearningRefused(
            _("Only the Practice Development Team, the CE or the DCE can withdraw an action.")
        )
    if item.withdrawn_at is not None:
        raise LearningRefused(str(WITHDRAWN))
    if item.status == ActionStatus.DONE:
        raise LearningRefused(_("This action is done. Mark it as in progress first to withdraw it."))
    item.withdrawn_at = utcnow()
    item.withdrawn_by_id = actor.id
    item.withdrawn_reason = reason
    _cancel_task(item)
    audit.record(
        "action.withdrawn",
        record_id=item.id,
        case_id=review.case_id,
        changed_fields=["withdrawn_at", "withdrawn_by_id", "withdrawn_reason"],
        actor=actor,
    )


@unit_of_work()
def edit_action(
    review: Review, item: ActionPlanItem, *, action: str, owner_id: int, due_on: date, actor: User
) -> list[str]:
    require(review.state, Work.CHANGE_ACTIONS, LearningRefused)
    if item.withdrawn_at is not None:
        raise LearningRefused(str(WITHDRAWN))
    if item.status == ActionStatus.DONE:
        raise LearningRefused(_("This action is done. Mark it as in progress first to change it."))
    if due_on != item.due_on and due_on < today_in_london():
        raise LearningRefused(_("Due date must be today or in the future"))
    if owner_id != item.owner_id:
        _check_owner(owner_id)
    changed = audit.apply_changes(item, {"action": action, "owner_id": owner_id, "due_on": due_on})
    if not changed:
        return []
    if {"owner_id", "due_on"} & set(changed):
        _cancel_task(item)
        _give_task(review, item)
        changed.append("task_id")
    audit.record(
        "action.updated", record_id=item.id, case_id=review.case_id, changed_fields=changed, actor=actor
    )
    return changed


@unit_of_work()
def update_progress(
    review: Review, item: ActionPlanItem, *, status: ActionStatus, note: str | None, actor: User
) -> list[str]:
    """The owner (or the PDT) moves the action on and notes its progress. Done closes its task."""
    require(review.state, Work.CHANGE_ACTIONS, LearningRefused)
    if item.withdrawn_at is not None:
        raise LearningRefused(str(WITHDRAWN))
    if not may_update(item, actor):
        raise LearningRefused(_("Only the action's owner or the Practice Development Team can update it."))
    changed = []
    if status != item.status:
        was_done = item.status == ActionStatus.DONE
        item.status = status
        changed = ["status"]
        task = db.session.get(Task, item.task_id) if item.task_id else None
        if status == ActionStatus.DONE:
            item.completed_at = utcnow()
            changed.append("completed_at")
            if task is not None and task.is_open:
                close_task(task, actor, {"status": status.value})
        elif was_done:
            item.completed_at = None
            changed += ["completed_at", "task_id"]
            _give_task(review, item)
            # The progress reviews stopped when everything was done: they start again.
            if (
                review.state == ReviewState.MONITORING
                and open_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS) is None
            ):
                add_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
        db.session.flush()
        audit.record(
            "action.updated", record_id=item.id, case_id=review.case_id, changed_fields=changed, actor=actor
        )
    if note:
        db.session.add(ActionProgressNote(item_id=item.id, note=note, author_id=actor.id))
        audit.record("action.progress_noted", record_id=item.id, case_id=review.case_id, actor=actor)
        changed.append("notes")
    return changed


@unit_of_work()
def agree_plan(review: Review, *, actor: User) -> None:
    """The Practice Development Team agrees the plan and starts monitoring it."""
    require(review.state, Work.AGREE_PLAN, LearningRefused)
    if not is_practice_development(actor):
        raise LearningRefused(_("The Practice Development Team agrees the action plan."))
    count = len(items(review))
    if count == 0:
        raise LearningRefused(_("Add at least one action before agreeing the plan."))
    task = open_task(review, TaskKind.AGREE_ACTION_PLAN)
    if task is not None:
        close_task(task, actor, {"actions": count})
    transition(review, "action_plan_agreed", actor=actor)
    add_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)


@unit_of_work()
def record_progress_review(review: Review, *, reviewed_on: date, notes: str, actor: User) -> Task | None:
    """A progress review closes the current progress task; the next one follows while any action is
    open. Returns the next task, if any."""
    require(review.state, Work.REVIEW_PROGRESS, LearningRefused)
    if not is_practice_development(actor):
        raise LearningRefused(_("The Practice Development Team records progress reviews."))
    entry = ProgressReview(review_id=review.id, reviewed_on=reviewed_on, notes=notes, reviewed_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    audit.record("progress.reviewed", record_id=entry.id, case_id=review.case_id, actor=actor)
    task = open_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
    if task is not None:
        close_task(task, actor, {"progress_review_id": entry.id})
    following = add_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS) if open_items(review) else None
    return following


@unit_of_work()
def close_review(review: Review, *, actor: User) -> None:
    """Every action done, and a member of the Practice Development Team confirms: the review closes."""
    require(review.state, Work.CLOSE, LearningRefused)
    if not is_practice_development(actor):
        raise LearningRefused(_("A member of the Practice Development Team confirms the closure."))
    still_open = open_items(review)
    if still_open:
        raise ClosureRefused(still_open)
    grievance = closure_refusal(review)
    if grievance:
        raise LearningRefused(grievance)
    untraced = points.closure_refusal(review)
    if untraced:
        raise LearningRefused(untraced)
    task = open_task(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
    if task is not None:
        close_task(task, actor, {"closed": True})
    transition(review, "close", actor=actor)
    mark_closed(review, actor)
