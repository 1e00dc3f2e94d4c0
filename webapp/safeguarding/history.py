"""The steps of our part in a safeguarding review, as the review's History shows them: what was
recorded, with the values entered, by whom and when (webapp/reviews/history.py asks)."""

from __future__ import annotations

from datetime import date

from webapp.formatting import format_date
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import BoardDecision, ExternalReviewChange, ExternalReviewKind, ReferredBy

STEP_LABELS: dict[str, LazyString] = {
    "opened": _l("Safeguarding review recorded as known"),
    "kind": _l("Which safeguarding review is known: corrected"),
    "referral": _l("Referral to the Regional Safeguarding Board recorded"),
    "decision": _l("The case review group's decision recorded"),
    "chronology": _l("Our chronology recorded as submitted to the safeguarding review"),
    "learning_event": _l("Practitioners' learning event recorded"),
    "report": _l("The safeguarding review's report recorded as received"),
    "request_received": _l("Information request received from the safeguarding review"),
    "request_answered": _l("Information request answered"),
    "request_cancelled": _l("Information request cancelled"),
}
DETAIL_LABELS: dict[str, LazyString] = {
    "kind": _l("External review"),
    "from_outset": _l("Known from the outset"),
    "board": _l("Regional Safeguarding Board"),
    "referred_on": _l("Referred on"),
    "referred_by": _l("Referred by"),
    "referring_agency": _l("Referring agency"),
    "decided_on": _l("Decided on"),
    "decision": _l("Decision"),
    "notes": _l("Notes"),
    "submitted_on": _l("Submitted on"),
    "held_on": _l("Held on"),
    "attended": _l("Attended from Cafcass Cymru"),
    "received_on": _l("Received on"),
    "requested_by": _l("From"),
    "summary": _l("What is asked"),
    "deadline": _l("Deadline"),
    "answered_on": _l("Answered on"),
    "note": _l("Note"),
    "reason": _l("Why"),
}
DATES = frozenset(
    {"referred_on", "decided_on", "submitted_on", "held_on", "received_on", "deadline", "answered_on"}
)
CHOICES = {"kind": ExternalReviewKind, "referred_by": ReferredBy, "decision": BoardDecision}


def _shown(key: str, value: object) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else _("Nobody recorded")
    if key in DATES:
        try:
            return format_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if key in CHOICES:
        try:
            return CHOICES[key](str(value)).label
        except ValueError:
            return str(value)
    return str(value)


def change_details(change: ExternalReviewChange) -> list[tuple[str, str]]:
    return [
        (str(DETAIL_LABELS.get(key, key)), _shown(key, value))
        for key, value in (change.details or {}).items()
        if value not in (None, "")
    ]


def change_label(change: ExternalReviewChange) -> str:
    label = STEP_LABELS.get(change.step)
    return str(label) if label is not None else change.step
