"""Administrators and privilege: own roles, two-person approval, password confirmation (finding 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tests.factories import DEFAULT_PASSWORD, make_case, make_user
from tests.security.helpers import events, notifications_of
from webapp.extensions import db
from webapp.models import AccountChangeRequest, AccountChangeStatus, Role

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _form(user, roles: list[str], password: str = "") -> dict:
    return {"name": user.name, "email": user.email, "roles": roles, "password": password}


def test_an_administrator_cannot_give_themselves_the_ce_role(app, signed_in):
    admin = signed_in(roles=Role.ADMINISTRATOR)
    page = admin.post(
        f"/admin/users/{admin.user.id}/edit", _form(admin.user, ["administrator", "chief_executive"])
    )
    assert page.error_summary() == ["You cannot change your own roles. Ask another administrator"]
    db.session.expire_all()
    assert admin.user.roles == {Role.ADMINISTRATOR}
    assert db.session.execute(select(AccountChangeRequest)).first() is None


def test_granting_case_access_waits_for_the_ce_or_dce(app, signed_in):
    area_case = make_case()
    person = make_user(roles=Role.ADMINISTRATOR)
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{person.id}/edit", _form(person, ["administrator", "chief_executive"]), status=302
    )

    db.session.expire_all()
    assert person.roles == {Role.ADMINISTRATOR}, "nothing changes before approval"
    person_client = signed_in(person)
    assert person_client.client.get(f"/cases/{area_case.id}").status_code == 403
    [request] = db.session.execute(select(AccountChangeRequest)).scalars()
    assert request.status == AccountChangeStatus.PENDING and request.roles == [
        "administrator",
        "chief_executive",
    ]
    assert len(notifications_of(ce, "account_change_to_approve")) == 1
    assert len(notifications_of(dce, "account_change_to_approve")) == 1
    assert [e.changed_fields for e in events("account_change.requested")] == [["roles"]]

    # Administrators can neither see nor decide the list; the approver list names the change.
    assert admin.client.get("/account-changes").status_code == 403
    assert admin.client.post(f"/account-changes/{request.id}/approve").status_code == 403
    dce_client = signed_in(dce)
    page = dce_client.get("/account-changes")
    assert "A change of roles: Administrator, Chief Executive" in page.text()
    dce_client.post(f"/account-changes/{request.id}/approve", {}, status=302)

    db.session.expire_all()
    assert person.roles == {Role.ADMINISTRATOR, Role.CHIEF_EXECUTIVE}
    assert request.status == AccountChangeStatus.APPROVED and request.decided_by_id == dce.id
    assert person_client.client.get("/admin/users").status_code == 302, "new roles: sessions end"
    assert len(notifications_of(person, "account_roles_changed")) == 1
    # Decided once: a second press does nothing.
    assert signed_in(ce).client.post(f"/account-changes/{request.id}/refuse").status_code == 404


def test_the_person_concerned_cannot_approve_their_own_change(app, signed_in):
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{dce.id}/edit", _form(dce, ["deputy_chief_executive", "chief_executive"]), status=302
    )
    [request] = db.session.execute(select(AccountChangeRequest)).scalars()
    dce_client = signed_in(dce)
    assert "Another approver must decide" in dce_client.get("/account-changes").text()
    assert dce_client.client.post(f"/account-changes/{request.id}/approve").status_code == 404
    db.session.expire_all()
    assert dce.roles == {Role.DEPUTY_CHIEF_EXECUTIVE}


def test_a_refused_change_changes_nothing(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{person.id}/edit",
        _form(person, ["practitioner", "senior_leadership_team"]),
        status=302,
    )
    [request] = db.session.execute(select(AccountChangeRequest)).scalars()
    signed_in(ce).post(f"/account-changes/{request.id}/refuse", {}, status=302)
    db.session.expire_all()
    assert person.roles == {Role.PRACTITIONER} and request.status == AccountChangeStatus.REFUSED
    assert [e.record_id for e in events("account_change.refused")] == [request.id]


def test_removing_roles_or_granting_administrator_applies_at_once(app, signed_in):
    person = make_user(roles={Role.PRACTITIONER, Role.PRACTICE_MANAGER})
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(f"/admin/users/{person.id}/edit", _form(person, ["practitioner"]), status=302)
    admin.post(f"/admin/users/{person.id}/edit", _form(person, ["practitioner", "administrator"]), status=302)
    db.session.expire_all()
    assert person.roles == {Role.PRACTITIONER, Role.ADMINISTRATOR}
    assert db.session.execute(select(AccountChangeRequest)).first() is None
    assert len(notifications_of(person, "account_roles_changed")) == 2


def test_sensitive_actions_ask_for_the_password_after_15_minutes(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    with time_machine.travel(START, tick=False) as clock:
        admin = signed_in(roles=Role.ADMINISTRATOR)
        clock.move_to(START + timedelta(minutes=14))
        assert admin.client.get(f"/admin/users/{person.id}/edit").status_code == 200
        clock.move_to(START + timedelta(minutes=16))
        edit = admin.client.get(f"/admin/users/{person.id}/edit")
        assert edit.headers["Location"] == f"/account/confirm-password?next=/admin/users/{person.id}/edit"
        deactivate = admin.client.post(
            f"/admin/users/{person.id}/deactivate", headers={"Referer": "http://localhost/admin/users?q=x"}
        )
        assert deactivate.headers["Location"] == "/account/confirm-password?next=/admin/users"
        db.session.expire_all()
        assert person.active is True, "nothing done before the password is confirmed"

        wrong = admin.post(
            "/account/confirm-password?next=/admin/users", {"password": "not my password at all"}
        )
        assert wrong.error_summary() == ["Your password is not correct"]
        assert admin.client.post(f"/admin/users/{person.id}/deactivate").status_code == 302
        db.session.expire_all()
        assert person.active is True
        right = admin.client.post(
            "/account/confirm-password?next=/admin/users", data={"password": DEFAULT_PASSWORD}
        )
        assert right.headers["Location"] == "/admin/users"
        admin.client.post(f"/admin/users/{person.id}/deactivate")
        db.session.expire_all()
        assert person.active is False
    assert len(events("user.reauthenticated")) == 1 and len(events("user.reauthentication_failed")) == 1


def test_approving_asks_for_the_password_too(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    with time_machine.travel(START, tick=False) as clock:
        admin = signed_in(roles=Role.ADMINISTRATOR)
        ce = signed_in(roles=Role.CHIEF_EXECUTIVE)
        admin.post(f"/admin/users/{person.id}/edit", _form(person, ["practitioner", "pdt"]), status=200)
        admin.post(
            f"/admin/users/{person.id}/edit",
            _form(person, ["practitioner", "practice_development_team"]),
            status=302,
        )
        [request] = db.session.execute(select(AccountChangeRequest)).scalars()
        clock.move_to(START + timedelta(minutes=20))
        response = ce.client.post(f"/account-changes/{request.id}/approve")
        assert response.headers["Location"].startswith("/account/confirm-password")
        db.session.expire_all()
        assert request.status == AccountChangeStatus.PENDING
