"""Migration 0011 with data in it, down and up, on whichever database the tests run on: incident
versions, policy settings and meeting notes go with their tables and columns; tasks of the kinds it
added go (the old constraint cannot hold them); every other task, and its waits-for link, survives
the way down as a task and comes back without the link."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import IncidentVersion, PolicySetting, ProceedingsStatus, Role, TaskKind
from webapp.reviews.services import open_review

BEFORE_0011 = (
    ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_revision("0011").down_revision
)


def columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_0011_down_and_up_with_data(app):
    area = make_area()
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    inside = make_incident(case=make_case(area=area))
    outside = make_incident(
        case=make_case(area=area, proceedings_status=ProceedingsStatus.CLOSED), linked=False
    )
    review = open_review(inside, actor=ce)
    outside_review = open_review(outside, actor=ce)
    db.session.add(IncidentVersion(incident=inside, changed_by_id=ce.id, changes=[], outcome_changed=False))
    db.session.add(PolicySetting(key="decision", working_days=7, updated_by_id=ce.id))
    db.session.commit()
    assert review.task(TaskKind.DECIDE).waits_for_id == review.task(TaskKind.CONSULT_AREA_HEAD).id
    assert outside_review.task(TaskKind.CONFIRM_OUTSIDE_PROCEDURE) is not None
    kept = {t.id for t in review.tasks} | {outside_review.task(TaskKind.ACKNOWLEDGE_INCIDENT).id}
    db.session.remove()
    try:
        flask_migrate.downgrade(revision=BEFORE_0011)
        assert "waits_for_id" not in columns("tasks") and "notes" not in columns("support_meetings")
        assert not inspect(db.engine).has_table("incident_versions")
        remaining = set(db.session.execute(text("SELECT id FROM tasks")).scalars())
        assert remaining == kept  # the confirm-outside task went, nothing else
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    assert {"waits_for_id", "fallback_from", "cancel_reason"} <= columns("tasks")
    assert db.session.execute(text("SELECT count(*) FROM incident_versions")).scalar_one() == 0
    assert set(db.session.execute(text("SELECT id FROM tasks")).scalars()) == kept
