"""Re-running the rules when an incident's facts change (in the same transaction as the change).

The review takes the new decision and reasons; the before and after are kept on the incident's
version for the page to show side by side. Tasks the new decision no longer calls for are cancelled
with the reason (kept, never deleted); tasks it newly calls for are created. The CE, DCE and the
case's Area Head of Operations are told.
"""

from __future__ import annotations

from typing import Any

import rules
from rules.clauses import N_
from webapp import audit, users
from webapp.i18n import lazy_gettext as _l
from webapp.models import Review, ReviewState, Role, TaskKind, User
from webapp.notifications.services import notify_all
from webapp.reviews.history import EARLIER_DECISION_NOTE
from webapp.reviews.lifecycle import TASKS_ON_NOTIFICATION_WITHIN
from webapp.reviews.services import add_tasks_for, area_heads, incident_facts, tasks_for, transition
from webapp.safeguarding.services import open_if_known
from webapp.tasks.services import cancel_task

DECISION_FIELDS = ("within_procedure", "circumstance", "rapid_review", "follow_susr_process")
# The tasks that exist only because of the rules' decision, while the decision is to be made.
DECISION_TASKS = (
    TaskKind.CONSULT_AREA_HEAD,
    TaskKind.RAPID_REVIEW,
    TaskKind.DECIDE,
    TaskKind.CONFIRM_OUTSIDE_PROCEDURE,
    *TASKS_ON_NOTIFICATION_WITHIN,
)


def snapshot(review: Review) -> dict[str, Any]:
    return {field: getattr(review, field) for field in DECISION_FIELDS} | {"reasons": list(review.reasons)}


def reevaluate(review: Review, *, actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the rules on the incident as it now is; return the decision (with reasons) before and after."""
    before = snapshot(review)
    result = rules.evaluate_incident(incident_facts(review.incident))
    for field in DECISION_FIELDS:
        setattr(review, field, result[field])
    review.reasons = result["reasons"]
    after = snapshot(review)
    changed = [field for field in DECISION_FIELDS if before[field] != after[field]]
    # A SUSR (or SCR/CSPR) known now that was not: its record exists from here (known later).
    open_if_known(review, actor=actor, from_outset=False)
    if not changed:
        return before, after
    reason = _reason(before, after)
    _move(review, result, actor=actor)
    if review.state in (ReviewState.AWAITING_DECISION, ReviewState.OUTSIDE_PROCEDURE):
        wanted = set(tasks_for(result))
        for task in list(review.tasks):
            if task.is_open and task.kind in DECISION_TASKS and task.kind not in wanted:
                cancel_task(task, reason)
        add_tasks_for(review, result)
    audit.record("review.reevaluated", record_id=review.id, case_id=review.case_id, changed_fields=changed)
    notify_all(
        [
            *users.holding({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}),
            *area_heads(review.case.area_id),
        ],
        "incident_facts_changed",
        link_path=f"/reviews/{review.id}",
        detail=_l("An incident's facts changed and the rules now give a different answer."),
        key=f"review:{review.id}:reevaluated:{len(review.incident.versions)}",
    )
    return before, after


def _reason(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Why a task was cancelled, kept on it in English (every reader's page translates it)."""
    if before["within_procedure"] and not after["within_procedure"]:
        return N_("No longer needed: the incident's facts changed and it is now outside the procedure.")
    if after["within_procedure"] and not before["within_procedure"]:
        return N_("No longer needed: the incident's facts changed and it is now within the procedure.")
    return N_("No longer needed: the incident's facts changed what the procedure requires.")


def _move(review: Review, result: dict[str, Any], *, actor: User) -> None:
    """Move the review where the new decision puts it, while no review has been initiated. Once one
    is initiated it goes on (the CE or DCE may initiate outside the procedure); the change and its
    reasons are recorded and the decision-makers told."""
    within = result["within_procedure"]
    if review.state == ReviewState.AWAITING_DECISION and not within:
        transition(review, "facts_now_outside", actor=actor)
    elif review.state == ReviewState.OUTSIDE_PROCEDURE and within:
        transition(review, "facts_now_within", actor=actor)
    elif review.state == ReviewState.NOT_INITIATED:
        # The earlier decision stays in the History, in this transition's note.
        earlier = EARLIER_DECISION_NOTE % {"rationale": review.decision_rationale or "-"}
        transition(review, "facts_changed_revisit", actor=actor, note=earlier)
        review.decision_initiate = None
        review.decided_by_id = None
        review.decided_at = None
        review.decision_rationale = None
        if not within:
            transition(review, "facts_now_outside", actor=actor)
