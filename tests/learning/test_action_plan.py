"""The action plan: items and their tasks, agreement, owners' progress, progress reviews, closure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from jobs import sweep
from tests.clock import london_today
from tests.factories import make_user
from tests.learning.helpers import agreed_review, d
from tests.learning.test_slt import record_learning
from webapp.extensions import db
from webapp.learning import plan, services
from webapp.models import (
    ActionPlanItem,
    ActionProgressNote,
    ActionStatus,
    AuditEvent,
    Notification,
    ProgressReview,
    ReviewState,
    Role,
    Task,
    TaskEscalation,
    TaskKind,
    TaskStatus,
)


def planning_review(world):
    """A review at 'Action plan being agreed'."""
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    services.record_slt(review, met_on=london_today(), notes="Discussed.", actor=world["ce"])
    return review


def add(review, world, owner_key="practitioner", due=None, action="Run a learning session") -> ActionPlanItem:
    return plan.add_action(
        review,
        action=action,
        owner_id=world[owner_key].id,
        due_on=due or london_today() + timedelta(days=30),
        actor=world["pdt"],
    )


def monitored_review(world, *owners):
    review = planning_review(world)
    items = [add(review, world, owner) for owner in owners or ("practitioner",)]
    plan.agree_plan(review, actor=world["pdt"])
    return review, items


def open_tasks(review, kind) -> list[Task]:
    db.session.expire_all()
    return [t for t in review.tasks if t.kind == kind and t.status == TaskStatus.OPEN]


def item_data(world, **overrides) -> dict:
    data = {
        "action": "Audit five case files",
        "owner_id": str(world["outsider"].id),
        "due_on": d(london_today() + timedelta(days=20)),
    }
    data.update(overrides)
    return data


def test_adding_an_action_gives_its_owner_a_task_with_its_due_date(world, signed_in):
    review = planning_review(world)
    client = signed_in(world["pdt"])
    page = client.get(f"/reviews/{review.id}/action-plan/new")
    owners = page.text()
    assert "Siân Outsider" in owners and "Alex Admin" not in owners
    client.post(f"/reviews/{review.id}/action-plan/new", item_data(world), status=302)
    [item] = plan.items(review)
    assert (item.action, item.owner_id, item.status) == (
        "Audit five case files",
        world["outsider"].id,
        ActionStatus.NOT_STARTED,
    )
    task = db.session.get(Task, item.task_id)
    assert task.kind == TaskKind.COMPLETE_ACTION and task.is_open
    assert task.assignee_id == world["outsider"].id and task.assignee_pool is None
    assert task.due_on == london_today() + timedelta(days=20) == item.due_on
    assert task.next_escalation_on is not None
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "action.added", AuditEvent.record_id == item.id)
    ).scalar_one()
    # The owner sees it in their tasks, and the task leads to the action's page.
    assert "Complete action 1: " in signed_in(world["outsider"]).get("/tasks").text()
    page = signed_in(world["outsider"]).get(f"/tasks/{task.id}", status=302)
    assert page.response.location.endswith(f"/reviews/{review.id}/action-plan/{item.id}")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"action": ""}, "Enter the action"),
        ({"owner_id": ""}, "Select who owns the action"),
        ({"due_on": d(london_today() - timedelta(days=1))}, "Due date must be today or in the future"),
        ({"due_on": ["30", "2", "2030"]}, "Due date must be a real date"),
    ],
)
def test_bad_actions_save_nothing(world, signed_in, overrides, message):
    review = planning_review(world)
    page = signed_in(world["pdt"]).post(
        f"/reviews/{review.id}/action-plan/new", item_data(world, **overrides)
    )
    assert page.error_summary() == [message]
    assert plan.items(review) == [] and open_tasks(review, TaskKind.COMPLETE_ACTION) == []


def test_an_inactive_person_or_an_administrator_cannot_own_an_action(world, signed_in):
    review = planning_review(world)
    gone = make_user(roles=Role.PRACTICE_MANAGER, active=False)
    client = signed_in(world["ce"])
    for person in (gone, world["admin"]):
        page = client.post(f"/reviews/{review.id}/action-plan/new", item_data(world, owner_id=str(person.id)))
        assert page.error_summary() == ["Select who owns the action"]
    with pytest.raises(services.LearningRefused):
        plan.add_action(review, action="x", owner_id=gone.id, due_on=london_today(), actor=world["ce"])
    assert plan.items(review) == []


def test_an_overdue_action_climbs_the_escalation_ladder(world):
    review = planning_review(world)
    due = date(2030, 1, 8)  # a Tuesday
    item = add(review, world, "practitioner", due=due)
    task = db.session.get(Task, item.task_id)
    for other in review.tasks:
        if other.id != task.id:
            other.next_escalation_on = None  # only the action's task climbs here
    db.session.commit()
    assert sweep.run(datetime(2030, 1, 7, 9, tzinfo=UTC))["steps_taken"] == 0
    sweep.run(datetime(2030, 1, 16, 9, tzinfo=UTC))  # the due date + 6 working days: every step
    steps = db.session.execute(
        select(TaskEscalation.step).where(TaskEscalation.task_id == task.id).order_by(TaskEscalation.id)
    ).scalars()
    assert list(steps) == ["reminder", "line_manager", "deputy_chief_executive"]
    reached = {n.user_id for n in db.session.execute(select(Notification)).scalars()}
    assert {world["practitioner"].id, world["pm"].id, world["dce"].id} <= reached


def test_the_pdt_agrees_the_plan(world, signed_in):
    review = planning_review(world)
    assert review.task(TaskKind.AGREE_ACTION_PLAN).is_open
    pdt = signed_in(world["pdt"])
    page = pdt.get(f"/tasks/{review.task(TaskKind.AGREE_ACTION_PLAN).id}", status=302)
    assert page.response.location.endswith(f"/reviews/{review.id}/action-plan/agree")
    refused = pdt.post(f"/reviews/{review.id}/action-plan/agree", {})
    assert refused.error_summary() == ["Add at least one action before agreeing the plan."]
    db.session.expire_all()
    assert review.state == ReviewState.ACTION_PLANNING
    add(review, world)
    for key in ("ce", "dce"):  # they manage learning, but the PDT agrees the plan
        signed_in(world[key]).post(f"/reviews/{review.id}/action-plan/agree", {}, status=403)
    pdt.post(f"/reviews/{review.id}/action-plan/agree", {}, status=302)
    db.session.expire_all()
    assert review.state == ReviewState.MONITORING
    assert review.task(TaskKind.AGREE_ACTION_PLAN).status == TaskStatus.DONE
    [progress] = open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
    assert progress.assignee_pool == "practice_development"
    assert review.transitions[-1].action == "action_plan_agreed"
    again = pdt.post(f"/reviews/{review.id}/action-plan/agree", {}, follow=True)
    assert "You cannot agree the action plan now" in again.text()
    with pytest.raises(services.LearningRefused):
        plan.agree_plan(review, actor=world["pdt"])


def test_the_owner_updates_their_own_action(world, signed_in):
    review, [item] = monitored_review(world, "outsider")
    owner = signed_in(world["outsider"])  # the case is outside their area: they still reach their action
    page = owner.get(f"/reviews/{review.id}/action-plan/{item.id}")
    assert "Run a learning session" in page.text()
    owner.get(f"/reviews/{review.id}", status=404)
    owner.post(
        f"/reviews/{review.id}/action-plan/{item.id}",
        {"status": "in_progress", "note": "Session booked."},
        status=302,
    )
    db.session.expire_all()
    assert item.status == ActionStatus.IN_PROGRESS
    assert [n.note for n in item.notes] == ["Session booked."]
    owner.post(f"/reviews/{review.id}/action-plan/{item.id}", {"status": "done", "note": "Held."}, status=302)
    db.session.expire_all()
    assert item.status == ActionStatus.DONE and item.completed_at is not None
    task = db.session.get(Task, item.task_id)
    assert task.status == TaskStatus.DONE and task.completed_by_id == world["outsider"].id
    types = list(
        db.session.execute(
            select(AuditEvent.event_type).where(AuditEvent.record_type == "action_plan_item")
        ).scalars()
    )
    assert types.count("action.updated") == 2 and types.count("action.progress_noted") == 2


def test_someone_else_cannot_update_an_action(world, signed_in):
    review, [item] = monitored_review(world, "outsider")
    # The practitioner sees the case, but the action is not theirs.
    other = signed_in(world["practitioner"])
    page = other.get(f"/reviews/{review.id}/action-plan/{item.id}")
    assert page.html.find("main").find("form", attrs={"method": "post"}) is None
    other.post(f"/reviews/{review.id}/action-plan/{item.id}", {"status": "done"}, status=403)
    # Someone who neither owns it nor sees the case gets a 404, as for any record out of scope.
    stranger = make_user(roles=Role.PRACTITIONER, area=world["south"])
    signed_in(stranger).get(f"/reviews/{review.id}/action-plan/{item.id}", status=404)
    signed_in(world["outsider"]).get(f"/reviews/{review.id}/action-plan/999999", status=404)
    db.session.expire_all()
    assert item.status == ActionStatus.NOT_STARTED
    assert db.session.execute(select(ActionProgressNote)).first() is None
    # The PDT may update any action.
    signed_in(world["pdt"]).post(
        f"/reviews/{review.id}/action-plan/{item.id}", {"status": "in_progress"}, status=302
    )


def test_changing_the_owner_or_due_date_moves_the_task(world, signed_in):
    review, [item] = monitored_review(world, "practitioner")
    first = db.session.get(Task, item.task_id)
    client = signed_in(world["pdt"])
    later = london_today() + timedelta(days=45)
    client.post(
        f"/reviews/{review.id}/action-plan/{item.id}/edit",
        {"action": item.action, "owner_id": str(world["outsider"].id), "due_on": d(later)},
        status=302,
    )
    db.session.expire_all()
    assert first.status == TaskStatus.CANCELLED and first.next_escalation_on is None
    second = db.session.get(Task, item.task_id)
    assert second.id != first.id and second.is_open
    assert (second.assignee_id, second.due_on) == (world["outsider"].id, later)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "action.updated", AuditEvent.record_id == item.id)
    ).scalar_one()
    assert event.changed_fields == ["due_on", "owner_id", "task_id"]
    # A past due date is refused; an unchanged one (even once past) is kept.
    page = client.post(
        f"/reviews/{review.id}/action-plan/{item.id}/edit",
        {
            "action": item.action,
            "owner_id": str(world["outsider"].id),
            "due_on": d(london_today() - timedelta(1)),
        },
    )
    assert page.error_summary() == ["Due date must be today or in the future"]
    client.post(
        f"/reviews/{review.id}/action-plan/{item.id}/edit",
        {"action": "Reworded", "owner_id": str(world["outsider"].id), "due_on": d(later)},
        status=302,
    )
    db.session.expire_all()
    assert item.action == "Reworded" and item.task_id == second.id
    signed_in(world["outsider"]).get(f"/reviews/{review.id}/action-plan/{item.id}/edit", status=403)


def test_reopening_a_done_action_gives_it_a_task_again(world):
    review, [item] = monitored_review(world, "practitioner")
    plan.record_progress_review(review, reviewed_on=london_today(), notes="On track.", actor=world["pdt"])
    plan.update_progress(review, item, status=ActionStatus.DONE, note=None, actor=world["practitioner"])
    plan.record_progress_review(review, reviewed_on=london_today(), notes="All done.", actor=world["pdt"])
    assert open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS) == []
    plan.update_progress(
        review, item, status=ActionStatus.IN_PROGRESS, note="More to do.", actor=world["pdt"]
    )
    db.session.expire_all()
    assert item.completed_at is None
    [task] = open_tasks(review, TaskKind.COMPLETE_ACTION)
    assert task.id == item.task_id and task.assignee_id == world["practitioner"].id
    assert len(open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)) == 1


def test_each_progress_review_closes_its_task_and_books_the_next(world, signed_in):
    review, [first, second] = monitored_review(world, "practitioner", "pm")
    client = signed_in(world["pdt"])
    [task] = open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
    page = client.get(f"/tasks/{task.id}", status=302)
    assert page.response.location.endswith(f"/reviews/{review.id}/action-plan/progress")
    bad = client.post(
        f"/reviews/{review.id}/action-plan/progress",
        {"reviewed_on": d(london_today() + timedelta(days=2)), "notes": "x"},
    )
    assert bad.error_summary() == ["Date of the progress review must be today or in the past"]
    client.post(
        f"/reviews/{review.id}/action-plan/progress",
        {"reviewed_on": d(london_today()), "notes": "Both actions under way."},
        status=302,
    )
    db.session.expire_all()
    assert task.status == TaskStatus.DONE
    [following] = open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS)
    assert following.id != task.id and following.due_on > london_today()
    for item in (first, second):
        plan.update_progress(review, item, status=ActionStatus.DONE, note=None, actor=world["pdt"])
    client.post(
        f"/reviews/{review.id}/action-plan/progress",
        {"reviewed_on": d(london_today()), "notes": "Everything done."},
        status=302,
    )
    assert open_tasks(review, TaskKind.REVIEW_ACTION_PLAN_PROGRESS) == []
    assert len(db.session.execute(select(ProgressReview)).all()) == 2
    signed_in(world["ce"]).post(
        f"/reviews/{review.id}/action-plan/progress",
        {"reviewed_on": d(london_today()), "notes": "x"},
        status=403,
    )


def test_closure_needs_every_action_done(world, signed_in):
    review, [first, second] = monitored_review(world, "practitioner", "outsider")
    plan.update_progress(review, first, status=ActionStatus.DONE, note=None, actor=world["practitioner"])
    client = signed_in(world["pdt"])
    page = client.get(f"/reviews/{review.id}/close")
    assert "cannot close until every action is done" in page.text()
    assert (
        "Siân Outsider" in page.text()
        and page.html.find("main").find("form", attrs={"method": "post"}) is None
    )
    refused = client.post(f"/reviews/{review.id}/close", {})
    assert refused.error_summary() == ["The review cannot close until every action is done."]
    db.session.expire_all()
    assert review.state == ReviewState.MONITORING and review.closed_at is None
    with pytest.raises(plan.ClosureRefused) as raised:
        plan.close_review(review, actor=world["pdt"])
    assert [i.id for i in raised.value.open_items] == [second.id]

    plan.update_progress(review, second, status=ActionStatus.DONE, note=None, actor=world["outsider"])
    signed_in(world["ce"]).post(f"/reviews/{review.id}/close", {}, status=403)  # the PDT confirms
    client.post(f"/reviews/{review.id}/close", {}, status=302)
    db.session.expire_all()
    assert review.state == ReviewState.CLOSED
    assert review.closed_by_id == world["pdt"].id and review.closed_at is not None
    assert review.transitions[-1].action == "close"
    learning_kinds = {
        TaskKind.DISCUSS_AT_SLT,
        TaskKind.AGREE_ACTION_PLAN,
        TaskKind.COMPLETE_ACTION,
        TaskKind.REVIEW_ACTION_PLAN_PROGRESS,
    }
    assert all(not t.is_open for t in review.tasks if t.kind in learning_kinds)
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "review.closed", AuditEvent.record_id == review.id)
    ).scalar_one()
    # A closed review's plan no longer changes.
    signed_in(world["outsider"]).post(
        f"/reviews/{review.id}/action-plan/{second.id}", {"status": "in_progress"}, status=403
    )
    page = client.get(f"/reviews/{review.id}/action-plan/new", status=302)
    with pytest.raises(services.LearningRefused):
        add(review, world)


def test_actions_can_only_be_added_while_planning_or_monitoring(world, signed_in):
    review = agreed_review(world)
    signed_in(world["pdt"]).post(f"/reviews/{review.id}/action-plan/new", item_data(world), status=302)
    assert plan.items(review) == []
    with pytest.raises(services.LearningRefused, match="Report agreed"):
        add(review, world)


def test_only_people_who_manage_learning_add_actions(world, signed_in):
    review = planning_review(world)
    for key in ("slt", "practitioner", "pm", "reviewer", "admin"):
        signed_in(world[key]).post(f"/reviews/{review.id}/action-plan/new", item_data(world), status=403)
    assert plan.items(review) == []
