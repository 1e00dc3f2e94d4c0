"""The audit event registry and the one function that writes events.

Each event type declares what it is about; ``record`` refuses unknown types and events missing
what their type requires, so a route cannot quietly write an empty trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user

from webapp.audit_chain import add_pending
from webapp.extensions import db
from webapp.models import AuditEvent, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventType:
    record_type: str
    needs_case: bool
    needs_fields: bool = False


EVENT_TYPES: dict[str, EventType] = {
    "case.created": EventType("case", needs_case=True),
    "case.updated": EventType("case", needs_case=True, needs_fields=True),
    "case.viewed": EventType("case", needs_case=True),
    "child.added": EventType("child", needs_case=True),
    "child.removed": EventType("child", needs_case=True),
    "application.added": EventType("court_application", needs_case=True),
    "application.removed": EventType("court_application", needs_case=True),
    "incident.recorded": EventType("incident", needs_case=True),
    "incident.updated": EventType("incident", needs_case=True, needs_fields=True),
    "incident.viewed": EventType("incident", needs_case=True),
    "audit.viewed": EventType("audit", needs_case=False),
    "review.transition": EventType("review", needs_case=True, needs_fields=True),
    "review.viewed": EventType("review", needs_case=True),
    "review.reviewer_allocated": EventType("review", needs_case=True, needs_fields=True),
    "task.completed": EventType("task", needs_case=True),
    "task.cancelled": EventType("task", needs_case=True),
    "task.reassigned": EventType("task", needs_case=True),
    "incident.corrected": EventType("incident", needs_case=True, needs_fields=True),
    "review.reevaluated": EventType("review", needs_case=True, needs_fields=True),
    "policy.changed": EventType("policy_setting", needs_case=False, needs_fields=True),
    "support.needs_confirmed": EventType("task", needs_case=True),
    "task.viewed": EventType("task", needs_case=True),
    "task.escalated": EventType("task", needs_case=True),
    "notification.retried": EventType("notification", needs_case=False),
    "gathering.updated": EventType("gathering_item", needs_case=True, needs_fields=True),
    "chronology.added": EventType("chronology_entry", needs_case=True),
    "chronology.updated": EventType("chronology_entry", needs_case=True, needs_fields=True),
    "chronology.removed": EventType("chronology_entry", needs_case=True),
    "report.drafted": EventType("report_draft", needs_case=True, needs_fields=True),
    "report.viewed": EventType("report_draft", needs_case=True),
    "report.shared": EventType("report_draft", needs_case=True),
    "report.exported": EventType("report_draft", needs_case=True),
    "accuracy.responded": EventType("accuracy_response", needs_case=True),
    "dispute.author_responded": EventType("dispute", needs_case=True),
    "dispute.escalated": EventType("dispute", needs_case=True),
    "dispute.decided": EventType("dispute", needs_case=True),
    "dispute.grievance_recorded": EventType("dispute", needs_case=True),
    "dispute.revised": EventType("dispute", needs_case=True),
    "dispute.resolved": EventType("dispute", needs_case=True),
    "dispute.grievance_closed": EventType("dispute", needs_case=True),
    "dispute.closure_confirmed": EventType("dispute", needs_case=True),
    "disclosure.recorded": EventType("disclosure", needs_case=True),
    "learning.updated": EventType("review_learning", needs_case=True, needs_fields=True),
    "learning_points.recorded": EventType("review", needs_case=True),
    "learning_point.updated": EventType("learning_point", needs_case=True, needs_fields=True),
    "learning.exported": EventType("learning_export", needs_case=False),
    "slt.recorded": EventType("slt_meeting", needs_case=True),
    "action.added": EventType("action_plan_item", needs_case=True),
    "action.updated": EventType("action_plan_item", needs_case=True, needs_fields=True),
    "action.withdrawn": EventType("action_plan_item", needs_case=True, needs_fields=True),
    "action.progress_noted": EventType("action_plan_item", needs_case=True),
    "progress.reviewed": EventType("progress_review", needs_case=True),
    "review.closed": EventType("review", needs_case=True),
    "taxonomy.changed": EventType("learning_tag", needs_case=False, needs_fields=True),
    "dashboard.exported": EventType("dashboard", needs_case=False),
    "support.arranged": EventType("support_plan", needs_case=True),
    "support.meeting_held": EventType("support_meeting", needs_case=True),
    "support.ended": EventType("support_plan", needs_case=True),
    "user.created": EventType("user", needs_case=False),
    "user.updated": EventType("user", needs_case=False, needs_fields=True),
    "user.deactivated": EventType("user", needs_case=False),
    "user.reactivated": EventType("user", needs_case=False),
    "user.signed_in": EventType("user", needs_case=False),
    "user.signed_out": EventType("user", needs_case=False),
    "user.sign_in_failed": EventType("user", needs_case=False),
    "user.sign_in_refused": EventType("user", needs_case=False),  # throttled: password not checked
    "user.second_factor_failed": EventType("user", needs_case=False),
    "user.second_factor_enrolled": EventType("user", needs_case=False),
    "user.second_factor_reset": EventType("user", needs_case=False),
    "user.recovery_code_used": EventType("user", needs_case=False),
    "user.password_changed": EventType("user", needs_case=False),
    "user.email_preference_changed": EventType("user", needs_case=False, needs_fields=True),
    "user.language_changed": EventType("user", needs_case=False, needs_fields=True),
    "user.reauthenticated": EventType("user", needs_case=False),
    "user.reauthentication_failed": EventType("user", needs_case=False),
    "account_change.requested": EventType("account_change_request", needs_case=False, needs_fields=True),
    "account_change.approved": EventType("account_change_request", needs_case=False),
    "account_change.refused": EventType("account_change_request", needs_case=False),
    "area.created": EventType("operational_area", needs_case=False),
    "area.renamed": EventType("operational_area", needs_case=False, needs_fields=True),
    "demo.seeded": EventType("system", needs_case=False),
}


# Readable event names for the audit trail page: "chronology.updated" reads "Chronology entry changed".
# Nouns and verbs compose most names; the few that do not are named whole.
_NOUNS = {
    "case": "Case",
    "child": "Child",
    "application": "Court application",
    "incident": "Incident",
    "audit": "Audit trail",
    "review": "Review",
    "task": "Task",
    "notification": "Email",
    "gathering": "Information gathering",
    "chronology": "Chronology entry",
    "report": "Review report",
    "accuracy": "Accuracy check",
    "dispute": "Dispute",
    "disclosure": "External disclosure",
    "learning": "Learning",
    "slt": "Senior Leadership Team discussion",
    "action": "Action",
    "progress": "Action plan progress review",
    "taxonomy": "Learning list",
    "dashboard": "Learning dashboard",
    "support": "Support",
    "user": "User",
    "account_change": "Access change",
    "area": "Operational area",
    "demo": "Demonstration data",
}
_VERBS = {"updated": "changed", "transition": "moved to a new stage", "retried": "sent again"}
_WHOLE = {
    "review.reviewer_allocated": "Reviewer allocated",
    "accuracy.responded": "Report accuracy answered",
    "dispute.author_responded": "Report author responded to a concern",
    "dispute.grievance_recorded": "Grievance recorded",
    "action.progress_noted": "Action progress noted",
    "support.meeting_held": "Support meeting held",
    "user.sign_in_failed": "Sign-in failed",
    "user.sign_in_refused": "Sign-in refused (too many attempts)",
    "user.second_factor_failed": "Sign-in code wrong",
    "user.second_factor_enrolled": "Second factor set up",
    "user.second_factor_reset": "Second factor reset",
    "user.recovery_code_used": "Recovery code used",
    "user.reauthentication_failed": "Password check failed",
}


def event_label(event_type: str) -> str:
    """The event's name in plain words, for the audit trail page."""
    if event_type in _WHOLE:
        return _WHOLE[event_type]
    noun, _, verb = event_type.partition(".")
    words = _VERBS.get(verb, verb.replace("_", " "))
    return f"{_NOUNS.get(noun, noun.replace('_', ' ').capitalize())} {words}"


