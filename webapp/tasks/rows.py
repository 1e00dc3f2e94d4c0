"""The rows of a task table (templates/reviews/_task_table.html), worked out here once per row.

Every task list (My tasks, Team tasks, the home page, a review's tasks) shows the same columns; the
template only places what this gives. Per row the template used to call a dozen helpers and filters,
each through Jinja, and work out the task's standing twice; a page of rows cost several times what
this does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from flask import url_for

from webapp.formatting import format_date, today_in_london
from webapp.i18n import gettext as _
from webapp.models import Task
from webapp.tasks import services
from webapp.tasks.pools import POOL_LABELS


@dataclass(frozen=True)
class TaskRow:
    title: str
    href: str | None  # the task's page, when the reader may open it from here
    case_number: str
    holder: str | None  # who holds it, when the table shows that
    due: str  # the due date in words, or that it waits for another task
    described: str  # for screen readers after the title: case, holder and due date
    standing: str  # in words ("Overdue")
    tag: str  # its tag's colour class


def task_rows(
    tasks: Iterable[Task],
    *,
    titles: Mapping[int, str] | None = None,
    case_numbers: Mapping[int, str] | None = None,
    openable: Collection[int] | None = None,
    show_assignee: bool = False,
) -> list[TaskRow]:
    """The rows for ``tasks``: their titles (each task's kind without ``titles``), their case
    numbers (from each task's review without ``case_numbers``), linked when in ``openable`` (all
    when it is None), and who holds each when ``show_assignee``."""
    today = today_in_london()
    waiting_words = _("When the task it waits for is done")
    rows = []
    for task in tasks:
        titled = titles.get(task.id) if titles is not None else None
        number = case_numbers.get(task.id) if case_numbers is not None else None
        if number is None:
            number = task.review.case.case_number
        holder = None
        if show_assignee:
            pool = POOL_LABELS.get(task.assignee_pool or "")
            holder = task.assignee.name if task.assignee else (str(pool) if pool else None)
        standing = services.standing(task, today)
        waiting = standing == "waiting"
        due = waiting_words if waiting else format_date(task.due_on)
        described = ", ".join(
            part
            for part in (
                _("case %(number)s", number=number),
                holder,
                _("waiting for another task") if waiting else _("due %(date)s", date=due),
            )
            if part
        )
        rows.append(
            TaskRow(
                title=titled or str(task.kind.label),
                href=url_for("reviews.action_task", task_id=task.id)
                if openable is None or task.id in openable
                else None,
                case_number=number,
                holder=holder,
                due=due,
                described=described,
                standing=services.standing_words(task, standing),
                tag=services.standing_tag(standing),
            )
        )
    return rows
