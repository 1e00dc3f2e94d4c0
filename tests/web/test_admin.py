"""Administrator pages: users, roles, areas, line managers, deactivation, the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_area, make_case, make_user
from webapp.admin import approvals
from webapp.extensions import db
from webapp.models import AuditEvent, OperationalArea, Role, User


def user_form(**overrides) -> dict:
    data = {
        "name": "Gwen Example",
        "email": "Gwen.Example@Example.org",
        "roles": ["practice_manager", "practitioner"],
        "area_id": "",
        "line_manager_id": "",
        "password": "a long enough password",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_adds_a_user_who_can_then_sign_in(app, signed_in):
    area = make_area(name="North")
    manager = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    client = signed_in(roles=Role.ADMINISTRATOR)
    client.post(
        "/admin/users/new", user_form(area_id=str(area.id), line_manager_id=str(manager.id)), status=302
    )
    user = db.session.execute(select(User).where(User.email == "gwen.example@example.org")).scalar_one()
    # Roles that see case data wait for the CE or DCE (tests/security/test_role_approval.py).
    assert user.roles == set()
    ce = signed_in(roles=Role.CHIEF_EXECUTIVE)
    [waiting] = approvals.pending_for(user)
    ce.post(f"/account-changes/{waiting.id}/approve", {}, status=302)
    db.session.expire_all()
    assert user.roles == {Role.PRACTICE_MANAGER, Role.PRACTITIONER}
    assert user.area_id == area.id and user.line_manager_id == manager.id
    # The temporary password gets the person only as far as choosing their own.
    response = sign_in(app.test_client(), "GWEN.example@example.org", "a long enough password")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/new-password"


def test_user_form_errors(app, signed_in):
    make_user(email="taken@example.org")
    client = signed_in(roles=Role.ADMINISTRATOR)
    cases = [
        (user_form(roles=None), "Select at least one role"),
        (user_form(roles=["emperor"]), "Select roles from the list"),
        (
            user_form(email="not-an-email"),
            "Enter an email address in the correct format, like name@example.org",
        ),
        (user_form(email="TAKEN@example.org"), "A user with this email address already exists"),
        (user_form(password="short"), "Password must be 12 characters or more"),
        (user_form(password=""), "Enter a temporary password"),
        (user_form(area_id="12345"), "Select an operational area from the list"),
        (user_form(name="n" * 121), "Name must be 120 characters or fewer"),
    ]
    before = db.session.execute(select(User)).scalars().all()
    for data, message in cases:
        assert message in client.post("/admin/users/new", data).error_summary(), message
    assert db.session.execute(select(User)).scalars().all() == before


def test_line_manager_chain_cannot_loop(app, signed_in):
    top = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    middle = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, manager=top)
    client = signed_in(roles=Role.ADMINISTRATOR)
    page = client.post(
        f"/admin/users/{top.id}/edit",
        user_form(
            name=top.name,
            email=top.email,
            roles=["deputy_chief_executive"],
            line_manager_id=str(middle.id),
            password="",
        ),
    )
    assert "Line manager cannot report to this person" in page.error_summary()
    db.session.expire_all()
    assert top.line_manager_id is None


def test_deactivate_and_reactivate(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    admin_client = signed_in(roles=Role.ADMINISTRATOR)
    person_client = signed_in(person)
    admin_client.post(f"/admin/users/{person.id}/deactivate", {}, status=302)
    assert person_client.client.get("/cases").status_code == 302
    assert sign_in(app.test_client(), person.email).status_code == 200
    admin_client.post(f"/admin/users/{person.id}/reactivate", {}, status=302)
    assert sign_in(app.test_client(), person.email).status_code == 302
    kinds = [
        e.event_type
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.record_id == person.id, AuditEvent.record_type == "user")
        ).scalars()
    ]
    assert "user.deactivated" in kinds and "user.reactivated" in kinds


def test_admin_cannot_deactivate_themselves(app, signed_in):
    client = signed_in(roles=Role.ADMINISTRATOR)
    client.post(f"/admin/users/{client.user.id}/deactivate", {}, status=302)
    db.session.expire_all()
    assert client.user.active is True


def test_password_reset_signs_the_person_out(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    person_client = signed_in(person)
    admin_client = signed_in(roles=Role.ADMINISTRATOR)
    admin_client.post(
        f"/admin/users/{person.id}/edit",
        user_form(
            name=person.name, email=person.email, roles=["practitioner"], password="a brand new password"
        ),
        status=302,
    )
    assert person_client.client.get("/cases").status_code == 302
    assert sign_in(app.test_client(), person.email, "a brand new password").status_code == 302


def test_areas_are_managed_by_administrators(app, signed_in):
    client = signed_in(roles=Role.ADMINISTRATOR)
    client.post("/admin/areas", {"name": "  Mid   Wales "}, status=302)
    assert (
        "An area with this name already exists"
        in client.post("/admin/areas", {"name": "mid wales"}).error_summary()
    )
    assert "Enter the area name" in client.post("/admin/areas", {"name": ""}).error_summary()
    [area] = db.session.execute(select(OperationalArea)).scalars()
    assert area.name == "Mid Wales"
    client.post(f"/admin/areas/{area.id}/rename", {"name": "Powys"}, status=302)
    db.session.expire_all()
    assert area.name == "Powys"


def test_administrator_sees_no_case_data_but_can_read_the_trail(app, signed_in):
    case = make_case(case_number="SECRET123", children=[])
    signed_in(case.practitioner).get(f"/cases/{case.id}")
    client = signed_in(roles=Role.ADMINISTRATOR)
    client.get(f"/cases/{case.id}", status=403)
    trail = client.get(f"/admin/audit?case={case.id}")
    assert "case.viewed" in trail.text()
    assert "SECRET123" not in trail.text()


def test_ce_reads_a_case_trail_from_the_case_page(app, signed_in):
    case = make_case()
    client = signed_in(roles=Role.CHIEF_EXECUTIVE)
    page = client.get(f"/cases/{case.id}")
    link = page.html.find("a", string="View the audit trail for this case")
    trail = client.get(link["href"])
    assert len(trail.html.select("tbody tr")) >= 1


def test_policy_page_shows_every_timescale_as_a_default(app, signed_in):
    policy = app.extensions["case_review_policy"]
    page = signed_in(roles=Role.CHIEF_EXECUTIVE).get("/admin/policy")  # reads; may not change them
    assert "our defaults" in page.text() and not page.html.select("tbody input")
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[1].get_text(strip=True)
        for tr in page.html.select("tbody tr")
    }
    for key, days, _description in policy.describe():
        assert rows[key] == (str(days) if days is not None else "not set")
    # An administrator sees each set timescale in a field to change it.
    admin = signed_in(roles=Role.ADMINISTRATOR).get("/admin/policy")
    fields = {field["name"]: field["value"] for field in admin.html.select("tbody input")}
    assert fields == {key: str(days) for key, days, _ in policy.describe() if days is not None}
    signed_in(roles=Role.PRACTITIONER).get("/admin/policy", status=403)
