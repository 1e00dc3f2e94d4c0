"""Password rules, self-service change and the forced change after an administrator's password."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.security.helpers import events, notifications_of
from webapp.auth.passwords import password_problem, personal_words, verify_password
from webapp.extensions import db
from webapp.models import Role

PERSONAL = personal_words("gwen.jones@example.org", "Gwen Jones")
TOO_EASY = (
    "Password is too easy to guess. Use three or more unrelated words, "
    "and do not use your name or email address"
)


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "password1234",
        "qwertyuiop123",
        "gwen.jones@example.org",
        "gwenjones2026!",
        "Jones Gwen example",
        "123456789012",
    ],
)
def test_weak_or_personal_passwords_are_refused(password):
    assert password_problem(password, PERSONAL) == TOO_EASY


@pytest.mark.parametrize(
    "password", ["correct horse battery", "gwen violet harbour lantern", "Tr0ub4dor&3xyz"]
)
def test_strong_passwords_are_accepted(password):
    assert password_problem(password, PERSONAL) is None


def test_short_passwords_are_refused():
    assert password_problem("Xq7#vb9!Lm2", []) == "Password must be 12 characters or more"


def test_an_administrator_cannot_set_a_guessable_password(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER, name="Gwen Jones", email="gwen.jones@example.org")
    admin = signed_in(roles=Role.ADMINISTRATOR)
    for password in ("password1234", "gwen.jones@example.org", "aaaaaaaaaaaa"):
        page = admin.post(
            f"/admin/users/{person.id}/edit",
            {"name": person.name, "email": person.email, "roles": ["practitioner"], "password": password},
        )
        assert page.error_summary() == [TOO_EASY]
    db.session.expire_all()
    assert verify_password(person.password_hash, DEFAULT_PASSWORD)


def test_a_person_changes_their_own_password(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER, name="Gwen Jones", email="gwen.jones@example.org")
    here = signed_in(person)
    elsewhere = signed_in(person)
    form = {
        "current": DEFAULT_PASSWORD,
        "password": "violet harbour lantern",
        "confirm": "violet harbour lantern",
    }

    wrong = here.post("/account/password", {**form, "current": "not my password at all"})
    assert wrong.error_summary() == ["Your current password is not correct"]
    weak = here.post("/account/password", {**form, "password": "gwenjones2026!", "confirm": "gwenjones2026!"})
    assert weak.error_summary() == [TOO_EASY]
    mismatch = here.post("/account/password", {**form, "confirm": "violet harbour lanterns"})
    assert mismatch.error_summary() == ["The passwords do not match"]
    db.session.expire_all()
    assert verify_password(person.password_hash, DEFAULT_PASSWORD)

    here.post("/account/password", form, status=302)
    db.session.expire_all()
    assert verify_password(person.password_hash, "violet harbour lantern")
    assert here.client.get("/cases").status_code == 200, "this session goes on"
    assert elsewhere.client.get("/cases").status_code == 302, "every other session ends"
    assert len(notifications_of(person, "account_password_changed")) == 1
    assert [e.record_id for e in events("user.password_changed")] == [person.id]
    assert sign_in(app.test_client(), person.email, "violet harbour lantern").status_code == 302


def test_a_password_set_by_an_administrator_must_be_changed_at_next_sign_in(app, signed_in):
    person = make_user(roles=Role.PRACTITIONER)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{person.id}/edit",
        {
            "name": person.name,
            "email": person.email,
            "roles": ["practitioner"],
            "password": "temporary lantern key",
        },
        status=302,
    )
    assert len(notifications_of(person, "account_password_changed")) == 1

    client = app.test_client()
    response = sign_in(client, person.email, "temporary lantern key")
    assert response.headers["Location"] == "/sign-in/new-password"
    # Not signed in until the new password is chosen.
    assert client.get("/cases").status_code == 302
    same = client.post(
        "/sign-in/new-password",
        data={"password": "temporary lantern key", "confirm": "temporary lantern key"},
    )
    assert "Choose a password different from the one you were given" in same.get_data(as_text=True)
    done = client.post(
        "/sign-in/new-password", data={"password": "my own quiet meadow", "confirm": "my own quiet meadow"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/home"
    assert client.get("/cases").status_code == 200
    db.session.expire_all()
    assert person.must_change_password is False
    assert sign_in(app.test_client(), person.email, "my own quiet meadow").headers["Location"] == "/home"
