"""Mistakes in a chronology (or rapid review timeline) can be corrected: an entry is edited with its
earlier wording kept and audited; removing one asks first and keeps what it said."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conduct.conftest import entry_data
from webapp.extensions import db
from webapp.models import AuditEvent, ChronologyEntry, ChronologyEntryChange


def url(review, rest: str = "") -> str:
    return f"/reviews/{review.id}/chronology{rest}"


def one_entry(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(url(in_review, "/new"), entry_data(date(2025, 1, 1), "Police visted."), status=302)
    return reviewer, db.session.execute(select(ChronologyEntry)).scalar_one()


def test_editing_an_entry_keeps_the_old_wording_and_audits_the_change(world, in_review, signed_in):
    reviewer, entry = one_entry(world, in_review, signed_in)
    page = reviewer.get(url(in_review, f"/{entry.id}/edit"))
    assert page.h1 == "Change the entry of 1 January 2025"
    assert page.html.find("textarea", attrs={"name": "what_happened"}).get_text() == "Police visted."
    reviewer.post(
        url(in_review, f"/{entry.id}/edit"),
        entry_data(date(2025, 1, 2), "Police visited.", categories=["liaison"]),
        status=302,
    )
    db.session.expire_all()
    entry = db.session.get(ChronologyEntry, entry.id)
    assert (entry.occurred_on, entry.what_happened, entry.categories) == (
        date(2025, 1, 2),
        "Police visited.",
        ["liaison"],
    )
    change = db.session.execute(select(ChronologyEntryChange)).scalar_one()
    assert change.change == "edited" and change.changed_by_id == world["reviewer"].id
    assert (
        change.old["what_happened"] == "Police visted." and change.new["what_happened"] == "Police visited."
    )
    assert change.old["occurred_on"] == "2025-01-01" and change.new["occurred_on"] == "2025-01-02"
    event = db.session.execute(select(AuditEvent).filter_by(event_type="chronology.updated")).scalar_one()
    assert event.record_id == entry.id
    assert event.changed_fields == ["categories", "occurred_on", "what_happened"]
    text = signed_in(world["ce"]).get(url(in_review)).text()
    assert "Before: Police visted. After: Police visited." in text
    assert "Before: 1 January 2025 After: 2 January 2025" in text


def test_an_edit_that_changes_nothing_says_so_and_records_nothing(world, in_review, signed_in):
    reviewer, entry = one_entry(world, in_review, signed_in)
    page = reviewer.post(
        url(in_review, f"/{entry.id}/edit"), entry_data(date(2025, 1, 1), "Police visted."), follow=True
    )
    banner = page.html.select(".govuk-notification-banner")[-1]
    assert "You did not change anything." in banner.get_text()
    assert "Success" not in banner.get_text()
    assert db.session.execute(select(ChronologyEntryChange)).first() is None


def test_a_bad_edit_is_refused_and_changes_nothing(world, in_review, signed_in):
    reviewer, entry = one_entry(world, in_review, signed_in)
    page = reviewer.post(url(in_review, f"/{entry.id}/edit"), entry_data(date(2025, 1, 1), "", categories=[]))
    assert page.error_summary() == ["Enter what happened", "Select at least one category"]
    assert page.title.startswith("Error: ")
    db.session.expire_all()
    assert db.session.get(ChronologyEntry, entry.id).what_happened == "Police visted."
    # Someone who may not build this chronology cannot edit it.
    signed_in(world["hoo_north"]).post(
        url(in_review, f"/{entry.id}/edit"), entry_data(date(2025, 1, 1), "Changed."), status=403
    )


def test_removing_an_entry_asks_first_and_keeps_what_it_said(world, in_review, signed_in):
    reviewer, entry = one_entry(world, in_review, signed_in)
    chronology = reviewer.get(url(in_review))
    remove_link = chronology.html.find("a", href=url(in_review, f"/{entry.id}/remove"))
    assert remove_link is not None and remove_link.get_text(" ", strip=True).startswith("Remove")
    confirm = reviewer.get(url(in_review, f"/{entry.id}/remove"))
    assert confirm.h1 == "Remove the entry of 1 January 2025?"
    assert "Police visted." in confirm.text()
    assert confirm.html.select_one("main form a").get_text(strip=True) == "Keep the entry"
    assert db.session.get(ChronologyEntry, entry.id) is not None  # asking changed nothing
    reviewer.post(url(in_review, f"/{entry.id}/remove"), {}, status=302)
    db.session.expire_all()
    assert db.session.get(ChronologyEntry, entry.id) is None
    change = db.session.execute(select(ChronologyEntryChange)).scalar_one()
    assert change.change == "removed" and change.new is None
    assert change.old["what_happened"] == "Police visted."
    assert "removed the entry of 1 January 2025" in signed_in(world["ce"]).get(url(in_review)).text()
