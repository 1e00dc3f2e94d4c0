"""Information gathering: the four sources as a checklist the reviewer completes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.clock import london_today
from tests.conduct.conftest import d
from webapp.extensions import db
from webapp.models import AuditEvent, GatheringItem, GatheringSource, TaskKind, TaskStatus


def url(review, source=None) -> str:
    return f"/reviews/{review.id}/gathering" + (f"/{source.value}" if source else "")


def test_the_checklist_names_the_four_sources(world, in_review, signed_in):
    page = signed_in(world["reviewer"]).get(url(in_review))
    text = page.text()
    for source in GatheringSource:
        assert source.label in text
    assert "0 of 4 sources done" in text
    assert len(page.html.select(".govuk-summary-card")) == 4
    # The task on the reviewer's list leads here.
    task = in_review.task(TaskKind.GATHER_INFORMATION)
    response = signed_in(world["reviewer"]).client.get(f"/tasks/{task.id}")
    assert response.headers["Location"] == url(in_review)


def test_notes_then_the_date_done_and_the_task_closes_with_the_fourth(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(url(in_review, GatheringSource.CASE_FILE), {"notes": "Read the file."}, status=302)
    item = db.session.execute(select(GatheringItem)).scalar_one()
    assert item.notes == "Read the file." and item.done_on is None
    assert "In progress" in reviewer.get(url(in_review)).text()

    when = london_today() - timedelta(days=1)
    for source in GatheringSource:
        reviewer.post(
            url(in_review, source), {"notes": f"Done: {source.value}", "done_on": d(when)}, status=302
        )
        task = in_review.task(TaskKind.GATHER_INFORMATION)
        db.session.refresh(task)
        expected = TaskStatus.DONE if source == GatheringSource.WG_GUIDANCE else TaskStatus.OPEN
        assert task.status == expected, source
    assert task.completed_by_id == world["reviewer"].id
    items = db.session.execute(select(GatheringItem)).scalars().all()
    assert len(items) == 4 and all(i.done_on == when for i in items)
    assert "4 of 4 sources done" in reviewer.get(url(in_review)).text()

    events = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.event_type == "gathering.updated").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert events[0].changed_fields == ["notes"]
    assert events[1].changed_fields == ["done_on", "notes"]
    # Saving the same again changes nothing and records nothing.
    page = reviewer.post(
        url(in_review, GatheringSource.CASE_FILE),
        {"notes": "Done: case_file", "done_on": d(when)},
        follow=True,
    )
    assert "Nothing had changed" in page.text()
    assert db.session.query(AuditEvent).filter_by(event_type="gathering.updated").count() == len(events)


def test_bad_input_is_explained_and_nothing_is_saved(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    page = reviewer.post(url(in_review, GatheringSource.PROCEDURES), {"notes": "  ", "done_on": ["", "", ""]})
    assert page.error_summary() == ["Enter your notes on what you found"]
    future = london_today() + timedelta(days=3)
    page = reviewer.post(url(in_review, GatheringSource.PROCEDURES), {"notes": "x", "done_on": d(future)})
    assert page.error_summary() == ["Date done must be today or in the past"]
    page = reviewer.post(
        url(in_review, GatheringSource.PROCEDURES), {"notes": "x", "done_on": ["31", "2", "2025"]}
    )
    assert page.error_summary() == ["Date done must be a real date"]
    assert db.session.execute(select(GatheringItem)).first() is None


def test_only_the_reviewer_edits_and_others_who_see_the_review_read(world, in_review, signed_in):
    case = in_review.case
    edit = url(in_review, GatheringSource.CASE_FILE)
    for person in (world["hoo_north"], world["ce"], case.practitioner, case.practice_manager, world["ahoo"]):
        client = signed_in(person)
        client.get(url(in_review))
        client.get(edit, status=403)
        client.post(edit, {"notes": "Not mine to write."}, status=403)
    # A Head of Operations who is neither the reviewer nor in the case's area cannot see it at all.
    signed_in(world["other_hoo"]).get(edit, status=404)
    signed_in(world["reviewer"]).get(f"/reviews/{in_review.id}/gathering/not_a_source", status=404)
    assert db.session.execute(select(GatheringItem)).first() is None
    assert "Only the reviewer, Rhian Reviewer" in signed_in(world["ce"]).get(url(in_review)).text()
