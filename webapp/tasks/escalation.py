"""The escalation ladder's steps and when each falls due, from the policy file's [escalation] table."""

from __future__ import annotations

from datetime import date

import rules
from webapp.i18n import lazy_gettext as _l

STEPS = ("reminder", "line_manager", "deputy_chief_executive")
STEP_KINDS = {
    "reminder": "task_due",
    "line_manager": "task_overdue_line_manager",
    "deputy_chief_executive": "task_overdue_deputy_chief_executive",
}
STEP_LABELS = {
    "reminder": _l("Reminder sent to whoever holds the task"),
    "line_manager": _l("Escalated to their line manager"),
    "deputy_chief_executive": _l("Escalated to the Deputy Chief Executive"),
}


def step_dates(due_on: date, policy: rules.Policy) -> dict[str, date]:
    """The date each step falls due: working days after the due date."""
    ladder = policy.escalation
    return {
        "reminder": rules.add_working_days(due_on, ladder.reminder_at_due),
        "line_manager": rules.add_working_days(due_on, ladder.line_manager_after),
        "deputy_chief_executive": rules.add_working_days(due_on, ladder.deputy_chief_executive_after),
    }


def steps_due(
    due_on: date, taken: set[str], policy: rules.Policy, today: date
) -> tuple[list[str], date | None]:
    """The steps not yet taken whose date has come, and the date the next one falls due (None once
    every step is taken or due): the ladder's one rule, for tasks and briefings alike."""
    dates = step_dates(due_on, policy)
    due_now = [step for step in STEPS if step not in taken and dates[step] <= today]
    following = [dates[step] for step in STEPS if step not in taken and dates[step] > today]
    return due_now, min(following) if following else None
