"""Every list page sends the same number of SQL statements however many rows it shows: nothing is
loaded row by row. Measured on the benchmark's pages (bench/pages.py) at two sizes of data."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import delete, event, func, select

from bench.pages import PAGES
from tests.conftest import sign_in
from webapp import demo
from webapp.demo import DEMO_PASSWORD, demo_email
from webapp.demo_scale import scale
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.models import DashboardSnapshot, Review, Task, TaskEscalation, TaskStatus, User

EXTRA = (
    ("Failed notifications", "admin", "/admin/notifications/failed"),
    ("Users", "admin", "/admin/users"),
    ("Reviews", "ce", "/reviews"),
    ("Reviews, overdue, by incident date", "ce", "/reviews?overdue=yes&sort=incident&order=desc"),
    ("Reviews (Area Head)", "ahoo.north", "/reviews"),
    ("Home (Chief Executive)", "ce", "/home"),
    ("Home (Area Head)", "ahoo.north", "/home"),
    ("Home (Practice Manager)", "pm.north", "/home"),
)


def statements(client, path: str) -> int:
    count = 0

    def seen(*_args) -> None:
        nonlocal count
        count += 1

    db.session.execute(delete(DashboardSnapshot))  # the dashboard works its figures out each time
    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 200, path
    return count


def measure(clients: dict) -> dict[str, tuple[str, int]]:
    pages = [(spec.label, spec.account, spec.path()) for spec in PAGES] + list(EXTRA)
    db.session.remove()
    return {label: (path, statements(clients[account], path)) for label, account, path in pages}


def test_statements_per_page_do_not_grow_with_the_rows_shown(app):
    demo.seed()
    scale(100, today=today_in_london())  # enough for a row on every page, so every list loads
    clients = {}
    for account in {spec.account for spec in PAGES} | {account for _label, account, _path in EXTRA}:
        clients[account] = app.test_client()
        # The real sign-in, with the demo second factor's code for the accounts that have one.
        signed = sign_in(clients[account], demo_email(account), DEMO_PASSWORD)
        assert signed.status_code == 302
    small = measure(clients)
    scale(1_000, today=today_in_london())
    large = measure(clients)
    grown = {
        label: (small[label][1], large[label][1]) for label in small if large[label][1] > small[label][1]
    }
    assert grown == {}, f"statements grew with the data (small, large): {grown}"


def test_the_review_page_sends_the_same_statements_for_few_tasks_as_for_many(app):
    """One review, measured, then given 40 more tasks (held by other people, with escalations)."""
    demo.seed()
    scale(100, today=today_in_london())
    review_id = db.session.execute(
        select(func.min(Review.id)).where(Review.state == "in_review")
    ).scalar_one()
    client = app.test_client()
    assert sign_in(client, demo_email("ce"), DEMO_PASSWORD).status_code == 302
    before = statements(client, f"/reviews/{review_id}")
    template = db.session.execute(select(Task).where(Task.review_id == review_id).limit(1)).scalar_one()
    people = db.session.execute(select(User).limit(40)).scalars().all()
    for person in people:
        task = Task(
            review_id=review_id,
            kind=template.kind,
            assignee_id=person.id,
            due_on=template.due_on,
            status=TaskStatus.OPEN,
        )
        task.escalations.append(TaskEscalation(step="reminder", recipients=1))
        db.session.add(task)
    db.session.commit()
    db.session.remove()
    after = statements(client, f"/reviews/{review_id}")
    assert after == before


def test_the_unread_count_is_counted_once_per_request(app, signed_in):
    """A form page renders each field through its own template, each running the context
    processors: the unread count must still be one statement."""
    from tests.factories import make_user
    from webapp.models import Role

    client = signed_in(make_user(roles=Role.CHIEF_EXECUTIVE))
    counted = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "notifications.read_at IS NULL" in statement:
            counted.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        page = client.get("/cases/new")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(page.html.select("input, select, textarea")) > 5
    assert len(counted) == 1


def test_team_tasks_link_each_action_without_a_statement_per_row(app):
    """A "complete action" task links to its action's page: the team list loads the actions with
    the page of tasks, not one lookup per row (the same statements for one such task as for six)."""
    from webapp.models import ActionPlanItem, ActionStatus, TaskKind

    demo.seed()
    scale(100, today=today_in_london())
    in_review = select(func.min(Review.id)).where(Review.state == "in_review")
    review_id = db.session.execute(in_review).scalar_one()
    owner_id = db.session.execute(select(User.id).where(User.email == demo_email("pm.north"))).scalar_one()
    client = app.test_client()
    assert sign_in(client, demo_email("dce"), DEMO_PASSWORD).status_code == 302

    def add_actions(count: int) -> None:
        for number in range(count):
            # Due long ago: first on the list, soonest due first.
            task = Task(
                review_id=review_id,
                kind=TaskKind.COMPLETE_ACTION,
                assignee_id=owner_id,
                due_on=date(2000, 1, 1),
                status=TaskStatus.OPEN,
            )
            db.session.add(task)
            db.session.flush()
            db.session.add(
                ActionPlanItem(
                    review_id=review_id,
                    action=f"Action {number}",
                    owner_id=owner_id,
                    due_on=date(2000, 1, 1),
                    status=ActionStatus.NOT_STARTED,
                    task_id=task.id,
                )
            )
        db.session.commit()
        db.session.remove()

    add_actions(1)
    before = statements(client, "/tasks/team")
    add_actions(5)
    page = client.get("/tasks/team")
    links = re.findall(r'href="/tasks/\d+">Complete action', page.get_data(as_text=True))
    assert len(links) == 6, "each action's task is listed, linked to its page"
    assert statements(client, "/tasks/team") == before
