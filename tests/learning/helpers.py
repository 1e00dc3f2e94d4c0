"""Helpers for the learning tests: reviews brought to 'Report agreed' without the report stages
(those belong to other features): transition() from IN_REVIEW, then on_report_agreed()."""

from __future__ import annotations

from datetime import date, timedelta

from tests.clock import london_today
from tests.factories import make_case, make_incident
from webapp.extensions import db
from webapp.models import IncidentKind, ProceedingsStatus, Review, ReviewState
from webapp.reviews.services import on_report_agreed, open_review, transition


def d(value: date) -> list[str]:
    """A date as the three boxes of a GOV.UK date input."""
    return [str(value.day), str(value.month), str(value.year)]


def agreed_review(
    world,
    *,
    proceedings: ProceedingsStatus = ProceedingsStatus.ONGOING,
    kind: IncidentKind = IncidentKind.DEATH,
    occurred_on: date | None = None,
) -> Review:
    """A review whose report everyone agreed: DISCUSS_AT_SLT is open for the CE and DCE."""
    case = make_case(
        area=world["north"],
        practitioner=world["practitioner"],
        practice_manager=world["pm"],
        proceedings_status=proceedings,
    )
    incident = make_incident(
        case=case, kind=kind, occurred_on=occurred_on or london_today() - timedelta(days=60)
    )
    review = open_review(incident, actor=world["pm"])
    db.session.flush()
    transition(review, "initiate", actor=world["ce"])
    review.reviewer_id = world["reviewer"].id
    transition(review, "allocate_reviewer", actor=world["ce"])
    transition(review, "share_report", actor=world["reviewer"])
    transition(review, "all_agreed", actor=None)
    on_report_agreed(review)
    db.session.commit()
    assert review.state == ReviewState.AGREED
    return review
