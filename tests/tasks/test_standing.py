"""A task's standing against its deadline, as the task lists colour it."""

from __future__ import annotations

from datetime import date, timedelta

import rules
from webapp.models import Task, TaskStatus
from webapp.tasks.services import standing


def test_due_soon_means_two_working_days_or_fewer_on_every_day_of_two_years():
    """Overdue, due today, due soon (two working days or fewer away, counting only working days:
    weekends and Welsh bank holidays, Christmas and Easter among them, are not) or open, for every
    day of 2026 and 2027 and every deadline in the fortnight after it."""
    wrong = []
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        for ahead in range(-1, 15):
            due = day + timedelta(days=ahead)
            task = Task(status=TaskStatus.OPEN, due_on=due)
            if due < day:
                expected = "overdue"
            elif due == day:
                expected = "due_today"
            elif rules.working_days_between(day, due) <= 2:
                expected = "due_soon"
            else:
                expected = "open"
            if standing(task, day) != expected:
                wrong.append((day, due, standing(task, day), expected))
        day += timedelta(days=1)
    assert not wrong, wrong[:10]


def test_a_closed_task_stands_as_its_status():
    task = Task(status=TaskStatus.DONE, due_on=date(2026, 12, 1))
    assert standing(task, date(2026, 12, 3)) == "done"
