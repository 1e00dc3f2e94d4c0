"""Migration 0022 down and up, with data, on whichever database the tests run on: the information
request tasks go on the way down with their tables; on the way up every review whose incident was
recorded with a SUSR (or an SCR/CSPR) known gets its record, known from the outset, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import flask_migrate
from sqlalchemy import inspect, text

from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import Role, TaskEscalation, TaskKind
from webapp.reviews.services import open_review
from webapp.safeguarding import services


def test_0022_down_and_up_with_data(app):
    area = make_area()
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    susr = open_review(make_incident(case=make_case(area=area), susr=True), actor=head)
    scr = open_review(make_incident(case=make_case(area=area), scr=True), actor=head)
    neither = open_review(make_incident(case=make_case(area=area)), actor=head)
    db.session.commit()
    record = services.participation_of(susr)
    services.add_request(
        record,
        susr,
        received_on=london_today(),
        requested_by="Panel",
        summary="Notes.",
        deadline=london_today() + timedelta(days=5),
        actor=head,
    )
    # Rows that refer to the tables the migration rebuilds (SQLite copies them): kept as they were.
    db.session.add(TaskEscalation(task_id=susr.tasks[0].id, step="reminder", recipients=1))
    db.session.commit()
    ids = {"susr": susr.id, "scr": scr.id, "neither": neither.id}
    kept = set(
        db.session.execute(text("SELECT id FROM tasks WHERE kind != 'answer_information_request'")).scalars()
    )
    db.session.remove()
    try:
        flask_migrate.downgrade(revision="0021")
        assert not inspect(db.engine).has_table("external_reviews")
        assert "information_request_id" not in {c["name"] for c in inspect(db.engine).get_columns("tasks")}
        assert set(db.session.execute(text("SELECT id FROM tasks")).scalars()) == kept
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    rows = db.session.execute(
        text("SELECT review_id, kind, known_from_outset FROM external_reviews ORDER BY review_id")
    ).all()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        (ids["susr"], "susr", True),
        (ids["scr"], "scr_cspr", True),
    ]
    assert ids["neither"] not in {r[0] for r in rows}
    assert db.session.execute(text("SELECT count(*) FROM task_escalations")).scalar_one() == 1
    assert TaskKind.ANSWER_INFORMATION_REQUEST.value not in set(
        db.session.execute(text("SELECT kind FROM tasks")).scalars()
    )
