"""The migrations are the schema: they must match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_timestamps_come_back_timezone_aware_in_utc(app):
    from tests.factories import make_area

    area = make_area()
    db.session.expire_all()
    assert area.created_at.utcoffset().total_seconds() == 0
