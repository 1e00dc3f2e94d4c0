"""Deny by default: every route is guarded, and each role sees exactly its own records."""

from __future__ import annotations

import pytest

from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import Role

# Flask's own static route serves webapp/static (CSS and the GOV.UK initialiser): no data.
FRAMEWORK_PUBLIC = {"static"}


def test_every_route_names_a_permission_or_is_declared_public(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "required_permission", None) and not getattr(view, "is_public", False):
            unguarded.append(rule.rule)
    assert unguarded == []


def test_unknown_permission_name_fails_at_import():
    from webapp.permissions import permission_required

    with pytest.raises(ValueError):
        permission_required("see_everything")


@pytest.fixture
def world(app):
    """Two areas, each with a case and an incident; the 'home' area's people own case_a."""
    home, away = make_area(name="Home area"), make_area(name="Away area")
    practitioner = make_user(roles=Role.PRACTITIONER, area=home)
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=home)
    case_a = make_case(area=home, practitioner=practitioner, practice_manager=manager)
    case_b = make_case(area=away)
    return {
        "home": home,
        "practitioner": practitioner,
        "manager": manager,
        "case_a": case_a,
        "case_b": case_b,
        "incident_a": make_incident(case=case_a),
        "incident_b": make_incident(case=case_b),
    }


CASE_PAGES = [
    "/cases/{case}",
    "/cases/{case}/edit",
    "/cases/{case}/children/new",
    "/cases/{case}/applications/new",
    "/cases/{case}/incidents/new",
    "/incidents/{incident}",
    "/incidents/{incident}/edit",
]
EDIT_PAGES = {"/cases/{case}/edit", "/cases/{case}/children/new", "/cases/{case}/applications/new"}
INCIDENT_PAGES = {"/cases/{case}/incidents/new"}
CHANGE_INCIDENT_PAGES = {"/incidents/{incident}/edit"}
ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/areas"]

# role -> (sees case_a, sees case_b)
SCOPE = {
    Role.CHIEF_EXECUTIVE: (True, True),
    Role.DEPUTY_CHIEF_EXECUTIVE: (True, True),
    Role.PRACTICE_DEVELOPMENT_TEAM: (True, True),
    Role.SENIOR_LEADERSHIP_TEAM: (True, True),
    Role.AREA_HEAD_OF_OPERATIONS: (True, False),
    Role.HEAD_OF_OPERATIONS: (True, False),
    Role.PRACTICE_MANAGER: (True, False),
    Role.PRACTITIONER: (True, False),
    Role.ADMINISTRATOR: (False, False),
}
CAN_EDIT = {
    Role.CHIEF_EXECUTIVE,
    Role.DEPUTY_CHIEF_EXECUTIVE,
    Role.AREA_HEAD_OF_OPERATIONS,
    Role.PRACTICE_MANAGER,
}
CAN_RECORD = CAN_EDIT | {Role.HEAD_OF_OPERATIONS, Role.PRACTITIONER}
# Changing an incident's facts: not the practitioner whose work is reviewed, nor their PM.
CAN_CHANGE_INCIDENTS = {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE, Role.AREA_HEAD_OF_OPERATIONS}


def _user_for(role: Role, world):
    if role == Role.PRACTITIONER:
        return world["practitioner"]
    if role == Role.PRACTICE_MANAGER:
        return world["manager"]
    return make_user(roles=role, area=world["home"])


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_access_matrix(role, world, signed_in):
    client = signed_in(_user_for(role, world))
    sees_a, sees_b = SCOPE[role]
    for template in CASE_PAGES:
        if template in EDIT_PAGES:
            allowed = role in CAN_EDIT
        elif template in INCIDENT_PAGES:
            allowed = role in CAN_RECORD
        elif template in CHANGE_INCIDENT_PAGES:
            allowed = role in CAN_CHANGE_INCIDENTS
        else:
            allowed = role != Role.ADMINISTRATOR
        for case_key, incident_key, in_scope in (
            ("case_a", "incident_a", sees_a),
            ("case_b", "incident_b", sees_b),
        ):
            url = template.format(case=world[case_key].id, incident=world[incident_key].id)
            expected = 403 if not allowed else 200 if in_scope else 404
            client.get(url, status=expected)
        # An id that does not exist answers exactly as a record out of scope does.
        missing = template.format(case=999999, incident=999999)
        client.get(missing, status=403 if not allowed else 404)

    for url in ("/cases", "/incidents"):
        client.get(url, status=200 if role != Role.ADMINISTRATOR else 403)
    for url in ADMIN_PAGES:
        client.get(url, status=200 if role == Role.ADMINISTRATOR else 403)
    client.get(
        "/admin/audit",
        status=200
        if role in {Role.ADMINISTRATOR, Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}
        else 403,
    )


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR], ids=lambda r: r.value)
def test_case_list_shows_only_cases_in_scope(role, world, signed_in):
    client = signed_in(_user_for(role, world))
    text = client.get("/cases").text()
    sees_a, sees_b = SCOPE[role]
    assert (world["case_a"].case_number in text) == sees_a
    assert (world["case_b"].case_number in text) == sees_b
    incidents = client.get("/incidents").text()
    assert (world["case_b"].case_number in incidents) == sees_b


def test_posts_to_foreign_records_change_nothing(world, signed_in):
    client = signed_in(world["practitioner"])
    other_manager = make_user(roles=Role.PRACTICE_MANAGER, area=world["home"])
    outsider = signed_in(other_manager)
    case_b = world["case_b"]
    outsider.post(
        f"/cases/{case_b.id}/children/new", {"name": "X", "date_of_birth": ["1", "1", "2020"]}, status=404
    )
    client.post(f"/cases/{world['case_a'].id}/edit", {"case_number": "HIJACK"}, status=403)
    db.session.expire_all()
    assert world["case_a"].case_number != "HIJACK"
    assert world["case_b"].children == []


@pytest.mark.parametrize("url", ["/cases", "/cases/1", "/incidents", "/admin/users", "/admin/audit", "/home"])
def test_anonymous_visitors_are_sent_to_sign_in(app, url):
    response = app.test_client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_review_and_task_pages_follow_case_scope(role, world, signed_in, app):
    from webapp.models import Review, TaskKind
    from webapp.reviews.services import open_review

    for key in ("incident_a", "incident_b"):
        open_review(world[key], actor=world["manager"])
    db.session.commit()
    reviews = {r.incident_id: r for r in db.session.query(Review)}
    review_a, review_b = reviews[world["incident_a"].id], reviews[world["incident_b"].id]
    client = signed_in(_user_for(role, world))
    sees_a, sees_b = SCOPE[role]
    has_tasks = role != Role.ADMINISTRATOR
    for review, in_scope in ((review_a, sees_a), (review_b, sees_b)):
        client.get(f"/reviews/{review.id}", status=(200 if in_scope else 404) if has_tasks else 403)
        task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
        client.get(f"/tasks/{task.id}", status=(200 if in_scope else 404) if has_tasks else 403)
    client.get("/reviews/999999", status=404 if has_tasks else 403)
    client.get("/tasks/999999", status=404 if has_tasks else 403)
    client.get("/tasks", status=200 if has_tasks else 403)
    managers = {
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.AREA_HEAD_OF_OPERATIONS,
        Role.PRACTICE_MANAGER,
    }
    client.get("/tasks/team", status=200 if role in managers else 403)
    deciders = {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}
    client.get(f"/reviews/{review_a.id}/decide", status=200 if role in deciders else 403)
    client.get("/admin/policy", status=200 if role in deciders | {Role.ADMINISTRATOR} else 403)
