"""What each kind of notification says in an email: a generic line, never personal or case data.

``items`` names several of a kind in an email that carries more than one notification ("3 new
tasks"); ``at_once`` kinds are sent straight away even to someone who chose one daily summary:
security notices, and meeting prompts whose invitation would be late the next morning.

The words are lazy texts: each email is rendered in its recipient's language (``in_language_of``),
and the administrators' and the recipient's pages in theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.i18n import LazyString, ngettext
from webapp.i18n import lazy_gettext as _l


def _n(singular: str, plural: str) -> tuple[str, str]:
    """Marks a count's two English forms for the catalogue; ``Kind.count`` translates them."""
    return singular, plural


@dataclass(frozen=True)
class Kind:
    subject: LazyString
    line: LazyString
    items: tuple[str, str] = _n("%(num)d message", "%(num)d messages")  # one, several
    at_once: bool = False

    def count(self, number: int) -> str:
        """ "3 new tasks", in the language of the moment (Welsh has six plural forms)."""
        return ngettext(*self.items, number)


KINDS: dict[str, Kind] = {
    "task_assigned": Kind(
        _l("You have a new case review task"),
        _l("You have a new case review task."),
        _n("%(num)d new task", "%(num)d new tasks"),
    ),
    "review_stage_changed": Kind(
        _l("A case review you take part in has moved on"),
        _l("A case review you take part in has moved to a new stage."),
        _n("%(num)d update on a review you take part in", "%(num)d updates on reviews you take part in"),
    ),
    "incident_recorded": Kind(
        _l("A case review incident needs your attention"),
        _l("An incident has been recorded in your area and needs your attention."),
        _n("%(num)d new incident in your area", "%(num)d new incidents in your area"),
    ),
    "task_due": Kind(
        _l("You have a case review task that is due"),
        _l("You have a case review task that is due."),
        _n("%(num)d task that is due", "%(num)d tasks that are due"),
    ),
    "task_overdue_line_manager": Kind(
        _l("A case review task in your team is overdue"),
        _l("A case review task held by someone you manage is overdue."),
        _n("%(num)d overdue task in your team", "%(num)d overdue tasks in your team"),
    ),
    "task_overdue_deputy_chief_executive": Kind(
        _l("A case review task is overdue and has been escalated to you"),
        _l("A case review task is overdue and has been escalated to you."),
        _n("%(num)d overdue task escalated to you", "%(num)d overdue tasks escalated to you"),
    ),
    "support_meeting_prompt": Kind(
        _l("You have a support meeting coming up"),
        _l("You have a support meeting coming up. A calendar invitation is attached."),
        _n("%(num)d support meeting coming up", "%(num)d support meetings coming up"),
        at_once=True,
    ),
    "support_meeting_missed": Kind(
        _l("A support meeting has not been recorded as held"),
        _l("A support meeting in your area has not been recorded as held."),
        _n("%(num)d support meeting not recorded as held", "%(num)d support meetings not recorded as held"),
    ),
    "concern_updated": Kind(
        _l("There is an update on a concern you raised"),
        _l("There is an update on a concern you raised about a case review report."),
        _n("%(num)d update on a concern you raised", "%(num)d updates on concerns you raised"),
    ),
    "audit_trail_broken": Kind(
        _l("The audit trail check failed"),
        _l("The daily check of the audit trail found an event that was changed, removed or inserted."),
        _n("%(num)d failed audit trail check", "%(num)d failed audit trail checks"),
        at_once=True,
    ),
    "incident_facts_changed": Kind(
        _l("The facts of a case review incident have changed"),
        _l("The facts of an incident were changed and the case review was checked again."),
    ),
    "task_with_nobody": Kind(
        _l("A case review task has nobody to do it"),
        _l("A case review task was created for a group that has nobody in it. Please sign in to see it."),
    ),
    "daily_digest": Kind(
        _l("Your daily case review summary"),
        _l("Your daily summary of open reviews and overdue tasks in your area is ready."),
        _n("%(num)d area summary", "%(num)d area summaries"),
    ),
    "account_roles_changed": Kind(
        _l("Your access to the case review manager has changed"),
        _l("The roles on your case review manager account have changed."),
        _n("%(num)d change to your access", "%(num)d changes to your access"),
        at_once=True,
    ),
    "account_password_changed": Kind(
        _l("Your case review manager password has changed"),
        _l(
            "The password for your case review manager account has changed. "
            "If you did not expect this, tell your administrator."
        ),
        _n("%(num)d change to your password", "%(num)d changes to your password"),
        at_once=True,
    ),
    "account_second_factor_changed": Kind(
        _l("Your case review manager sign-in has changed"),
        _l(
            "The second factor (authenticator app or recovery codes) on your case review manager account "
            "has changed or been used. If you did not expect this, tell your administrator."
        ),
        _n("%(num)d change to your second factor", "%(num)d changes to your second factor"),
        at_once=True,
    ),
    "briefing_sent": Kind(
        _l("A learning briefing has been sent to you"),
        _l("A learning briefing has been sent to you. Please sign in to read it."),
        _n("%(num)d learning briefing sent to you", "%(num)d learning briefings sent to you"),
    ),
    "briefing_reminder": Kind(
        _l("You have a learning briefing to read"),
        _l("You have a learning briefing that you have not yet acknowledged. Please sign in to read it."),
        _n("%(num)d learning briefing to read", "%(num)d learning briefings to read"),
    ),
    "briefing_unread_line_manager": Kind(
        _l("Someone you manage has not acknowledged a learning briefing"),
        _l("Someone you manage has not yet acknowledged a learning briefing sent to them."),
        _n(
            "%(num)d learning briefing not acknowledged in your team",
            "%(num)d learning briefings not acknowledged in your team",
        ),
    ),
    "briefing_unread_deputy_chief_executive": Kind(
        _l("A learning briefing has not been acknowledged and has been escalated to you"),
        _l(
            "A learning briefing has not been acknowledged by someone it was sent to "
            "and has been escalated to you."
        ),
        _n(
            "%(num)d unacknowledged learning briefing escalated to you",
            "%(num)d unacknowledged learning briefings escalated to you",
        ),
    ),
    "account_change_to_approve": Kind(
        _l("A change to someone's access is waiting for your approval"),
        _l("An administrator has asked for a change to someone's access that needs your approval."),
        _n(
            "%(num)d access change waiting for your approval",
            "%(num)d access changes waiting for your approval",
        ),
    ),
}
