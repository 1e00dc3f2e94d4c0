"""The chronology: entries with categories, as a timeline and a table; the rapid review's timeline."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.clock import london_today
from tests.conduct.conftest import entry_data, new_case, start_review
from webapp.extensions import db
from webapp.models import AuditEvent, ChronologyEntry, Role, TaskKind


def url(review, rest: str = "") -> str:
    return f"/reviews/{review.id}/chronology{rest}"


def test_entries_show_as_a_timeline_and_a_table_in_date_order(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(url(in_review, "/new"), entry_data(date(2025, 3, 2), "Second thing."), status=302)
    reviewer.post(
        url(in_review, "/new"),
        entry_data(date(2024, 11, 5), "First thing.", categories=["vulnerability"], source="Case file"),
        status=302,
    )
    page = signed_in(world["ce"]).get(url(in_review))
    assert page.h1 == "Chronology"
    timeline = [li.get_text(" ", strip=True) for li in page.html.select("#timeline ol > li")]
    assert timeline[0].startswith("5 November 2024 First thing. Source: Case file")
    assert "Family or individual vulnerability" in timeline[0]
    assert timeline[1].startswith("2 March 2025 Second thing.")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("#table table tbody tr")
    ]
    assert rows == [
        ["5 November 2024", "First thing.", "Case file", "Family or individual vulnerability"],
        [
            "2 March 2025",
            "Second thing.",
            "Police report",
            "Identified risk, Liaison with another agency or professional",
        ],
    ]
    assert page.html.select_one("#table caption").get_text(strip=True) == "Chronology entries"
    assert db.session.query(AuditEvent).filter_by(event_type="chronology.added").count() == 2


def test_an_entry_needs_a_date_what_happened_a_source_and_a_category(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    page = reviewer.post(
        url(in_review, "/new"),
        {"occurred_on": ["", "", ""], "what_happened": "", "source": " ", "categories": []},
    )
    assert page.error_summary() == [
        "Enter the date it happened",
        "Enter what happened",
        "Enter the source",
        "Select at least one category",
    ]
    page = reviewer.post(url(in_review, "/new"), entry_data(date(2025, 1, 1), categories=["not_a_category"]))
    assert page.error_summary() == ["Select at least one category"]
    future = london_today() + timedelta(days=1)
    page = reviewer.post(url(in_review, "/new"), entry_data(future))
    assert page.error_summary() == ["Date must be today or in the past"]
    assert db.session.execute(select(ChronologyEntry)).first() is None


def test_removing_an_entry(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(url(in_review, "/new"), entry_data(date(2025, 1, 1)), status=302)
    entry = db.session.execute(select(ChronologyEntry)).scalar_one()
    # Another review's id for the same entry is not found.
    _other_case, other = new_case(world)
    reviewer.post(url(other, f"/{entry.id}/remove"), {}, status=404)
    signed_in(world["hoo_north"]).post(url(in_review, f"/{entry.id}/remove"), {}, status=403)
    reviewer.post(url(in_review, f"/{entry.id}/remove"), {}, status=302)
    assert db.session.execute(select(ChronologyEntry)).first() is None
    assert db.session.query(AuditEvent).filter_by(event_type="chronology.removed").count() == 1
    reviewer.post(url(in_review, f"/{entry.id}/remove"), {}, status=404)


def test_the_area_head_builds_the_rapid_review_timeline_with_the_same_builder(world, signed_in):
    case, review = new_case(world, susr=True)
    assert review.rapid_review and review.reviewer_id is None
    head = signed_in(world["ahoo"])
    # The review page links the rapid review to its timeline.
    review_page = head.get(f"/reviews/{review.id}")
    assert review_page.html.find("a", string="Build the rapid review timeline")["href"] == url(review)
    assert head.get(url(review)).h1 == "Rapid review timeline"
    head.post(url(review, "/new"), entry_data(date(2025, 6, 1), "Referral from school."), status=302)
    # Others who see the review read the timeline but do not build it.
    practitioner = signed_in(case.practitioner)
    assert "Referral from school." in practitioner.get(url(review)).text()
    practitioner.get(url(review, "/new"), status=403)
    signed_in(world["hoo_north"]).post(url(review, "/new"), entry_data(date(2025, 6, 2)), status=403)
    signed_in(roles=Role.AREA_HEAD_OF_OPERATIONS, area=world["south"]).get(url(review), status=404)

    # Once the rapid review is done, the timeline is the reviewer's to continue.
    task = review.task(TaskKind.RAPID_REVIEW)
    head.post(
        f"/tasks/{task.id}", {"findings": "Review needed.", "full_review_recommended": "yes"}, status=302
    )
    head.get(url(review, "/new"), status=403)
    review = start_review(world, review)
    reviewer = signed_in(world["reviewer"])
    page = reviewer.get(url(review))
    assert page.h1 == "Chronology" and "Referral from school." in page.text()
    reviewer.post(url(review, "/new"), entry_data(date(2025, 7, 1), "Hospital admission."), status=302)
    assert db.session.query(ChronologyEntry).filter_by(review_id=review.id).count() == 2


def test_the_review_page_panel_links_the_reviewers_pages(world, in_review, signed_in):
    page = signed_in(world["reviewer"]).get(f"/reviews/{in_review.id}")
    links = {a.get_text(strip=True): a["href"] for a in page.html.select("main a")}
    assert links["Information gathering"] == f"/reviews/{in_review.id}/gathering"
    assert links["Chronology"] == url(in_review)
    assert links["Review report"] == f"/reviews/{in_review.id}/report"
    assert "0 of 4 sources done" in page.text() and "Not started" in page.text()
