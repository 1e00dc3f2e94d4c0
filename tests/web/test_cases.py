"""Recording, finding, viewing and changing cases, their children and applications."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from webapp.extensions import db
from webapp.models import AuditEvent, Case, ProceedingsStatus, Role


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def events(event_type: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.event_type == event_type)).scalars())


@pytest.fixture
def team(app):
    area = make_area(name="North")
    return {
        "area": area,
        "practitioner": make_user(roles=Role.PRACTITIONER, area=area),
        "manager": make_user(roles=Role.PRACTICE_MANAGER, area=area),
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area),
    }


def case_form(team, **overrides) -> dict:
    data = {
        "case_number": "cf25p 01234",
        "area_id": str(team["area"].id),
        "law_type": "private",
        "proceedings_status": "ongoing",
        "practitioner_id": str(team["practitioner"].id),
        "practice_manager_id": str(team["manager"].id),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_record_a_case(team, signed_in):
    client = signed_in(team["ahoo"])
    page = client.post("/cases/new", case_form(team), status=302)
    case = db.session.execute(select(Case)).scalar_one()
    assert page.response.headers["Location"] == f"/cases/{case.id}"
    assert case.case_number == "CF25P01234"
    assert case.proceedings_status == ProceedingsStatus.ONGOING
    assert case.proceedings_closed_on is None
    created = events("case.created")
    assert [(e.record_id, e.actor_id) for e in created] == [(case.id, team["ahoo"].id)]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"case_number": ""}, "Enter the case number"),
        ({"case_number": "X" * 33}, "Case number must be 32 characters or fewer"),
        (
            {"case_number": "CF<script>"},
            "Case number must only include letters, numbers, hyphens and slashes",
        ),
        ({"area_id": None}, "Select the operational area"),
        ({"area_id": "99999"}, "Select the operational area"),
        ({"area_id": "north"}, "Select the operational area"),
        ({"law_type": "civil"}, "Select public law or private law"),
        ({"proceedings_status": None}, "Select whether the proceedings are ongoing or closed"),
        ({"proceedings_status": "closed"}, "Enter the date the proceedings closed"),
        (
            {"proceedings_status": "closed", "proceedings_closed_on": ["31", "2", "2025"]},
            "Date the proceedings closed must be a real date",
        ),
        (
            {"proceedings_status": "closed", "proceedings_closed_on": ["1", "", "2025"]},
            "Date the proceedings closed must include a day, month and year",
        ),
        ({"practitioner_id": None}, "Select the practitioner"),
        ({"practice_manager_id": "abc"}, "Select the Practice Manager"),
    ],
)
def test_bad_case_input_is_explained_and_saves_nothing(team, signed_in, overrides, message):
    client = signed_in(team["ahoo"])
    page = client.post("/cases/new", case_form(team, **overrides))
    assert message in page.error_summary()
    assert page.title.startswith("Error: ")
    assert count(Case) == 0
    assert events("case.created") == []


def test_future_closure_date_is_refused(team, signed_in):
    tomorrow = london_today() + timedelta(days=2)
    page = signed_in(team["ahoo"]).post(
        "/cases/new",
        case_form(
            team,
            proceedings_status="closed",
            proceedings_closed_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        ),
    )
    assert "Date the proceedings closed must be today or in the past" in page.error_summary()
    assert count(Case) == 0


def test_practitioner_must_hold_the_practitioner_role(team, signed_in):
    page = signed_in(team["ahoo"]).post("/cases/new", case_form(team, practitioner_id=str(team["ahoo"].id)))
    assert "Select the practitioner" in page.error_summary()


def test_duplicate_case_number_is_refused(team, signed_in):
    make_case(case_number="CF25P01234", area=team["area"])
    page = signed_in(team["ahoo"]).post("/cases/new", case_form(team))
    assert "A case with this case number already exists" in page.error_summary()
    assert count(Case) == 1


def test_closed_case_keeps_its_date_and_ongoing_clears_it(team, signed_in):
    client = signed_in(team["ahoo"])
    client.post(
        "/cases/new",
        case_form(team, proceedings_status="closed", proceedings_closed_on=["3", "2", "2025"]),
        status=302,
    )
    case = db.session.execute(select(Case)).scalar_one()
    assert case.proceedings_closed_on == date(2025, 2, 3)
    client.post(
        f"/cases/{case.id}/edit",
        case_form(
            team,
            proceedings_status="ongoing",
            proceedings_closed_on=["3", "2", "2025"],
            version=str(case.version),
        ),
        status=302,
    )
    db.session.expire_all()
    assert case.proceedings_closed_on is None
    assert events("case.updated")[0].changed_fields == ["proceedings_closed_on", "proceedings_status"]


def test_edit_records_changed_field_names_not_values(team, signed_in):
    case = make_case(
        area=team["area"],
        practitioner=team["practitioner"],
        practice_manager=team["manager"],
        case_number="AB1",
    )
    client = signed_in(team["manager"])
    client.post(
        f"/cases/{case.id}/edit", case_form(team, case_number="AB2", version=str(case.version)), status=302
    )
    db.session.expire_all()
    assert case.case_number == "AB2"
    [event] = events("case.updated")
    assert event.changed_fields == ["case_number", "law_type"] or event.changed_fields == ["case_number"]
    assert "AB2" not in str(event.changed_fields)


def test_stale_edit_is_refused_and_changes_nothing(team, signed_in):
    case = make_case(
        area=team["area"],
        practitioner=team["practitioner"],
        practice_manager=team["manager"],
        case_number="AB1",
    )
    opened_version = str(case.version)
    client = signed_in(team["manager"])
    # Someone else saves first.
    client.post(
        f"/cases/{case.id}/edit", case_form(team, case_number="AB2", version=opened_version), status=302
    )
    page = client.post(f"/cases/{case.id}/edit", case_form(team, case_number="AB3", version=opened_version))
    assert any("Someone else changed this record" in e for e in page.error_summary())
    db.session.expire_all()
    assert case.case_number == "AB2"


def test_viewing_a_case_is_audited(team, signed_in):
    case = make_case(area=team["area"], practitioner=team["practitioner"], practice_manager=team["manager"])
    signed_in(team["practitioner"]).get(f"/cases/{case.id}")
    [event] = events("case.viewed")
    assert (event.case_id, event.actor_id) == (case.id, team["practitioner"].id)


def test_children_and_applications(team, signed_in):
    case = make_case(area=team["area"], practitioner=team["practitioner"], practice_manager=team["manager"])
    client = signed_in(team["manager"])
    page = client.post(f"/cases/{case.id}/children/new", {"name": "", "date_of_birth": ["", "", ""]})
    assert page.error_summary() == ["Enter the child's full name", "Enter the child's date of birth"]
    client.post(
        f"/cases/{case.id}/children/new",
        {"name": "Alys Example", "date_of_birth": ["14", "6", "2019"]},
        status=302,
    )
    page = client.post(
        f"/cases/{case.id}/applications/new", {"application_type": "made_up", "made_on": ["1", "1", "2025"]}
    )
    assert page.error_summary() == ["Select the type of application"]
    client.post(
        f"/cases/{case.id}/applications/new",
        {"application_type": "care_order", "made_on": ["1", "1", "2025"]},
        status=302,
    )
    text = client.get(f"/cases/{case.id}").text()
    assert "Alys Example" in text and "14 June 2019" in text
    assert "Care order" in text and "1 January 2025" in text

    db.session.expire_all()
    child_id = case.children[0].id
    client.post(f"/cases/{case.id}/children/{child_id}/remove", {}, status=302)
    client.post(f"/cases/{case.id}/children/{child_id}/remove", {}, status=404)
    db.session.expire_all()
    assert case.children == []
    assert [
        e.event_type
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        ).scalars()
    ] == [
        "child.added",
        "application.added",
        "case.viewed",
        "child.removed",
    ]


def test_search_filters_and_paging(team, signed_in, app):
    other = make_area(name="South")
    for n in range(30):
        make_case(
            area=team["area"] if n % 2 else other,
            case_number=f"SRCH{n:03d}",
            proceedings_status=ProceedingsStatus.CLOSED if n % 3 == 0 else ProceedingsStatus.ONGOING,
            children=[("Bryn Example", date(2018, 1, 1))] if n == 7 else None,
        )
    client = signed_in(roles=Role.CHIEF_EXECUTIVE)
    first = client.get("/cases")
    assert len(first.html.select("tbody tr")) == app.config["LIST_PER_PAGE"]
    assert "Showing 25 of 30" in first.text()
    second = client.get("/cases?page=2")
    assert len(second.html.select("tbody tr")) == 5
    assert client.get("/cases?page=999").html.select("tbody tr") == []
    assert client.get("/cases?page=-3").status == 200

    by_child = client.get("/cases?q=bryn")
    assert [a.get_text() for a in by_child.html.select("tbody a")] == ["SRCH007"]
    wildcard = client.get("/cases?q=%25")
    assert wildcard.html.select("tbody tr") == []

    south_closed = client.get(f"/cases?area={other.id}&status=closed")
    numbers = {a.get_text() for a in south_closed.html.select("tbody a")}
    assert numbers == {f"SRCH{n:03d}" for n in range(30) if n % 2 == 0 and n % 3 == 0}
    assert client.get("/cases?status=nonsense").status == 200
