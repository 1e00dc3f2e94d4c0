"""What each kind of notification says in an email: a generic line, never personal or case data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    subject: str
    line: str


KINDS: dict[str, Kind] = {
    "incident_recorded": Kind(
        "A case review incident needs your attention",
        "An incident has been recorded in your area and needs your attention.",
    ),
    "task_due": Kind("You have a case review task that is due", "You have a case review task that is due."),
    "task_overdue_line_manager": Kind(
        "A case review task in your team is overdue",
        "A case review task held by someone you manage is overdue.",
    ),
    "task_overdue_deputy_chief_executive": Kind(
        "A case review task is overdue and has been escalated to you",
        "A case review task is overdue and has been escalated to you.",
    ),
    "support_meeting_prompt": Kind(
        "You have a support meeting coming up",
        "You have a support meeting coming up. A calendar invitation is attached.",
    ),
    "support_meeting_missed": Kind(
        "A support meeting has not been recorded as held",
        "A support meeting in your area has not been recorded as held.",
    ),
    "concern_updated": Kind(
        "There is an update on a concern you raised",
        "There is an update on a concern you raised about a case review report.",
    ),
    "audit_trail_broken": Kind(
        "The audit trail check failed",
        "The daily check of the audit trail found an event that was changed, removed or inserted.",
    ),
    "daily_digest": Kind(
        "Your daily case review summary",
        "Your daily summary of open reviews and overdue tasks in your area is ready.",
    ),
}
