"""The escalation ladder, with the clock controlled, across a weekend and bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from jobs import relay, sweep
from tests.concurrency import run_concurrently
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import Notification, Role, Task, TaskEscalation, TaskKind, TaskStatus
from webapp.reviews.services import open_review
from webapp.tasks.services import complete_task


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def ladder(app):
    """An acknowledgement task held by the North AHoO, due Thursday 24 December 2026."""
    area = make_area(name="North")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Deputy", email="dce@example.org")
    manager = make_user(
        roles=Role.PRACTICE_MANAGER, name="Line Manager", email="boss@example.org", manager=dce
    )
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, manager=manager, email="head@example.org")
    case = make_case(area=area)
    review = open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.commit()
    task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    task.due_on = date(2026, 12, 24)
    task.next_escalation_on = date(2026, 12, 24)
    for other in review.tasks:
        if other.id != task.id:
            other.next_escalation_on = None  # only this task climbs in these tests
    db.session.query(Notification).delete()
    db.session.commit()
    return {"task": task, "head": head, "manager": manager, "dce": dce}


def kinds_for(email: str) -> list[str]:
    return list(
        db.session.execute(
            select(Notification.kind).join(Notification.user).where(Notification.user.has(email=email))
        ).scalars()
    )


def steps(task: Task) -> list[str]:
    return list(
        db.session.execute(
            select(TaskEscalation.step).where(TaskEscalation.task_id == task.id).order_by(TaskEscalation.id)
        ).scalars()
    )


def test_ladder_skips_christmas_the_weekend_and_new_year(ladder):
    task = ladder["task"]
    assert sweep.run(at(date(2026, 12, 23))) == {"tasks_due": 0, "steps_taken": 0}
    assert sweep.run(at(date(2026, 12, 24)))["steps_taken"] == 1
    assert steps(task) == ["reminder"] and kinds_for("head@example.org") == ["task_due"]
    # Line manager: 2 working days after the 24th. The 25th (Christmas), the weekend and Monday
    # the 28th (Boxing Day's substitute) do not count: the 29th is day 1, the 30th day 2.
    for day in (date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 29)):
        assert sweep.run(at(day))["steps_taken"] == 0, day
    assert sweep.run(at(date(2026, 12, 30)))["steps_taken"] == 1
    assert kinds_for("boss@example.org") == ["task_overdue_line_manager"]
    # The DCE: 5 working days after. The 31st is day 3; New Year's Day and the weekend do not
    # count; Monday 4 January is day 4 and Tuesday 5 January day 5.
    assert sweep.run(at(date(2027, 1, 4)))["steps_taken"] == 0
    assert sweep.run(at(date(2027, 1, 5)))["steps_taken"] == 1
    assert kinds_for("dce@example.org") == ["task_overdue_deputy_chief_executive"]
    assert steps(task) == ["reminder", "line_manager", "deputy_chief_executive"]
    db.session.refresh(task)
    assert task.next_escalation_on is None
    assert sweep.run(at(date(2027, 2, 1))) == {"tasks_due": 0, "steps_taken": 0}


def test_a_late_sweep_catches_up_every_step_once(ladder):
    assert sweep.run(at(date(2027, 1, 20)))["steps_taken"] == 3
    assert sweep.run(at(date(2027, 1, 21)))["steps_taken"] == 0
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 3


def test_a_done_task_is_not_chased(ladder, app):
    complete_task(ladder["task"], actor=ladder["head"], outcome={})
    assert sweep.run(at(date(2027, 1, 20))) == {"tasks_due": 0, "steps_taken": 0}


def test_steps_show_in_the_task_history_and_on_the_review(ladder, signed_in):
    sweep.run(at(date(2026, 12, 30)))
    client = signed_in(ladder["head"])
    task_page = client.get(f"/tasks/{ladder['task'].id}").text()
    assert (
        "Reminder sent to whoever holds the task" in task_page
        and "Escalated to their line manager" in task_page
    )
    review_page = client.get(f"/reviews/{ladder['task'].review_id}").text()
    assert "Reminders and escalations" in review_page and "Escalated to their line manager" in review_page


def test_two_sweeps_at_once_take_each_step_once(ladder, app):
    run_concurrently(app, lambda: sweep.run(at(date(2027, 1, 20))), times=3)
    assert steps(ladder["task"]) == ["reminder", "line_manager", "deputy_chief_executive"]
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 3


def test_pool_tasks_remind_every_holder_and_escalate_to_each_manager(app):
    area = make_area()
    boss_a, boss_b = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE), make_user(roles=Role.CHIEF_EXECUTIVE)
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, manager=boss_a)
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, manager=boss_b)
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=make_area())  # another area: not a holder
    case = make_case(area=area)
    review = open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.query(Notification).delete()
    task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    task.due_on = task.next_escalation_on = date(2026, 12, 1)
    for other in review.tasks:
        if other.id != task.id:
            other.next_escalation_on = None
    db.session.commit()
    sweep.run(at(date(2026, 12, 3)))  # Tuesday 1st + 2 working days: the line managers' step
    counts = dict(
        db.session.execute(select(Notification.kind, func.count()).group_by(Notification.kind)).all()
    )
    assert counts == {"task_due": 2, "task_overdue_line_manager": 2}


def test_reminders_reach_the_smtp_server_with_no_case_data(ladder, smtp_server):
    sweep.run(at(date(2027, 1, 20)))
    assert relay.run()["sent"] == 3
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == ["boss@example.org", "dce@example.org", "head@example.org"]
    case_number = ladder["task"].review.case.case_number
    for text in smtp_server.texts():
        assert case_number not in text and "Acknowledge" not in text


def test_sweep_reads_only_what_is_due(ladder, app):
    """The query plan uses the index on next_escalation_on (the benchmark measures the rest)."""
    from sqlalchemy import text

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN is checked here; bench/sweep.py covers PostgreSQL")
    plan = db.session.execute(
        text("EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE next_escalation_on <= :d AND status = 'open'"),
        {"d": "2027-01-01"},
    ).all()
    assert any("ix_tasks_escalation_due" in str(row) for row in plan), plan
    assert TaskStatus.OPEN.value == "open"


def test_the_sweep_sends_no_more_statements_per_batch_however_many_tasks_are_due(app):
    from datetime import timedelta

    from sqlalchemy import case, event, update

    from webapp import demo
    from webapp.demo_scale import scale
    from webapp.models import TaskKind

    today = date(2027, 1, 20)
    demo.seed(today=today)
    scale(200, today=today)
    db.session.execute(update(Task).where(Task.next_escalation_on <= today).values(next_escalation_on=None))
    db.session.commit()  # the demo's own overdue tasks: out of the way

    # Tasks about a draft, a dispute or an action come first, so that the few name every kind of
    # subject the data holds (titles.load_subjects reads only those a batch names): the many can
    # then need no statement the few did not.
    subject_first = case(
        (Task.draft_id.is_not(None), 0),
        (Task.dispute_id.is_not(None), 1),
        (Task.kind == TaskKind.COMPLETE_ACTION, 2),
        else_=3,
    )

    def make_due(count: int) -> None:
        ids = select(Task.id).where(Task.status == TaskStatus.OPEN, Task.next_escalation_on.is_not(None))
        ids = ids.order_by(subject_first, Task.id).limit(count).scalar_subquery()
        db.session.execute(
            update(Task)
            .where(Task.id.in_(ids))
            .values(due_on=today - timedelta(days=14), next_escalation_on=today - timedelta(days=1))
        )
        db.session.commit()

    def statements_of_a_sweep() -> tuple[int, dict]:
        count = 0

        def seen(*_args) -> None:
            nonlocal count
            count += 1

        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            counts = sweep.run(at(today), batch=100)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return count, counts

    make_due(5)
    few, counts = statements_of_a_sweep()
    assert counts == {"tasks_due": 5, "steps_taken": 15}
    make_due(60)
    many, counts = statements_of_a_sweep()
    assert counts == {"tasks_due": 60, "steps_taken": 180}
    assert many <= few
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() > 60
