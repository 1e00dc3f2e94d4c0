"""A review's History: every step, every task done or cancelled with what was entered, and every
change to the incident's facts, in order, with who and when. The page shows it; nothing is queried
by the template."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from rules.clauses import N_
from webapp.formatting import format_date, format_datetime
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import ExternalReview, Review, TaskStatus
from webapp.reviews.lifecycle import ACTION_LABELS
from webapp.safeguarding import history as safeguarding
from webapp.safeguarding.services import changes_of

# What each answer stored in a task's outcome is called on the page.
OUTCOME_LABELS = {
    "note": _l("Note"),
    "view": _l("View given"),
    "findings": _l("Findings"),
    "full_review_recommended": _l("Full review recommended"),
    "informed_on": _l("Informed on"),
    "eap": _l("Employee Assistance Programme"),
    "follow_up_on": _l("Follow up by"),
    "needs": _l("Support needs agreed"),
    "confirmed": _l("Practitioner's answer"),
    "comment": _l("Practitioner's comment"),
    "first_meeting_at": _l("First meeting"),
    "cadence_working_days": _l("Working days between meetings"),
    "initiate": _l("Initiate a review"),
    "rationale": _l("Rationale"),
    "reviewer_id": None,  # shown as the reviewer on the review page
    "party": None,
    "draft_id": None,
    "answered_on": _l("Answered on"),
}
# The words of the answers chosen from a list (stored as the choice's value).
CHOICE_LABELS = {
    "eap": {
        "accepted": _l("Offered and accepted"),
        "declined": _l("Offered and declined"),
        "offered": _l("Offered, answer awaited"),
    },
    "confirmed": {
        "confirmed": _l("Confirmed"),
        "disputed": _l("Not agreed"),
    },
    "full_review_recommended": {"yes": _l("Yes"), "no": _l("No")},
}
DATES = frozenset({"informed_on", "follow_up_on", "answered_on"})
TIMES = frozenset({"first_meeting_at"})

# The notes the service itself writes on a transition: kept in English, as records keep them, and
# shown in the reader's language (shown_note). A person's own notes are shown as written.
AGREED_NOTE = N_("Version %(version)s agreed.")
DECIDED_NOTE = N_("Version %(version)s: every answer settled, agreed or decided by the DCE.")
EARLIER_DECISION_NOTE = N_("Earlier decision: do not initiate a review. Rationale: %(rationale)s")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(note: str) -> re.Pattern:
    """The note as written, with each placeholder matching what was put in it."""
    parts = _PLACEHOLDER.split(note)  # text, name, text, name, ..., text
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_SERVICE_NOTES = [(_pattern(note), note) for note in (AGREED_NOTE, DECIDED_NOTE, EARLIER_DECISION_NOTE)]


def shown_note(note: str) -> str:
    """A transition's note in the reader's language where the service wrote it; a person's own
    words as written."""
    for pattern, english in _SERVICE_NOTES:
        found = pattern.match(note)
        if found:
            return _(english, **found.groupdict())
    return note


@dataclass(frozen=True)
class Step:
    at: datetime
    what: str
    who: str | None
    details: list[tuple[str, str]] = field(default_factory=list)


def shown(value: object, key: str = "") -> str:
    """An answer as the page shows it: the words of a choice, yes or no, a date in the page's language."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    choice = CHOICE_LABELS.get(key, {}).get(str(value))
    if choice is not None:
        return str(choice)
    try:
        if key in DATES:
            return format_date(date.fromisoformat(str(value)))
        if key in TIMES:
            return format_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        pass  # an answer stored before it was a date: shown as it was entered
    return str(value)


def outcome_details(outcome: dict) -> list[tuple[str, str]]:
    """A task's entered answers as (label, value) pairs, in the order entered; empty answers left out."""
    details = []
    for key, value in (outcome or {}).items():
        label = OUTCOME_LABELS.get(key, key.replace("_", " ").capitalize())
        if label is None or value in (None, ""):
            continue
        details.append((str(label), shown(value, key)))
    return details


def steps(
    review: Review, *, external_review: ExternalReview | None, hidden: frozenset = frozenset()
) -> list[Step]:
    """Every step in order; the answers of tasks whose kind is in ``hidden`` are left out (the
    support answers, for people who may not see the support page). ``external_review``: the
    review's part in a safeguarding review, as the page found it (its steps are in the History)."""
    found = [
        Step(
            t.occurred_at,
            str(ACTION_LABELS.get(t.action, t.action)),
            t.actor.name if t.actor else None,
            [(_("Note"), shown_note(t.note))] if t.note else [],
        )
        for t in review.transitions
    ]
    for task in review.tasks:
        if task.status == TaskStatus.DONE and task.completed_at is not None:
            who = task.completed_by.name if task.completed_by else None
            details = [] if task.kind in hidden else outcome_details(task.outcome)
            found.append(Step(task.completed_at, _("Done: %(task)s", task=task.kind.label), who, details))
        elif task.status == TaskStatus.CANCELLED and task.completed_at is not None:
            found.append(
                Step(
                    task.completed_at,
                    _("No longer needed: %(task)s", task=task.kind.label),
                    None,
                    [(_("Why"), _(task.cancel_reason) if task.cancel_reason else "")],
                )
            )
    from webapp.cases.routes.incidents import FIELD_LABELS  # the incident page's names of its facts

    for version in review.incident.versions:
        details = [
            (
                str(FIELD_LABELS.get(change["field"], change["field"].replace("_", " ").capitalize())),
                f"{change['old']} → {change['new']}",
            )
            for change in version.changes
        ]
        if version.correction_reason:
            details.append((_("Reason for the correction"), version.correction_reason))
        found.append(Step(version.changed_at, _("Incident facts changed"), version.changed_by.name, details))
    # Our part in a SUSR (or SCR/CSPR): each step with the values entered.
    for change in changes_of(external_review):
        found.append(
            Step(
                change.changed_at,
                safeguarding.change_label(change),
                change.changed_by.name if change.changed_by else None,
                safeguarding.change_details(change),
            )
        )
    return sorted(found, key=lambda step: step.at)
