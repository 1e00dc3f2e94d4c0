"""Queries and changes for incident notifications (procedure step 1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from webapp import audit
from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.models import Case, Incident, IncidentVersion, ReviewState, Role, User
from webapp.models.cases import LabelledEnum
from webapp.paging import paginate
from webapp.records import StaleEdit, unit_of_work


def get_incident_or_404(incident_id: int) -> Incident:
    """The incident if it exists and its case is visible to the current user; 404 otherwise."""
    incident = db.session.execute(
        select(Incident).join(Case).where(Incident.id == incident_id, case_scope(current_user))
    ).scalar_one_or_none()
    if incident is None:
        abort(404)
    return incident


@dataclass(frozen=True)
class IncidentFilters:
    kind: str | None = None
    cause: str | None = None
    area_id: int | None = None


def list_incidents(user: User, filters: IncidentFilters, page: int, per_page: int):
    query = (
        select(Incident)
        .join(Case)
        .where(case_scope(user))
        # The case from the scope's join, its area with it: one statement for the page's rows.
        .options(contains_eager(Incident.case).joinedload(Case.area))
    )
    if filters.kind:
        query = query.where(Incident.kind == filters.kind)
    if filters.cause:
        query = query.where(Incident.cause == filters.cause)
    if filters.area_id:
        query = query.where(Case.area_id == filters.area_id)
    query = query.order_by(Incident.recorded_at.desc(), Incident.id.desc())
    return paginate(query, page=page, per_page=min(per_page, 100))


def record_incident(
    case: Case, values: dict, *, recorded_by: User, known_risk_factors: Iterable[int] = ()
) -> Incident:
    """Record the notification and, in the same transaction, open its review (procedure step 2),
    noting on it the risk factors already known (for the relevant past learning it shows)."""
    from webapp.learning.past import note_known_risk_factors
    from webapp.reviews.services import open_review

    with unit_of_work():
        incident = Incident(case=case, recorded_by=recorded_by, **values)
        db.session.add(incident)
        db.session.flush()
        audit.record("incident.recorded", record_id=incident.id, case_id=case.id)
        review = open_review(incident, actor=recorded_by)
        note_known_risk_factors(review, known_risk_factors)
    return incident


class FactsLocked(Exception):
    """The review is closed: only the CE or DCE may correct the facts, with a reason."""


# The facts the rules read (webapp/reviews/services.incident_facts): a change re-runs them.
RULE_FACTS = frozenset(
    {
        "kind",
        "cause",
        "person_affected",
        "linked_to_court_involvement",
        "susr_known",
        "scr_known",
        "occurred_on",
    }
)
CORRECTORS = frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE})


def may_change(incident: Incident, user: User) -> bool:
    """Who may change an incident after it is recorded: the CE, DCE and the case's Area Head of
    Operations; after the review closed, only the CE or DCE (a correction, with a reason). The
    practitioner whose work is reviewed, their PM and other Heads of Operations record only."""
    if user.roles & CORRECTORS:
        return True
    closed = incident.review is not None and incident.review.state == ReviewState.CLOSED
    return not closed and Role.AREA_HEAD_OF_OPERATIONS in user.roles and user.area_id == incident.case.area_id


def may_read_versions(incident: Incident, user: User) -> bool:
    """The version history (with values) is for the CE, DCE, the reviewer and the case's AHoO."""
    if user.roles & CORRECTORS:
        return True
    if incident.review is not None and incident.review.reviewer_id == user.id:
        return True
    return Role.AREA_HEAD_OF_OPERATIONS in user.roles and user.area_id == incident.case.area_id


# The facts whose kept values are the service's words (choices, yes/no), which the page shows in the
# reader's language; the others (the summary, who told us, dates) are shown as kept.
WORDED_FACTS = frozenset(
    {"kind", "cause", "person_affected", "linked_to_court_involvement", "susr_known", "scr_known"}
)


def shown(value: object) -> str:
    """A value as the version history keeps it, in English whoever made the change (labels for
    choices, Yes/No, ISO dates); ``shown_change`` puts it in the reader's language."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, LabelledEnum):
        with force_locale("en"):
            return value.label
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shown_change(change: dict) -> dict:
    """A kept change as the reader reads it: the service's words in their language, users' as kept."""
    if change["field"] not in WORDED_FACTS:
        return change
    return {**change, "old": _(change["old"]), "new": _(change["new"])}


def update_incident(
    incident: Incident,
    values: dict,
    *,
    expected_version: int,
    actor: User,
    reason: str | None = None,
    known_risk_factors: set[int] | None = None,
) -> list[str]:
    """Change the facts, keeping a version with the old and new values; a change to a fact the rules
    read re-runs them in the same transaction (webapp/reviews/reevaluation.py)."""
    from webapp.learning.past import known_risk_factor_ids, replace_known_risk_factors
    from webapp.reviews.reevaluation import reevaluate

    if incident.version != expected_version:
        raise StaleEdit
    review = incident.review
    closed = review is not None and review.state == ReviewState.CLOSED
    if not may_change(incident, actor):
        raise FactsLocked(_("Only the Chief Executive or Deputy Chief Executive can correct the facts now."))
    if closed and not (reason or "").strip():
        raise FactsLocked(_("Enter the reason for correcting the facts of a closed review"))
    changes = [
        {"field": name, "old": shown(getattr(incident, name)), "new": shown(value)}
        for name, value in values.items()
        if getattr(incident, name) != value
    ]
    # Read before the facts are applied, so no query flushes them outside the unit of work.
    risks_changed = (
        review is not None
        and known_risk_factors is not None
        and known_risk_factors != known_risk_factor_ids(review)
    )
    changed = audit.apply_changes(incident, values)
    if not changed and not risks_changed:
        return []
    with unit_of_work():
        if risks_changed:
            assert review is not None and known_risk_factors is not None
            was, became = replace_known_risk_factors(review, known_risk_factors)
            changes.append({"field": "known_risk_factors", "old": ", ".join(was), "new": ", ".join(became)})
            changed = [*changed, "known_risk_factors"]
        db.session.flush()
        audit.record(
            "incident.corrected" if closed else "incident.updated",
            record_id=incident.id,
            case_id=incident.case_id,
            changed_fields=changed,
        )
        if review is not None:
            version = IncidentVersion(
                incident=incident,
                changed_by_id=actor.id,
                changes=changes,
                correction_reason=reason.strip() if closed and reason else None,
                outcome_changed=False,
            )
            db.session.add(version)
            if RULE_FACTS & set(changed):
                before, after = reevaluate(review, actor=actor)
                version.decision_before, version.decision_after = before, after
                version.outcome_changed = any(before[k] != after[k] for k in before if k != "reasons")
            db.session.flush()
    return changed
