"""The learning dashboard's area filter: one condition, used by every figure's query."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true

from webapp.models import Case, Incident, Review


def _cases(area_id: int):
    return select(Case.id).where(Case.area_id == area_id)


def incident_in_area(area_id: int | None) -> ColumnElement[bool]:
    """Incidents on the cases of one area (every incident when no area is asked for)."""
    return true() if area_id is None else Incident.case_id.in_(_cases(area_id))


def review_in_area(area_id: int | None) -> ColumnElement[bool]:
    """Reviews of the cases of one area (every review when no area is asked for)."""
    return true() if area_id is None else Review.case_id.in_(_cases(area_id))
