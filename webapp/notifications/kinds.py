"""What each kind of notification says in an email: a generic line, never personal or case data.

``items`` names several of a kind in an email that carries more than one notification ("3 new
tasks"); ``at_once`` kinds are sent straight away even to someone who chose one daily summary:
security notices, and meeting prompts whose invitation would be late the next morning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    subject: str
    line: str
    items: tuple[str, str] = ("message", "messages")  # one, several
    at_once: bool = False

    def count(self, number: int) -> str:
        return f"{number} {self.items[0] if number == 1 else self.items[1]}"


KINDS: dict[str, Kind] = {
    "task_assigned": Kind(
        "You have a new case review task",
        "You have a new case review task.",
        ("new task", "new tasks"),
    ),
    "review_stage_changed": Kind(
        "A case review you take part in has moved on",
        "A case review you take part in has moved to a new stage.",
        ("update on a review you take part in", "updates on reviews you take part in"),
    ),
    "incident_recorded": Kind(
        "A case review incident needs your attention",
        "An incident has been recorded in your area and needs your attention.",
        ("new incident in your area", "new incidents in your area"),
    ),
    "task_due": Kind(
        "You have a case review task that is due",
        "You have a case review task that is due.",
        ("task that is due", "tasks that are due"),
    ),
    "task_overdue_line_manager": Kind(
        "A case review task in your team is overdue",
        "A case review task held by someone you manage is overdue.",
        ("overdue task in your team", "overdue tasks in your team"),
    ),
    "task_overdue_deputy_chief_executive": Kind(
        "A case review task is overdue and has been escalated to you",
        "A case review task is overdue and has been escalated to you.",
        ("overdue task escalated to you", "overdue tasks escalated to you"),
    ),
    "support_meeting_prompt": Kind(
        "You have a support meeting coming up",
        "You have a support meeting coming up. A calendar invitation is attached.",
        ("support meeting coming up", "support meetings coming up"),
        at_once=True,
    ),
    "support_meeting_missed": Kind(
        "A support meeting has not been recorded as held",
        "A support meeting in your area has not been recorded as held.",
        ("support meeting not recorded as held", "support meetings not recorded as held"),
    ),
    "concern_updated": Kind(
        "There is an update on a concern you raised",
        "There is an update on a concern you raised about a case review report.",
        ("update on a concern you raised", "updates on concerns you raised"),
    ),
    "audit_trail_broken": Kind(
        "The audit trail check failed",
        "The daily check of the audit trail found an event that was changed, removed or inserted.",
        ("failed audit trail check", "failed audit trail checks"),
        at_once=True,
    ),
    "incident_facts_changed": Kind(
        "The facts of a case review incident have changed",
        "The facts of an incident were changed and the case review was checked again.",
    ),
    "task_with_nobody": Kind(
        "A case review task has nobody to do it",
        "A case review task was created for a group that has nobody in it. Please sign in to see it.",
    ),
    "daily_digest": Kind(
        "Your daily case review summary",
        "Your daily summary of open reviews and overdue tasks in your area is ready.",
        ("area summary", "area summaries"),
    ),
    "account_roles_changed": Kind(
        "Your access to the case review manager has changed",
        "The roles on your case review manager account have changed.",
        ("change to your access", "changes to your access"),
        at_once=True,
    ),
    "account_password_changed": Kind(
        "Your case review manager password has changed",
        "The password for your case review manager account has changed. "
        "If you did not expect this, tell your administrator.",
        ("change to your password", "changes to your password"),
        at_once=True,
    ),
    "account_second_factor_changed": Kind(
        "Your case review manager sign-in has changed",
        "The second factor (authenticator app or recovery codes) on your case review manager account "
        "has changed or been used. If you did not expect this, tell your administrator.",
        ("change to your second factor", "changes to your second factor"),
        at_once=True,
    ),
    "account_change_to_approve": Kind(
        "A change to someone's access is waiting for your approval",
        "An administrator has asked for a change to someone's access that needs your approval.",
        ("access change waiting for your approval", "access changes waiting for your approval"),
    ),
}
