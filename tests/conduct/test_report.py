"""The review report: completeness before sharing, versions, who edits, and sharing for accuracy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conduct.conftest import FULL_REPORT, entry_data, ready_to_share
from webapp.conduct.routes.report import STALE
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    ReportDraft,
    ReviewState,
    Task,
    TaskKind,
    TaskStatus,
)


def url(review, rest: str = "") -> str:
    return f"/reviews/{review.id}/report{rest}"


def save(client, review, sections: dict, *, based_on: str = "", status: int = 302):
    return client.post(url(review, "/edit"), {**sections, "based_on": based_on}, status=status)


def drafts(review) -> list[ReportDraft]:
    return list(
        db.session.execute(
            select(ReportDraft).where(ReportDraft.review_id == review.id).order_by(ReportDraft.version)
        ).scalars()
    )


def test_saving_creates_versions_and_older_versions_stay_readable(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    form = reviewer.get(url(in_review, "/edit"))
    # The first draft starts from the incident notification's summary.
    assert form.html.select_one("#incident_summary").get_text() == "Test summary"
    save(reviewer, in_review, FULL_REPORT)
    save(reviewer, in_review, {**FULL_REPORT, "inquiries": "Also read the police disclosure."}, based_on="1")
    first, second = drafts(in_review)
    assert (first.version, second.version) == (1, 2)
    assert first.sections["inquiries"] == FULL_REPORT["inquiries"]
    assert second.sections["procedural_issues"] == ["The risk assessment was not updated"]
    assert second.sections["practice_issues"] == ["Home visits were not recorded"]
    assert second.sections["chronology_none"] == ["vulnerability"]
    event = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.event_type == "report.drafted").order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert event.changed_fields == ["inquiries"] and event.record_id == second.id

    latest = reviewer.get(url(in_review))
    assert "Also read the police disclosure." in latest.text()
    older = signed_in(in_review.case.practitioner).get(url(in_review, "/versions/1"))
    assert "an earlier version" in older.h1
    assert FULL_REPORT["inquiries"] in older.text() and "Also read the police disclosure." not in older.text()
    reviewer.get(url(in_review, "/versions/3"), status=404)

    # Nothing changed: no new version.
    unchanged = {**FULL_REPORT, "inquiries": "  Also read the police disclosure.\r\n", "based_on": "2"}
    page = reviewer.post(url(in_review, "/edit"), unchanged, follow=True)
    assert "no new version was saved" in page.text()
    # A form opened on version 1 cannot overwrite version 2's work.
    stale = save(reviewer, in_review, {**FULL_REPORT, "inquiries": "Old tab."}, based_on="1", status=200)
    assert stale.error_summary() == [STALE]
    assert len(drafts(in_review)) == 2


def test_a_report_section_that_is_too_long_is_refused(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    page = save(reviewer, in_review, {**FULL_REPORT, "background": "x" * 20001}, status=200)
    assert page.error_summary() == ["Background history must be 20,000 characters or fewer"]
    assert drafts(in_review) == []


def test_only_the_reviewer_edits_or_shares(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    save(reviewer, in_review, FULL_REPORT)
    case = in_review.case
    for person in (world["hoo_north"], world["ce"], case.practitioner, case.practice_manager, world["ahoo"]):
        client = signed_in(person)
        page = client.get(url(in_review))
        assert FULL_REPORT["inquiries"] in page.text()
        assert not page.html.find("a", string="Edit the report")
        client.get(url(in_review, "/edit"), status=403)
        save(client, in_review, {**FULL_REPORT, "background": "Hijack"}, based_on="1", status=403)
        client.post(url(in_review, "/share"), {"version": "1"}, status=403)
    assert len(drafts(in_review)) == 1
    db.session.refresh(in_review)
    assert in_review.state == ReviewState.IN_REVIEW


def test_sharing_freezes_the_version_moves_the_review_and_asks_three_people(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    ready_to_share(reviewer, in_review)
    save(reviewer, in_review, FULL_REPORT)
    page = reviewer.get(url(in_review))
    assert "Every required section is complete." in page.text()
    assert page.html.select_one("#share-missing") is None
    # A share from a page showing an older version is refused.
    save(reviewer, in_review, {**FULL_REPORT, "learning_points": ""}, based_on="1")
    stale = reviewer.post(url(in_review, "/share"), {"version": "1"}, follow=True)
    assert "A newer version of the report was saved" in stale.text()
    reviewer.post(url(in_review, "/share"), {"version": "2"}, status=302)

    db.session.expire_all()
    assert in_review.state == ReviewState.ACCURACY_CHECK
    assert in_review.transitions[-1].action == "share_report"
    assert in_review.transitions[-1].actor_id == world["reviewer"].id
    assert in_review.task(TaskKind.DRAFT_REPORT).status == TaskStatus.DONE
    shared = drafts(in_review)[-1]
    assert shared.version == 2 and shared.shared_at is not None
    assert shared.snapshot["background"]["children"][0] == {
        "name": "Gwen Ŵyn Jones",
        "date_of_birth": "2018-05-01",
    }
    assert shared.snapshot["background"]["applications"] == [
        {"application": "Care order", "made_on": "2025-01-06"}
    ]
    assert [row["what_happened"] for row in shared.snapshot["chronology"]] == [
        "Police attended a domestic incident."
    ]
    accuracy = (
        db.session.execute(
            select(Task).where(Task.review_id == in_review.id, Task.kind == TaskKind.CHECK_REPORT_ACCURACY)
        )
        .scalars()
        .all()
    )
    case = in_review.case
    assert sorted(t.assignee_id for t in accuracy) == sorted(
        [case.practitioner_id, case.practice_manager_id, world["hoo_north"].id]
    )
    assert {t.party for t in accuracy} == {
        "practitioner",
        "practice_manager",
        "head_of_operations",
    }
    assert {t.draft_id for t in accuracy} == {shared.id}
    assert (
        db.session.query(AuditEvent).filter_by(event_type="report.shared", record_id=shared.id).count() == 1
    )

    # Now frozen: the reviewer can neither edit nor share again, nor change the chronology.
    reviewer.get(url(in_review, "/edit"), status=302)
    page = reviewer.post(url(in_review, "/edit"), {**FULL_REPORT, "based_on": "2"}, follow=True)
    assert "The report cannot be changed now" in page.text()
    page = reviewer.post(url(in_review, "/share"), {"version": "2"}, follow=True)
    assert "You cannot do that now" in page.text()
    reviewer.get(f"/reviews/{in_review.id}/chronology/new", status=403)
    assert len(drafts(in_review)) == 2
    view = reviewer.get(url(in_review))
    assert "This version is frozen as it was shared" in view.text()
    assert not view.html.find("button", string="Share version 2 for accuracy")


@pytest.mark.parametrize("state", [ReviewState.ACCURACY_CHECK, ReviewState.AGREED])
def test_sharing_outside_the_review_in_progress_is_refused(world, in_review, signed_in, state):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(f"/reviews/{in_review.id}/chronology/new", entry_data(date(2025, 2, 1)), status=302)
    save(reviewer, in_review, FULL_REPORT)
    in_review.state = state
    db.session.commit()
    page = reviewer.post(url(in_review, "/share"), {"version": "1"}, follow=True)
    assert "You cannot do that now" in page.text()
    assert drafts(in_review)[0].shared_at is None


def test_views_are_audited(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    save(reviewer, in_review, FULL_REPORT)
    signed_in(world["ce"]).get(url(in_review, "/versions/1"))
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "report.viewed")
    ).scalar_one()
    assert event.actor_id == world["ce"].id and event.case_id == in_review.case_id
    assert event.record_id == drafts(in_review)[0].id
