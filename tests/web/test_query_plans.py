"""PostgreSQL: the hot list queries, as the pages send them, can be served by their indexes.

Planned with sequential scans priced out (``enable_seqscan = off``): at test sizes the planner would
rightly scan small tables, so this checks that each query *can* use its index (its columns, its
partial-index predicate and its operators match), which is what a change to a query can break. The
benchmark (bench/explain.py) shows the plans the planner picks at 100,000 cases."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from tests.conftest import sign_in
from webapp import demo
from webapp.demo import DEMO_PASSWORD, demo_email
from webapp.demo_scale import scale
from webapp.extensions import db
from webapp.formatting import today_in_london

# (account, page, a fragment of the statement, the index its plan must use)
HOT = [
    ("ahoo.north", "/tasks", "tasks.assignee_pool", "ix_tasks_open_pool"),
    ("pm.north", "/tasks", "tasks.assignee_id = ", "ix_tasks_open_assignee"),
    ("dce", "/tasks/team", "ORDER BY tasks.due_on, tasks.id", "ix_tasks_open_due"),
    # Within an area: its open tasks in due order, each checked against the area's cases.
    ("ahoo.north", "/tasks/team", "FROM tasks JOIN reviews", "ix_tasks_open_due"),
    ("ce", "/cases?q=owri", "cases.case_number ILIKE", "ix_cases_case_number_trgm"),
    ("ce", "/cases?q=owri", "children.name ILIKE", "ix_children_name_trgm"),
    # The matches found once (a WITH query read by the page and its count), gathered into an array,
    # and their cases fetched by primary key.
    ("ce", "/cases?q=owri", "cases.id = ANY (array(", "pk_cases"),
    ("ce", "/cases", "ORDER BY cases.created_at DESC", "ix_cases_created_at_id"),
    ("ce", "/tasks", "notifications.read_at IS NULL", "ix_notifications_unread"),
    # A Head of Operations' scope: the reviews they lead, looked up rather than read in full.
    ("hoo.southwest", "/cases", "reviews.reviewer_id", "ix_reviews_reviewer_id"),
    ("ce", "/notifications", "ORDER BY notifications.created_at DESC", "ix_notifications_user_created"),
    # An area's incidents: the area's case ids read in order from the index, not every case.
    (
        "ahoo.north",
        "/incidents",
        "FROM incidents JOIN cases ON cases.id = incidents.case_id",
        "ix_cases_area_id_id",
    ),
    ("admin", "/admin/audit", "ORDER BY audit_events.occurred_at DESC", "ix_audit_events_occurred_at_id"),
    # Keyset pages (a Next link): a seek from the row shown last, on the same index.
    ("ce", "/cases?page=2&after=1", "(cases.created_at, cases.id) <", "ix_cases_created_at_id"),
    (
        "admin",
        "/admin/audit?page=2&after=1",
        "(audit_events.occurred_at, audit_events.id) <",
        "ix_audit_events_occurred_at_id",
    ),
    (
        "ce",
        "/notifications?page=2&after=1",
        "(notifications.created_at, notifications.id) <",
        "ix_notifications_user_created",
    ),
]


@pytest.fixture
def loaded(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plans are PostgreSQL's (SQLite keeps plain LIKE scans)")
    demo.seed()
    scale(400, today=today_in_london())
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    db.session.remove()


def sent_by(clients: dict, app, account: str, page: str) -> list[tuple[str, object]]:
    # One sign-in per account: a second-factor code works once, so signing in again and again
    # within one 30-second step would be refused.
    if account not in clients:
        clients[account] = app.test_client()
        assert sign_in(clients[account], demo_email(account), DEMO_PASSWORD).status_code == 302
    client = clients[account]
    seen: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(page).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_the_hot_queries_can_use_their_index(app, loaded):
    missed = []
    clients: dict = {}
    for account, page, fragment, index in HOT:
        statements = [
            (s, p)
            for s, p in sent_by(clients, app, account, page)
            if fragment in s and s.startswith(("SELECT", "WITH"))  # a read, with or without a WITH query
        ]
        assert statements, f"no statement with {fragment!r} on {page}"
        with db.engine.connect() as connection:
            # Statistics as the tables now are (the sign-ins and pages above added rows since the
            # fixture's ANALYZE): with stale ones two indexes can tie and the planner may pick either.
            connection.execute(text("ANALYZE"))
            connection.execute(text("SET enable_seqscan = off"))
            plans = [
                "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
                for statement, parameters in statements
            ]
        if not any(index in plan for plan in plans):
            missed.append(f"{page} ({fragment}) should use {index}:\n" + "\n\n".join(plans))
    assert not missed, "\n\n".join(missed)
