"""Migration 0009 with data in it, down and up, on whichever database the tests run on: gathering
items keep their notes and gain an empty reason; a draft still being written has its one list of
conclusions kept aside for sorting; a shared version stays exactly as it was shared."""

from __future__ import annotations

import json
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.accuracy.helpers import shared_review
from webapp.extensions import db
from webapp.models import GatheringItem, GatheringSource, ReportDraft

# Down to the revision 0009 builds on (whatever precedes it in the chain), then up again.
BEFORE_0009 = (
    ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_revision("0009").down_revision
)

LEGACY = {"background": "B", "conclusions": ["Risk not reassessed", "Visits not recorded"]}
SPLIT = {"background": "B", "procedural_issues": ["P"], "practice_issues": ["Q"]}


def sections(draft_id: int) -> dict:
    value = db.session.execute(
        text("SELECT sections FROM report_drafts WHERE id = :id"), {"id": draft_id}
    ).scalar()
    return json.loads(value) if isinstance(value, str) else value


def columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_0009_down_and_up_with_data(app):
    shared = shared_review()  # version 1 shared, with the old single list of conclusions
    review = shared.review
    db.session.add(
        GatheringItem(
            review_id=review.id, source=GatheringSource.CASE_FILE, notes="Read the file.", open_reason=None
        )
    )
    split = ReportDraft(review_id=review.id, version=2, sections=SPLIT, created_by_id=shared.reviewer.id)
    db.session.add(split)
    db.session.commit()
    shared_id, split_id, review_id, author_id = shared.draft.id, split.id, review.id, shared.reviewer.id
    shared_conclusions = shared.draft.sections["conclusions"]
    db.session.remove()
    try:
        flask_migrate.downgrade(revision=BEFORE_0009)
        assert "open_reason" not in columns("gathering_items")
        # Before 0009 every version had one list: the split parts are joined, procedural first.
        assert sections(split_id)["conclusions"] == ["P", "Q"]
        assert sections(shared_id)["conclusions"] == shared_conclusions
        # A draft saved by the old code, not yet shared.
        db.session.execute(
            text(
                "INSERT INTO report_drafts (review_id, version, sections, created_by_id, created_at) "
                "VALUES (:review, 3, :sections, :by, CURRENT_TIMESTAMP)"
            ),
            {"review": review_id, "sections": json.dumps(LEGACY), "by": author_id},
        )
        legacy_id = db.session.execute(
            text("SELECT id FROM report_drafts WHERE review_id = :review AND version = 3"),
            {"review": review_id},
        ).scalar_one()
        db.session.commit()
        db.session.remove()
    finally:
        flask_migrate.upgrade()

    assert "open_reason" in columns("gathering_items")
    notes, reason = db.session.execute(text("SELECT notes, open_reason FROM gathering_items")).one()
    assert (notes, reason) == ("Read the file.", None)
    # The unshared draft's conclusions are kept aside for the reviewer to sort into the two parts.
    legacy = sections(legacy_id)
    assert "conclusions" not in legacy and legacy["earlier_conclusions"] == LEGACY["conclusions"]
    assert legacy["background"] == "B"
    # The shared version is frozen: unchanged.
    assert sections(shared_id)["conclusions"] == shared_conclusions
    assert "earlier_conclusions" not in sections(shared_id)
