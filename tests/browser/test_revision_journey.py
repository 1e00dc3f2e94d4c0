"""A concern answered by revisions, in the browser: the Practice Manager raises a concern on version 1;
the reviewer revises the report and shares version 2; she says it does not resolve her concern, so it
goes to the Deputy Chief Executive, who upholds it; the reviewer shares version 3 as decided; she
confirms first, then the practitioner and the Head of Operations, their earlier answers beside it;
version 3 is the agreed report, and the only one the CE can record as shared with the SUSR.
axe-core checks every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.accuracy.helpers import shared_review
from tests.accuracy.test_revisions import COMPLETE
from tests.browser.helpers import (
    choose,
    error_summary,
    expect_page,
    fill_date,
    sign_in,
    sign_out,
    table_rows,
)
from tests.browser.test_accuracy_journey import main_text, open_task
from tests.clock import london_today
from webapp.extensions import db
from webapp.models import GatheringItem, GatheringSource

pytestmark = pytest.mark.browser
QUESTION = "Do you agree that the report is accurate, including its learning points?"
ANSWER = "Does the author's answer resolve your concern?"


def respond(page, axe_check, version: int, *, agree: bool = True, concern: str = "") -> None:
    open_task(
        page,
        f"Check the review report (version {version}) for accuracy",
        f"Check the review report (version {version}) for accuracy",
    )
    axe_check(page)
    if agree:
        choose(page, QUESTION, "Yes, I agree the report is accurate")
    else:
        choose(page, QUESTION, "No, I want to raise a concern about the report")
        page.get_by_label("Your concern").fill(concern)
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")


def revise(page, axe_check, review_id: int, summary: str, note: str, version: int) -> None:
    """The reviewer saves a new version from the edit page, then shares it as the revision."""
    page.goto(f"/reviews/{review_id}/report/edit")
    expect_page(page, "Edit the review report")
    page.get_by_label("Incident summary").fill(summary)
    page.get_by_role("button", name="Save a new version").click()
    expect_page(page, f"Review report, version {version}")
    axe_check(page)
    page.get_by_role("link", name=f"Share version {version} as the revision answering the concerns").click()
    expect_page(page, "Share a revision of the report")
    assert f"Changes from version {version - 1} to version {version}" in main_text(page)
    axe_check(page)
    page.get_by_role("button", name="Share the revision").click()
    expect_page(page, "Share a revision of the report", error=True)
    assert error_summary(page) == ["Say what you changed in this version, and why"]
    axe_check(page)
    page.get_by_label("What you changed, and why").fill(note)
    page.get_by_role("button", name="Share the revision").click()
    expect_page(page, "Accuracy of the review report")


def test_a_concern_through_a_revision_and_the_dce_to_an_agreed_version_3_then_disclosed(page, axe_check):
    shared = shared_review(susr=True, emails=True)
    review_id = shared.review.id
    shared.draft.sections = dict(COMPLETE)  # a complete version 1, so each revision can be shared
    for source in GatheringSource:
        db.session.add(GatheringItem(review_id=review_id, source=source, done_on=london_today()))
    db.session.commit()

    # Version 1: the practitioner and the HoO agree; the Practice Manager raises a concern.
    for person in (shared.practitioner, shared.hoo):
        sign_in(page, person.email)
        respond(page, axe_check, 1)
        sign_out(page)
    sign_in(page, shared.manager.email)
    respond(page, axe_check, 1, agree=False, concern="The summary leaves out the March home visit.")
    sign_out(page)

    # Stage 1: the reviewer revises the report instead of answering in words: version 2.
    sign_in(page, shared.reviewer.email)
    open_task(page, "Respond to a concern about the report", "Respond to a concern about the report")
    assert "Revise the report" in main_text(page)
    axe_check(page)
    revise(page, axe_check, review_id, "The incident followed the March home visit.", "Added the visit.", 2)
    assert "Answering first" in main_text(page)
    sign_out(page)

    # She answers first on version 2, seeing what changed: not resolved, so to the DCE.
    sign_in(page, shared.manager.email)
    open_task(
        page,
        "Say whether the report author's answer resolves your concern",
        "The report author's answer to your concern",
    )
    text = main_text(page)
    assert "Changes from version 1 to version 2" in text and "Added the visit." in text
    assert "The incident followed the March home visit." in text
    axe_check(page)
    choose(page, ANSWER, "No, take it to the Deputy Chief Executive for review and decision")
    page.get_by_label("Why your concern is not resolved").fill("The date of the visit is still missing.")
    page.get_by_role("button", name="Send answer").click()
    expect_page(page, "Accuracy of the review report")
    assert "gone to the Deputy Chief Executive" in main_text(page)
    sign_out(page)

    # Stage 2: the DCE upholds it, with reasons; the report goes back to its author.
    sign_in(page, shared.dce.email)
    open_task(page, "Review and decide a dispute about the report", "Decide a dispute about the report")
    assert "The date of the visit is still missing." in main_text(page)  # why it is still unresolved
    axe_check(page)
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Decide a dispute about the report", error=True)
    assert error_summary(page) == [
        "Select whether the concern is upheld, partly upheld or not upheld",
        "Enter the reasons for your decision",
    ]
    axe_check(page)
    choose(page, "Is the concern upheld?", "Upheld: the report must be revised")
    page.get_by_label("Your reasons").fill("The summary must give the date of the visit, 3 March.")
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Accuracy of the review report")
    assert "gone back to its author to revise" in main_text(page)
    sign_out(page)

    # The reviewer revises as decided: version 3.
    sign_in(page, shared.reviewer.email)
    open_task(
        page, "Revise the report as the Deputy Chief Executive decided", "Share a revision of the report"
    )
    axe_check(page)
    revise(
        page,
        axe_check,
        review_id,
        "The incident followed the home visit of 3 March.",
        "The date of the visit, as the DCE decided.",
        3,
    )
    sign_out(page)

    # The Practice Manager confirms first, then the others, each seeing their earlier answers.
    sign_in(page, shared.manager.email)
    respond(page, axe_check, 3)
    sign_out(page)
    for person in (shared.practitioner, shared.hoo):
        sign_in(page, person.email)
        open_task(
            page,
            "Check the review report (version 3) for accuracy",
            "Check the review report (version 3) for accuracy",
        )
        assert "Version 1: you agreed it" in main_text(page)
        assert "Changes from version 2 to version 3" in main_text(page)
        choose(page, QUESTION, "Yes, I agree the report is accurate")
        page.get_by_role("button", name="Send response").click()
        expect_page(page, "Accuracy of the review report")
        sign_out(page)

    # Version 3 is the agreed report; the versions say so; only it can be disclosed.
    sign_in(page, shared.ce.email)
    page.goto(f"/reviews/{review_id}/report")
    expect_page(page, "Review report, version 3")
    statuses = {row[0]: row[-1] for row in table_rows(page, "Versions")}
    assert statuses == {
        "Version 3 (shown)": "Agreed",
        "Version 2": "Shared for accuracy, replaced by version 3",
        "Version 1": "Shared for accuracy, replaced by version 3",
    }
    axe_check(page)
    page.goto(f"/reviews/{review_id}")
    expect_page(page, "Review: Report agreed")
    page.get_by_role("link", name="Record sharing the report with an external review").click()
    expect_page(page, "Record sharing the report with an external review")
    options = page.locator("select[name=draft_id] option").all_inner_texts()
    assert len(options) == 2 and options[1].startswith("Version 3, the agreed report")
    axe_check(page)
    choose(
        page,
        "Which external review was the report shared with?",
        "Single Unified Safeguarding Review (Wales)",
    )
    page.get_by_label("Shared with").fill("SUSR panel chair")
    yesterday = london_today() - timedelta(days=1)
    fill_date(page, "Date the report was shared", yesterday)
    page.get_by_role("button", name="Record sharing").click()
    expect_page(page, "Review: Report agreed")
    [row] = table_rows(page, "Disclosure log")
    assert row[:3] == ["Single Unified Safeguarding Review (Wales)", "Version 3", "SUSR panel chair"]
    axe_check(page)
