"""Recording and changing incident notifications (procedure step 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import AuditEvent, Incident, IncidentCause, PersonAffected, Role


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def case(app):
    area = make_area()
    return make_case(area=area)


def incident_form(**overrides) -> dict:
    occurred = london_today() - timedelta(days=5)
    data = {
        "kind": "death",
        "occurred_on": d(occurred),
        "cause": "unknown",
        "person_affected": "child_subject",
        "linked_to_court_involvement": "yes",
        "susr_known": "no",
        "scr_known": "no",
        "summary": "  What is known so far.  ",
        "notified_by": "Police",
        "notified_on": d(occurred + timedelta(days=1)),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def incident_count() -> int:
    return db.session.execute(select(func.count()).select_from(Incident)).scalar_one()


def test_practitioner_records_an_incident_on_their_case(case, signed_in):
    client = signed_in(case.practitioner)
    page = client.post(f"/cases/{case.id}/incidents/new", incident_form(), status=302)
    incident = db.session.execute(select(Incident)).scalar_one()
    assert page.response.headers["Location"] == f"/incidents/{incident.id}"
    assert incident.cause == IncidentCause.UNKNOWN
    assert incident.person_affected == PersonAffected.CHILD_SUBJECT
    assert incident.linked_to_court_involvement is True and incident.susr_known is False
    assert incident.summary == "What is known so far."
    assert incident.recorded_by_id == case.practitioner.id
    assert incident.recorded_at.tzinfo is not None

    view = client.get(f"/incidents/{incident.id}")
    assert "Not yet known" in view.text() and "Police" in view.text()
    kinds = [e.event_type for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert kinds[-3:] == ["incident.recorded", "review.transition", "incident.viewed"]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"kind": None}, "Select a death or a significant incident"),
        ({"kind": "accident"}, "Select a death or a significant incident"),
        ({"cause": "misadventure"}, "Select the cause, or 'Not yet known'"),
        ({"person_affected": None}, "Select who was affected"),
        (
            {"linked_to_court_involvement": "maybe"},
            "Select yes if the incident is linked to the court involvement",
        ),
        ({"susr_known": None}, "Select yes if a Single Unified Safeguarding Review is known"),
        ({"occurred_on": ["", "", ""]}, "Enter the date of the incident"),
        ({"occurred_on": ["30", "2", "2026"]}, "Date of the incident must be a real date"),
        (
            {"occurred_on": d(london_today() + timedelta(days=2))},
            "Date of the incident must be today or in the past",
        ),
        ({"summary": "   "}, "Enter a summary of what is known"),
        ({"summary": "x" * 2001}, "Summary must be 2000 characters or fewer"),
        ({"notified_by": "y" * 201}, "Who told us must be 200 characters or fewer"),
        (
            {"notified_on": d(london_today() - timedelta(days=30))},
            "Date we were told must be the same as or after the date of the incident",
        ),
    ],
)
def test_bad_incident_input_is_explained_and_saves_nothing(case, signed_in, overrides, message):
    page = signed_in(case.practice_manager).post(
        f"/cases/{case.id}/incidents/new", incident_form(**overrides)
    )
    assert message in page.error_summary()
    assert incident_count() == 0


def test_error_summary_links_to_the_field(case, signed_in):
    page = signed_in(case.practice_manager).post(f"/cases/{case.id}/incidents/new", incident_form(summary=""))
    link = page.html.select_one(".govuk-error-summary__list a")
    assert link["href"] == "#summary"
    assert page.html.select_one("#summary") is not None


def test_edit_incident_keeps_history_of_field_names(case, signed_in):
    incident = make_incident(case=case)
    client = signed_in(roles=Role.AREA_HEAD_OF_OPERATIONS, area=case.area)
    form = client.get(f"/incidents/{incident.id}/edit")
    assert form.html.select_one("input[name=linked_to_court_involvement][value=yes]").has_attr("checked")
    client.post(
        f"/incidents/{incident.id}/edit",
        incident_form(
            kind="significant_incident",
            cause="violence",
            occurred_on=d(incident.occurred_on),
            notified_on=d(incident.notified_on),
            summary="Test summary",
            susr_known="yes",
            version=str(incident.version),
        ),
        status=302,
    )
    db.session.expire_all()
    assert incident.susr_known is True
    [event] = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "incident.updated")
    ).scalars()
    assert event.changed_fields == ["susr_known"]


def test_incident_list_filters(case, signed_in):
    make_incident(case=case, cause=IncidentCause.NEGLECT)
    make_incident(case=case, cause=IncidentCause.SUICIDE)
    client = signed_in(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    assert len(client.get("/incidents").html.select("tbody tr")) == 2
    rows = client.get("/incidents?cause=neglect").html.select("tbody tr")
    assert len(rows) == 1 and "Neglect" in rows[0].get_text()


def test_practitioner_cannot_record_on_someone_elses_case(case, signed_in):
    stranger = make_user(roles=Role.PRACTITIONER, area=case.area)
    signed_in(stranger).post(f"/cases/{case.id}/incidents/new", incident_form(), status=404)
    assert incident_count() == 0
