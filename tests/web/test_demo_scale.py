"""``flask demo scale``: a large fictional workload, written set-based, tried here at a small size."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from tests.web.test_cli import run
from webapp.audit_chain import audit_key, verify
from webapp.demo import DEMO_PASSWORD, demo_email
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Case,
    Child,
    OperationalArea,
    Review,
    Role,
    Task,
    TaskStatus,
    User,
    UserRole,
)


def count(query) -> int:
    return db.session.execute(query).scalar_one()


def test_demo_scale_adds_a_consistent_fictional_workload(app):
    result = run(app, "demo", "scale", "--cases", "400")
    assert result.exit_code == 0, result.output
    assert "Added 400 cases, 120 reviews, 4,000 tasks" in result.output

    scale_cases = Case.case_number.like("SCALE%")
    assert count(select(func.count()).where(scale_cases)) == 400
    assert count(select(func.count(func.distinct(Case.case_number))).where(scale_cases)) == 400
    # Every child name is made of the fictional lists.
    names = set(db.session.execute(select(Child.name).join(Case).where(scale_cases)).scalars())
    assert names and all(
        n.split()[1]
        in {
            "Example",
            "Sample",
            "Specimen",
            "Placeholder",
            "Fictional",
            "Madeup",
            "Dummy",
            "Mock",
            "Testcase",
        }
        for n in names
    )
    # Foreign keys hold: every task's review, every review's case.
    assert count(select(func.count()).select_from(Task).join(Review).join(Case).where(scale_cases)) == 4000
    # 15% of the cases in the demo North Wales area.
    north = count(select(OperationalArea.id).where(OperationalArea.name == "North Wales"))
    assert count(select(func.count()).where(scale_cases, Case.area_id == north)) == 60
    # The demo Practice Manager has open tasks; the North Wales area heads' pool too.
    pm = count(select(User.id).where(User.email == demo_email("pm.north")))
    assert count(select(func.count()).where(Task.assignee_id == pm, Task.status == TaskStatus.OPEN)) > 0
    assert (
        count(
            select(func.count()).where(
                Task.assignee_pool == "area_heads",
                Task.assignee_area_id == north,
                Task.status == TaskStatus.OPEN,
            )
        )
        > 0
    )
    # Every synthetic practitioner's line manager is a Practice Manager of their area, and every
    # synthetic Practice Manager's the demo Area Head: the escalation ladder has someone at every step.
    manager, manager_role = aliased(User), aliased(UserRole)
    synthetic = (
        select(func.count())
        .select_from(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.email.like("scale%"))
    )
    assert count(synthetic.where(UserRole.role == Role.PRACTITIONER)) == 800
    managed = (
        synthetic.join(manager, manager.id == User.line_manager_id)
        .join(manager_role, manager_role.user_id == manager.id)
        .where(
            UserRole.role == Role.PRACTITIONER,
            manager.area_id == User.area_id,
            manager_role.role == Role.PRACTICE_MANAGER,
        )
    )
    assert count(managed) == 800
    area_head = count(select(User.id).where(User.email == demo_email("ahoo.north")))
    assert count(synthetic.where(UserRole.role == Role.PRACTICE_MANAGER)) == 200
    assert (
        count(synthetic.where(UserRole.role == Role.PRACTICE_MANAGER, User.line_manager_id == area_head))
        == 200
    )
    # The synthetic people cannot sign in.
    assert count(select(func.count()).where(User.email.like("scale%"), User.password_hash.is_not(None))) == 0

    # The demo accounts' pages still work on the added rows, and the scaled run can be repeated.
    client = app.test_client()
    client.post("/sign-in", data={"email": demo_email("pm.north"), "password": DEMO_PASSWORD})
    for url in ("/tasks", "/cases", "/incidents", "/notifications"):
        assert client.get(url).status_code == 200, url
    again = run(app, "demo", "scale", "--cases", "40")
    assert again.exit_code == 0, again.output
    assert count(select(func.count()).where(scale_cases)) == 440
    # The added audit events are links of the tamper-evident chain, between the events sealed
    # before and after them (the sign-in, the demo data).
    assert count(select(func.count()).where(AuditEvent.event_type == "case.viewed")) >= 1320
    checked = verify(db.session(), audit_key())
    assert checked.intact, checked.problem
    assert checked.checked == count(select(func.count()).select_from(AuditEvent))
