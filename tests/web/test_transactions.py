"""A request's last transaction ends with COMMIT only when it read and nothing else (so PostgreSQL
keeps the statements psycopg prepared); anything else is rolled back as before (webapp/transactions.py)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from tests.factories import make_case, make_user
from webapp import transactions
from webapp.extensions import db
from webapp.models import Case, User


@contextmanager
def _endings(app):
    """How each transaction ended while the block ran: "commit" or "rollback", in order."""
    seen: list[str] = []

    def committed(_conn) -> None:
        seen.append("commit")

    def rolled_back(_conn) -> None:
        seen.append("rollback")

    engine = db.engine
    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)


def _name_in_database(user_id: int) -> str:
    with Session(db.engine) as other:
        return other.execute(select(User.name).where(User.id == user_id)).scalar_one()


def test_a_request_that_only_read_ends_with_commit(app):
    case_id = make_case().id
    db.session.remove()
    with _endings(app) as seen:
        db.session.execute(select(Case).where(Case.id == case_id)).scalar_one()
        app.do_teardown_appcontext(None)  # the end of a request: our teardown, then the session's
    assert seen == ["commit"]


@pytest.mark.parametrize("how", ["changed and not saved", "written and not committed", "failed"])
def test_anything_but_a_plain_read_is_rolled_back_and_nothing_is_saved(app, how):
    user = make_user(name="Before")
    user_id = user.id
    db.session.remove()
    user = db.session.get(User, user_id)
    error = None
    if how == "changed and not saved":
        user.name = "Changed in memory"
    elif how == "written and not committed":
        db.session.execute(update(User).where(User.id == user_id).values(name="Written, not committed"))
    else:
        error = RuntimeError("the view failed")
    with _endings(app) as seen:
        app.do_teardown_appcontext(error)
    assert seen == ["rollback"]
    assert _name_in_database(user_id) == "Before"


@pytest.mark.parametrize(
    ("statement", "read"),
    [
        ("SELECT cases.id FROM cases WHERE cases.id = %(id)s", True),
        ("  WITH matching AS (SELECT id FROM cases) SELECT count(*) FROM matching", True),
        ("SELECT pg_advisory_xact_lock(%(key)s)", True),
        ("SELECT reviews.id FROM reviews WHERE reviews.id = %(id)s FOR UPDATE OF reviews", False),
        ("WITH gone AS (DELETE FROM tasks RETURNING id) SELECT count(*) FROM gone", False),
        ("INSERT INTO audit_events (id) VALUES (%(id)s)", False),
        ("UPDATE tasks SET status = %(status)s", False),
        ("SELECT id INTO copied FROM cases", False),
        ("SET plan_cache_mode = force_generic_plan", False),
    ],
)
def test_what_counts_as_a_read(statement, read):
    assert transactions.is_read(statement) is read


def test_postgresql_keeps_prepared_statements_when_a_reading_transaction_commits(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL only")
    make_case()
    db.session.commit()

    def prepared_after(end) -> int:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("DEALLOCATE ALL")
            connection.commit()
            for _ in range(7):  # psycopg prepares a statement on its fifth sending
                session = Session(bind=connection)
                session.execute(select(Case).order_by(Case.id).limit(1)).all()
                end(session)
                session.close()
            return connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()

    assert prepared_after(lambda session: transactions.end_request(session, None)) >= 1
    assert prepared_after(lambda session: session.rollback()) == 0, "a rollback forgets them"
