"""How a request's last transaction ends: COMMIT when it only read, ROLLBACK otherwise.

Why it matters: psycopg prepares a statement once a connection has sent it five times, and
PostgreSQL then plans it once instead of on every execution; a page's larger statements cost more to
plan than to run (the review page's past learning: 2.8 ms planned anew, 0.6 ms prepared). But psycopg
forgets every prepared statement when a transaction is rolled back, and the session rolls back
whatever transaction is still open when the request ends, so every request began with nothing
prepared and every statement was planned again.

A transaction that only read has nothing to keep and nothing to undo, so COMMIT and ROLLBACK leave the
database the same; ending it with COMMIT keeps the prepared statements. Anything else is rolled back
as before: a request that failed, a transaction that sent any statement other than a plain read, or
a session holding changes the code did not save (``new``, ``dirty``, ``deleted``). So nothing left
unsaved by a view is ever committed here.
"""

from __future__ import annotations

import functools
import re

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

WROTE = "case_review_wrote"  # on the connection's info: this transaction sent something other than a read
# A read is a SELECT (or WITH ... SELECT) naming no writing or locking keyword; anything else, a
# SELECT ... FOR UPDATE included, counts as a write and is rolled back as before.
_READ_START = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_NOT_A_READ = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|COPY|GRANT|REVOKE|LOCK|CALL|DO|SET|INTO)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def is_read(statement: str) -> bool:
    """Kept per statement text: SQLAlchemy sends the same few hundred texts again and again."""
    return bool(_READ_START.match(statement)) and not _NOT_A_READ.search(statement)


def _note_statement(conn: Connection, _cursor, statement: str, _parameters, _context, _many) -> None:
    if not is_read(statement):
        conn.info[WROTE] = True


def _transaction_begins(conn: Connection) -> None:
    conn.info[WROTE] = False


def only_read(session: Session) -> bool:
    """Whether the session's open transaction has only read: no statement other than a read sent,
    and no change held in the session unsaved."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get(WROTE, True)


def end_request(session: Session, error: BaseException | None) -> None:
    """Commit the request's open transaction when it only read (see the module's docstring); leave
    anything else to the session's closing, which rolls it back."""
    if error is None and only_read(session):
        session.commit()


def install(app: Flask, db) -> None:
    """Registered after Flask-SQLAlchemy's own teardown, so it runs before the session is closed."""
    with app.app_context():
        engine = db.engine
        event.listen(engine, "begin", _transaction_begins)
        event.listen(engine, "before_cursor_execute", _note_statement)

    @app.teardown_appcontext
    def _end_transaction(error: BaseException | None) -> None:
        if db.session.registry.has():
            end_request(db.session(), error)