class AuditError(RuntimeError):
    pass


def record(
    event_type: str,
    *,
    record_id: int | None,
    case_id: int | None = None,
    changed_fields: list[str] | None = None,
    actor=None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits it with the change.

    The event is inserted when the transaction commits (``webapp.audit_chain`` seals it into the
    chain then), so it is not visible to queries before the commit.
    """
    spec = EVENT_TYPES.get(event_type)
    if spec is None:
        raise AuditError(f"unknown audit event type {event_type!r}")
    if spec.needs_case and case_id is None:
        raise AuditError(f"{event_type} must name the case")
    if spec.needs_fields and not changed_fields:
        raise AuditError(f"{event_type} must list the changed fields")
    if actor is None and actor_label is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if actor is None and actor_label is None:
        actor_label = "system"
    event = AuditEvent(
        occurred_at=utcnow(),
        event_type=event_type,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label,
        record_type=spec.record_type,
        record_id=record_id,
        case_id=case_id,
        changed_fields=sorted(changed_fields or []),
        source_address=request.remote_addr if has_request_context() else None,
    )
    add_pending(db.session(), event)
    # Ids only: the log never carries names, case numbers or field values.
    log.info("audit %s record=%s case=%s", event_type, record_id, case_id)
    return event


def record_page_view(event_type: str, *, record_id: int | None, case_id: int | None) -> None:
    """Audit a GET of a page that shows case data (a form page included), committed at once: a GET
    changes nothing else. A POST records its own change instead, and a refused POST re-showing the
    form must not commit whatever a service flushed before refusing.

    The commit seals the event but keeps what the request has loaded: expiring it would have the
    page read every row it shows again, one by one (and drop the relationships its query loaded
    with it). Call it before rendering, after loading the page's records."""
    if request.method != "GET":
        return
    record(event_type, record_id=record_id, case_id=case_id)
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def apply_changes(target, values: dict) -> list[str]:
    """Set each attribute whose value differs; return the names that changed, for the trail."""
    changed = []
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed.append(name)
    return changed
