"""Queries and changes for incident notifications (procedure step 1)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.models import Case, Incident, User
from webapp.paging import paginate
from webapp.records import save_edit, unit_of_work


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
        .options(selectinload(Incident.case).selectinload(Case.area))
    )
    if filters.kind:
        query = query.where(Incident.kind == filters.kind)
    if filters.cause:
        query = query.where(Incident.cause == filters.cause)
    if filters.area_id:
        query = query.where(Case.area_id == filters.area_id)
    query = query.order_by(Incident.recorded_at.desc(), Incident.id.desc())
    return paginate(query, page=page, per_page=min(per_page, 100))


def record_incident(case: Case, values: dict, *, recorded_by: User) -> Incident:
    """Record the notification and, in the same transaction, open its review (procedure step 2)."""
    from webapp.reviews.services import open_review

    with unit_of_work():
        incident = Incident(case=case, recorded_by=recorded_by, **values)
        db.session.add(incident)
        db.session.flush()
        audit.record("incident.recorded", record_id=incident.id, case_id=case.id)
        open_review(incident, actor=recorded_by)
    return incident


def update_incident(incident: Incident, values: dict, *, expected_version: int) -> list[str]:
    return save_edit(
        incident,
        values,
        expected_version=expected_version,
        event_type="incident.updated",
        case_id=incident.case_id,
    )
