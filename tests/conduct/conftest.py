"""A review taken to 'Review in progress' through the services, with the people around it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.clock import london_today
from tests.factories import make_application, make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import GatheringSource, ProceedingsStatus, Review, Role, TaskKind
from webapp.reviews import services as review_services

# Every field of the report form, as it posts them: the default chronology entry (entry_data) covers
# identified risks and liaison, so vulnerabilities are ticked "none identified".
FULL_REPORT = {
    "background": "The family has been known to the service since 2023.",
    "incident_summary": "The child was taken to hospital with serious injuries.",
    "inquiries": "The case file was read; the practitioner, PM and HoO were spoken to.",
    "chronology_none": ["vulnerability"],
    "decision_making": "Decisions were recorded and supervised monthly.",
    "procedural_issues": "The risk assessment was not updated",
    "practice_issues": "Home visits were not recorded",
    "impact": "Our involvement kept the children's views before the court.",
    "learning_points": "Update risk assessments when circumstances change",
}


def gather_everything(client, review) -> None:
    """The reviewer records each of the four gathering sources as done."""
    for source in GatheringSource:
        client.post(
            f"/reviews/{review.id}/gathering/{source.value}",
            {"notes": "Done.", "done_on": d(london_today())},
            status=302,
        )


def ready_to_share(client, review) -> None:
    """What the report gate needs besides the written sections: a chronology entry, gathering done."""
    client.post(f"/reviews/{review.id}/chronology/new", entry_data(date(2025, 2, 1)), status=302)
    gather_everything(client, review)


@pytest.fixture
def world(app):
    north, south = make_area(name="North"), make_area(name="South")
    return {
        "north": north,
        "south": south,
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief"),
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Area Head"),
        "hoo_north": make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Huw North"),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="Rhian Reviewer"),
        "other_hoo": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="Owain Other"),
        "admin": make_user(roles=Role.ADMINISTRATOR),
    }


def new_case(world, *, susr: bool = False):
    case = make_case(
        area=world["north"],
        proceedings_status=ProceedingsStatus.CLOSED,
        children=[("Gwen Ŵyn Jones", date(2018, 5, 1)), ("Dylan Jones", date(2020, 9, 14))],
    )
    make_application(case=case, application_type="care_order", made_on=date(2025, 1, 6))
    incident = make_incident(case=case, susr=susr)
    review = review_services.open_review(incident, actor=case.practice_manager)
    db.session.commit()
    return case, review


def start_review(world, review: Review) -> Review:
    review_services.decide(review, initiate=True, rationale="Learning is likely.", actor=world["ce"])
    review_services.allocate_reviewer(
        review.task(TaskKind.ALLOCATE_REVIEWER), world["reviewer"], actor=world["ce"]
    )
    db.session.refresh(review)
    return review


@pytest.fixture
def in_review(world):
    """A closed-case review with its reviewer allocated: the state the reviewer's work starts in."""
    _case, review = new_case(world)
    return start_review(world, review)


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def entry_data(when: date, what: str = "Police attended a domestic incident.", **overrides) -> dict:
    data = {
        "occurred_on": d(when),
        "what_happened": what,
        "source": "Police report",
        "categories": ["identified_risk", "liaison"],
    }
    data.update(overrides)
    return data
