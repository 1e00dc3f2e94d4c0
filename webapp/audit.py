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
from webapp.i18n import LazyString
from webapp.i18n import lazy_gettext as _l
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
    "external_review.opened": EventType("external_review", needs_case=True),
    "external_review.updated": EventType("external_review", needs_case=True, needs_fields=True),
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
    "briefing.drafted": EventType("learning_briefing", needs_case=False),
    "briefing.updated": EventType("learning_briefing", needs_case=False, needs_fields=True),
    "briefing.sent": EventType("learning_briefing", needs_case=False),
    "briefing.read": EventType("learning_briefing", needs_case=False),
    "briefing.acknowledged": EventType("learning_briefing", needs_case=False),
    # The briefing's page showed a source review's learning points and actions (one per review).
    "briefing.sources_viewed": EventType("review", needs_case=True),
    "briefing.delivered": EventType("learning_briefing_session", needs_case=False),
    "demo.seeded": EventType("system", needs_case=False),
}


# Readable event names for the audit trail page, in the reader's language: "chronology.updated"
# reads "Chronology entry changed". Whole names, not nouns and verbs put together: Welsh word order
# and mutations differ from the English.
_LABELS: dict[str, LazyString] = {
    "case.created": _l("Case created"),
    "case.updated": _l("Case changed"),
    "case.viewed": _l("Case viewed"),
    "child.added": _l("Child added"),
    "child.removed": _l("Child removed"),
    "application.added": _l("Court application added"),
    "application.removed": _l("Court application removed"),
    "incident.recorded": _l("Incident recorded"),
    "incident.updated": _l("Incident changed"),
    "incident.viewed": _l("Incident viewed"),
    "audit.viewed": _l("Audit trail viewed"),
    "review.transition": _l("Review moved to a new stage"),
    "review.viewed": _l("Review viewed"),
    "review.reviewer_allocated": _l("Reviewer allocated"),
    "task.completed": _l("Task completed"),
    "task.cancelled": _l("Task cancelled"),
    "task.reassigned": _l("Task reassigned"),
    "incident.corrected": _l("Incident corrected"),
    "review.reevaluated": _l("Review checked again"),
    "policy.changed": _l("Policy changed"),
    "support.needs_confirmed": _l("Support needs confirmed"),
    "task.viewed": _l("Task viewed"),
    "task.escalated": _l("Task escalated"),
    "notification.retried": _l("Email sent again"),
    "gathering.updated": _l("Information gathering changed"),
    "chronology.added": _l("Chronology entry added"),
    "chronology.updated": _l("Chronology entry changed"),
    "chronology.removed": _l("Chronology entry removed"),
    "report.drafted": _l("Review report drafted"),
    "report.viewed": _l("Review report viewed"),
    "report.shared": _l("Review report shared"),
    "report.exported": _l("Review report exported"),
    "accuracy.responded": _l("Report accuracy answered"),
    "dispute.author_responded": _l("Report author responded to a concern"),
    "dispute.escalated": _l("Dispute escalated"),
    "dispute.decided": _l("Dispute decided"),
    "dispute.grievance_recorded": _l("Grievance recorded"),
    "dispute.revised": _l("Dispute revised"),
    "dispute.resolved": _l("Dispute resolved"),
    "dispute.grievance_closed": _l("Grievance closed"),
    "dispute.closure_confirmed": _l("Dispute closure confirmed"),
    "disclosure.recorded": _l("External disclosure recorded"),
    "external_review.opened": _l("Safeguarding review recorded as known"),
    "external_review.updated": _l("Safeguarding review step recorded"),
    "learning.updated": _l("Learning changed"),
    "learning_points.recorded": _l("Learning points recorded"),
    "learning_point.updated": _l("Learning point changed"),
    "learning.exported": _l("Learning exported"),
    "slt.recorded": _l("Senior Leadership Team discussion recorded"),
    "action.added": _l("Action added"),
    "action.updated": _l("Action changed"),
    "action.withdrawn": _l("Action withdrawn"),
    "action.progress_noted": _l("Action progress noted"),
    "progress.reviewed": _l("Action plan progress reviewed"),
    "review.closed": _l("Review closed"),
    "taxonomy.changed": _l("Learning list changed"),
    "dashboard.exported": _l("Learning dashboard exported"),
    "support.arranged": _l("Support arranged"),
    "support.meeting_held": _l("Support meeting held"),
    "support.ended": _l("Support ended"),
    "user.created": _l("User created"),
    "user.updated": _l("User changed"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.signed_in": _l("User signed in"),
    "user.signed_out": _l("User signed out"),
    "user.sign_in_failed": _l("Sign-in failed"),
    "user.sign_in_refused": _l("Sign-in refused (too many attempts)"),
    "user.second_factor_failed": _l("Sign-in code wrong"),
    "user.second_factor_enrolled": _l("Second factor set up"),
    "user.second_factor_reset": _l("Second factor reset"),
    "user.recovery_code_used": _l("Recovery code used"),
    "user.password_changed": _l("User password changed"),
    "user.email_preference_changed": _l("User email preference changed"),
    "user.language_changed": _l("User language changed"),
    "user.reauthenticated": _l("Password checked again"),
    "user.reauthentication_failed": _l("Password check failed"),
    "account_change.requested": _l("Access change requested"),
    "account_change.approved": _l("Access change approved"),
    "account_change.refused": _l("Access change refused"),
    "area.created": _l("Operational area created"),
    "area.renamed": _l("Operational area renamed"),
    "briefing.drafted": _l("Learning briefing drafted"),
    "briefing.updated": _l("Learning briefing changed"),
    "briefing.sent": _l("Learning briefing sent"),
    "briefing.read": _l("Learning briefing read"),
    "briefing.acknowledged": _l("Learning briefing acknowledged"),
    "briefing.sources_viewed": _l("Review's learning seen on a learning briefing"),
    "briefing.delivered": _l("Learning briefing session recorded"),
    "demo.seeded": _l("Demonstration data loaded"),
}


# Who did it, when no person did: the stored label, in words.
_ACTORS: dict[str, LazyString] = {
    "system": _l("The service"),
    "cli": _l("Command line"),
    "anonymous": _l("Someone not signed in"),
}


def actor_words(label: str | None) -> str:
    """An event's stored actor label ("system", "cli", "anonymous") in the reader's words."""
    words = _ACTORS.get(label or "")
    return str(words) if words is not None else (label or "")


def event_label(event_type: str) -> str:
    """The event's name in plain words, for the audit trail page (an event type no longer declared,
    found in an old trail, reads as its stored name)."""
    label = _LABELS.get(event_type)
    return str(label) if label is not None else event_type


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
