"""Migration 0012 with data in it, down and up, on whichever database the tests run on: the task links
move from the JSON ``tasks.outcome`` into columns and back; the raiser's follow-up changes kind; the
disputes gain the version they are about and their stage; the agreed version is marked."""

from __future__ import annotations

import json
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from tests.accuracy.helpers import shared_review
from tests.accuracy.test_accuracy import agree, concern
from webapp.extensions import db
from webapp.models import Dispute, ReviewTransition, Task, TaskKind

BEFORE_0012 = (
    ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_revision("0012").down_revision
)


def columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def rows(sql: str, **params) -> list:
    return list(db.session.execute(text(sql), params).all())


def outcome(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def test_0012_moves_task_links_down_and_up_with_data(app, signed_in):
    shared = shared_review()
    review = shared.review
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    dispute = db.session.execute(select(Dispute)).scalar_one()
    base = f"/reviews/{review.id}/disputes/{dispute.id}"
    signed_in(shared.reviewer).post(f"{base}/author", {"response": "It stands."}, status=302)
    signed_in(shared.manager).post(f"{base}/answer", {"resolved": "no"}, status=302)
    signed_in(shared.dce).post(
        f"{base}/decide", {"outcome": "not_upheld", "decision": "The report stands."}, status=302
    )
    db.session.expire_all()
    links = {
        t.id: (t.kind.value, t.dispute_id, t.draft_id, t.party, dict(t.outcome))
        for t in db.session.execute(select(Task).where(Task.review_id == review.id)).scalars()
    }
    linked = {i: link for i, link in links.items() if any(link[1:4])}
    kinds = sorted(link[0] for link in linked.values())
    assert kinds == [
        "check_report_accuracy",
        "check_report_accuracy",
        "check_report_accuracy",
        "confirm_concern_resolved",
        "decide_dispute",
        "resolve_concern",
    ]
    agreed_at = db.session.execute(
        select(ReviewTransition.occurred_at).where(ReviewTransition.action == "dce_decided")
    ).scalar_one()
    draft_id, dispute_id, response_draft = shared.draft.id, dispute.id, dispute.response.draft_id
    db.session.remove()
    try:
        flask_migrate.downgrade(revision=BEFORE_0012)
        assert not {"dispute_id", "draft_id", "party"} & columns("tasks")
        assert not {"draft_id", "revision_id", "dce_outcome"} & columns("disputes")
        assert "agreed_at" not in columns("report_drafts")
        # Down: every link back in the JSON beside what the person recorded; the old kinds and stages.
        for task_id, kind, value in rows("SELECT id, kind, outcome FROM tasks"):
            if task_id not in linked:
                continue
            new_kind, to_dispute, to_draft, party, recorded = linked[task_id]
            expected = {**recorded, "dispute_id": to_dispute, "draft_id": to_draft, "party": party}
            assert outcome(value) == {k: v for k, v in expected.items() if v is not None}
            assert kind == ("check_report_accuracy" if new_kind == "confirm_concern_resolved" else new_kind)
        [(stage, decision)] = rows("SELECT stage, dce_decision FROM disputes")
        assert (stage, decision) == ("decided", "Not upheld. The report stands.")
        # As the old code left a concern the author had answered and its raiser had still to settle.
        db.session.execute(text("UPDATE disputes SET stage = 'author'"))
        db.session.commit()
        db.session.remove()
    finally:
        flask_migrate.upgrade()

    # Up: the links in the columns, the JSON keeps only what was recorded, the kinds as before.
    for task_id, kind, to_dispute, to_draft, party, value in rows(
        "SELECT id, kind, dispute_id, draft_id, party, outcome FROM tasks"
    ):
        if task_id not in linked:
            assert (to_dispute, to_draft, party) == (None, None, None)
            continue
        new_kind, want_dispute, want_draft, want_party, recorded = linked[task_id]
        assert (kind, to_dispute, to_draft, party) == (new_kind, want_dispute, want_draft, want_party)
        assert outcome(value) == recorded
    [(stage, about)] = rows("SELECT stage, draft_id FROM disputes WHERE id = :id", id=dispute_id)
    assert (stage, about) == ("raiser", response_draft)
    [(marked,)] = rows("SELECT agreed_at FROM report_drafts WHERE id = :id", id=draft_id)
    assert marked is not None
    db.session.expire_all()
    assert db.session.get(type(shared.draft), draft_id).agreed_at == agreed_at
    decide = next(i for i, link in linked.items() if link[0] == "decide_dispute")
    assert db.session.get(Task, decide).kind == TaskKind.DECIDE_DISPUTE
