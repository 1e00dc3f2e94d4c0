"""The command-line tools an operator uses to set the service up."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import Case, OperationalArea, Role, User


def run(app, *args, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_areas_create(app):
    assert run(app, "areas", "create", "North Wales").exit_code == 0
    again = run(app, "areas", "create", "north wales")
    assert again.exit_code == 2 and "already exists" in again.output
    assert db.session.execute(select(func.count()).select_from(OperationalArea)).scalar_one() == 1


def test_users_create_reads_the_password_from_stdin(app):
    run(app, "areas", "create", "North Wales")
    result = run(
        app,
        "users",
        "create",
        "--email",
        "Boss@Example.org",
        "--name",
        "Boss Person",
        "--role",
        "area_head_of_operations",
        "--role",
        "head_of_operations",
        "--area",
        "North Wales",
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    result = run(
        app,
        "users",
        "create",
        "--email",
        "staff@example.org",
        "--name",
        "Staff Person",
        "--role",
        "practice_manager",
        "--area",
        "North Wales",
        "--manager",
        "boss@example.org",
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output
    staff = db.session.execute(select(User).where(User.email == "staff@example.org")).scalar_one()
    assert staff.line_manager.email == "boss@example.org"
    assert staff.roles == {Role.PRACTICE_MANAGER}
    assert sign_in(app.test_client(), "STAFF@example.org", "another long password").status_code == 302


def test_users_create_refuses_bad_input(app):
    assert (
        run(
            app,
            "users",
            "create",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "king",
            input="x" * 20 + "\n",
        ).exit_code
        == 2
    )
    no_area = run(
        app,
        "users",
        "create",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "practitioner",
        "--area",
        "Atlantis",
        input="x" * 20 + "\n",
    )
    assert no_area.exit_code == 2 and "No operational area" in no_area.output
    short = run(
        app,
        "users",
        "create",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "practitioner",
        input="short\n",
    )
    assert short.exit_code == 2 and "12 characters" in short.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_demo_seed_is_idempotent_and_prints_sign_ins(app):
    first = run(app, "demo", "seed")
    assert first.exit_code == 0
    assert "ahoo.north@example.org" in first.output and "demo-password-2026" in first.output
    users = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    cases = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
    assert users >= 9 and cases >= 20
    second = run(app, "demo", "seed")
    assert second.exit_code == 0 and "demo data not loaded" in second.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == users
    assert sign_in(app.test_client(), "ahoo.north@example.org", "demo-password-2026").status_code == 302
    # The South East Wales team work in Welsh, and the sign-ins say so.
    languages = dict(db.session.execute(select(User.email, User.language)).all())
    assert (
        languages["practitioner.southeast@example.org"] == "cy"
        and languages["pm.southeast@example.org"] == "cy"
    )
    assert languages["practitioner.north@example.org"] == "en"
    assert "practitioner.southeast@example.org" in first.output and "(Cymraeg)" in first.output


def test_flask_rules_evaluate_answers_the_contract(app):
    import json

    facts = {
        "kind": "death",
        "cause": "neglect",
        "person": "child_subject",
        "proceedings": "ongoing",
        "linked_to_court_involvement": True,
        "susr": True,
        "scr": False,
    }
    result = run(app, "rules", "evaluate", "-", input=json.dumps(facts))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["within_procedure"] is True and answer["circumstance"] == "ongoing_proceedings"
    assert answer["rapid_review"] is True and answer["consult"] == ["area_head_of_operations"]
    bad = run(app, "rules", "evaluate", "-", input=json.dumps({**facts, "cause": "misadventure"}))
    assert bad.exit_code == 2 and "cause" in bad.output
