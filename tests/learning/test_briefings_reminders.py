"""Reminders for learning briefings not acknowledged climb the escalation ladder like tasks: the
recipient, then their line manager, then the Deputy Chief Executive, in working days, once each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import event, select

from jobs import briefing_reminders
from tests.concurrency import run_concurrently
from tests.factories import make_user
from tests.learning.helpers import agreed_review
from webapp.extensions import db
from webapp.learning import briefings
from webapp.models import BriefingRecipient, BriefingReminder, Notification, Role


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def sent(world):
    """A briefing sent on Monday 14 December 2026 to the South practitioner (Siân Outsider), whose
    line manager is a Practice Manager; acknowledgement is expected 10 working days later."""
    review = agreed_review(world)
    with time_machine.travel(at(date(2026, 12, 14), 10), tick=False):
        briefing, _ = briefings.save_draft(
            None,
            title="Home checks",
            body="Check the household.",
            review_ids=[review.id],
            tag_ids=[],
            actor=world["pdt"],
        )
        briefings.send(briefing, roles=[Role.PRACTITIONER], area_ids=[world["south"].id], actor=world["pdt"])
    db.session.query(Notification).delete()
    db.session.commit()
    return briefing


def kinds() -> list[tuple[int, str]]:
    return list(
        db.session.execute(select(Notification.user_id, Notification.kind).order_by(Notification.id)).all()
    )


def steps() -> list[str]:
    return list(db.session.execute(select(BriefingReminder.step).order_by(BriefingReminder.id)).scalars())


def test_the_ladder_counts_working_days_skipping_christmas_and_new_year(world, sent):
    row = db.session.execute(select(BriefingRecipient)).scalar_one()
    # 10 working days from Monday 14 December: Christmas Day and Boxing Day's substitute (Monday 28th)
    # do not count, so acknowledgement is due on Wednesday 30 December, and the reminder with it.
    assert row.due_on == date(2026, 12, 30) and row.next_reminder_on == date(2026, 12, 30)
    outsider, manager, dce = world["outsider"], world["outsider"].line_manager, world["dce"]
    assert briefing_reminders.run(at(date(2026, 12, 29))) == {"recipients_due": 0, "steps_taken": 0}
    assert briefing_reminders.run(at(date(2026, 12, 30)))["steps_taken"] == 1
    assert kinds() == [(outsider.id, "briefing_reminder")]
    # Line manager: 2 working days after the 30th: the 31st, then (New Year's Day and the weekend
    # not counting) Monday 4 January.
    assert briefing_reminders.run(at(date(2026, 12, 31)))["steps_taken"] == 0
    assert briefing_reminders.run(at(date(2027, 1, 4)))["steps_taken"] == 1
    assert kinds()[-1] == (manager.id, "briefing_unread_line_manager")
    # The DCE: 5 working days after: 31st, 4th, 5th, 6th, Thursday 7 January.
    assert briefing_reminders.run(at(date(2027, 1, 6)))["steps_taken"] == 0
    assert briefing_reminders.run(at(date(2027, 1, 7)))["steps_taken"] == 1
    assert kinds()[-1] == (dce.id, "briefing_unread_deputy_chief_executive")
    assert steps() == ["reminder", "line_manager", "deputy_chief_executive"]
    db.session.refresh(row)
    assert row.next_reminder_on is None
    assert briefing_reminders.run(at(date(2027, 2, 1))) == {"recipients_due": 0, "steps_taken": 0}
    # The in-app words name the briefing and, for the manager, who has not acknowledged it.
    detail = db.session.execute(
        select(Notification.detail).where(Notification.kind == "briefing_unread_line_manager")
    ).scalar_one()
    assert detail == "Siân Outsider has not yet acknowledged the learning briefing: Home checks"


def test_a_late_run_catches_up_every_step_once_and_concurrent_runs_take_each_once(world, sent, app):
    run_concurrently(app, lambda: briefing_reminders.run(at(date(2027, 1, 20))), times=3)
    assert steps() == ["reminder", "line_manager", "deputy_chief_executive"]
    assert len(kinds()) == 3
    assert briefing_reminders.run(at(date(2027, 1, 21)))["steps_taken"] == 0


def test_an_acknowledged_briefing_is_not_chased(world, sent, signed_in):
    signed_in(world["outsider"]).post(f"/briefings/{sent.id}/acknowledge", {}, status=302)
    assert briefing_reminders.run(at(date(2027, 1, 20))) == {"recipients_due": 0, "steps_taken": 0}
    assert kinds() == []


def test_a_run_sends_the_same_statements_however_many_recipients_are_due(world, app):
    review = agreed_review(world)

    def statements_of_a_run(people: int) -> int:
        for number in range(people):
            make_user(roles=Role.PRACTITIONER, area=world["south"], name=f"P{number}", manager=world["pm"])
        with time_machine.travel(at(date(2026, 12, 14), 10), tick=False):
            draft, _ = briefings.save_draft(
                None, title="T", body="Check.", review_ids=[review.id], tag_ids=[], actor=world["pdt"]
            )
            briefings.send(draft, roles=[Role.PRACTITIONER], area_ids=[world["south"].id], actor=world["pdt"])
        db.session.commit()
        db.session.expire_all()
        count = 0

        def seen(*_args) -> None:
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            result = briefing_reminders.run(at(date(2027, 1, 20)))
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert result["steps_taken"] >= 3
        return count

    few = statements_of_a_run(1)
    many = statements_of_a_run(5)
    assert few == many
