"""Accuracy checking and disclosure in the browser: the three parties check the shared report,
a concern goes to the report author, who responds; the Practice Manager who raised it says the
response does not resolve it, so it goes to the DCE; the person who raised it records a grievance,
and the CE logs sharing the agreed report with the SUSR.
axe-core checks every page the accuracy feature adds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.accuracy.helpers import shared_review
from tests.browser.helpers import (
    choose,
    error_summary,
    expect_page,
    fill_date,
    sign_in,
    sign_out,
    squash,
    table_rows,
)
from tests.clock import london_today

pytestmark = pytest.mark.browser
CHECK = "Check the review report (version 1) for accuracy"


CHECK_TASK = re.compile(r"Check the review report \(version \d+\) for accuracy")


def open_task(page, name: str, heading: str) -> None:
    page.get_by_role("link", name="My tasks").click()
    expect_page(page, "My tasks")
    page.get_by_role("link", name=name).first.click()
    expect_page(page, heading)


def main_text(page) -> str:
    return squash(page.locator("main").inner_text())


def test_accuracy_dispute_and_disclosure(page, axe_check):
    shared = shared_review(susr=True, emails=True)
    review_id = shared.review.id
    question = "Do you agree that the report is accurate, including its learning points?"

    # The practitioner reads the report from their task, and agrees.
    sign_in(page, shared.practitioner.email)
    open_task(page, CHECK_TASK, CHECK)
    assert "Police report received." in main_text(page) and "Respond by" in main_text(page)
    axe_check(page)
    choose(page, question, "Yes, I agree the report is accurate")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    assert "your agreement is recorded" in main_text(page)
    axe_check(page)
    sign_out(page)

    # The Practice Manager raises a concern, and must write it.
    sign_in(page, shared.manager.email)
    open_task(page, CHECK_TASK, CHECK)
    choose(page, question, "No, I want to raise a concern about the report")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, CHECK, error=True)
    assert error_summary(page) == ["Enter your concern about the report"]
    axe_check(page)
    page.get_by_label("Your concern").fill("The chronology leaves out the March home visit.")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    assert "gone to the report author" in main_text(page)
    sign_out(page)

    # The Head of Operations of the case's area agrees.
    sign_in(page, shared.hoo.email)
    open_task(page, CHECK_TASK, CHECK)
    choose(page, question, "Yes, I agree the report is accurate")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    sign_out(page)

    # Stage 1: the report author answers in writing.
    sign_in(page, shared.reviewer.email)
    open_task(page, "Respond to a concern about the report", "Respond to a concern about the report")
    assert "The chronology leaves out the March home visit." in main_text(page)
    assert "Deadline for this stage" in main_text(page)
    axe_check(page)
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Respond to a concern about the report", error=True)
    assert error_summary(page) == ["Enter your response to the concern"]
    axe_check(page)
    page.get_by_label("Your response to the concern").fill("The visit is in the case file note of 4 March.")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    assert "gone to the Practice Manager, who raised the concern" in main_text(page)
    waiting = "waiting for the person who raised it to say whether the author's answer resolves it"
    assert waiting in main_text(page)
    sign_out(page)

    # The Practice Manager says the response does not resolve her concern: it goes to the DCE.
    sign_in(page, shared.manager.email)
    page.goto(f"/reviews/{review_id}")
    assert waiting in main_text(page)
    open_task(
        page,
        "Say whether the report author's answer resolves your concern",
        "The report author's answer to your concern",
    )
    assert "The visit is in the case file note of 4 March." in main_text(page)
    axe_check(page)
    answer = "Does the author's answer resolve your concern?"
    page.get_by_role("button", name="Send answer").click()
    expect_page(page, "The report author's answer to your concern", error=True)
    assert error_summary(page) == ["Select whether the author's answer resolves your concern"]
    axe_check(page)
    choose(page, answer, "No, take it to the Deputy Chief Executive for review and decision")
    page.get_by_role("button", name="Send answer").click()
    expect_page(page, "Accuracy of the review report")
    assert "gone to the Deputy Chief Executive" in main_text(page)
    assert "Review: Dispute with the Deputy Chief Executive" not in main_text(page)
    assert "Dispute with the Deputy Chief Executive" in main_text(page)
    sign_out(page)

    # Stage 2: the Deputy Chief Executive decides.
    sign_in(page, shared.dce.email)
    open_task(page, "Review and decide a dispute about the report", "Decide a dispute about the report")
    assert "The visit is in the case file note of 4 March." in main_text(page)
    axe_check(page)
    choose(page, "Is the concern upheld?", "Not upheld: the report stands as shared")
    page.get_by_label("Your reasons").fill("The chronology is accurate; the note is referenced.")
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Accuracy of the review report")
    assert "The report is now agreed" in main_text(page)
    sign_out(page)

    # Stage 3: the Practice Manager still disagrees; the grievance is recorded.
    sign_in(page, shared.manager.email)
    page.goto(f"/reviews/{review_id}/accuracy")
    page.get_by_role(
        "link", name="Record that concern 1 was taken to the Welsh Government grievance procedure"
    ).click()
    expect_page(page, "Record a grievance")
    axe_check(page)
    page.get_by_label("Why the dispute remains unresolved").fill("Raised with Welsh Government in writing.")
    page.get_by_role("button", name="Open the grievance stage").click()
    expect_page(page, "Accuracy of the review report")
    assert "Raised with Welsh Government in writing." in main_text(page)
    sign_out(page)

    # The Chief Executive logs sharing the agreed report with the SUSR.
    sign_in(page, shared.ce.email)
    page.goto(f"/reviews/{review_id}")
    expect_page(page, "Review: Report agreed")
    axe_check(page)
    page.get_by_role("link", name="Record sharing the report with an external review").click()
    expect_page(page, "Record sharing the report with an external review")
    axe_check(page)
    fill_date(page, "Date the report was shared", london_today() + timedelta(days=2))
    page.get_by_role("button", name="Record sharing").click()
    expect_page(page, "Record sharing the report with an external review", error=True)
    # A SUSR is known for this review, so the form comes with its kind chosen.
    assert error_summary(page) == [
        "Enter who the report was shared with",
        "The date the report was shared must be today or in the past",
    ]
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
    assert row[:4] == [
        "Single Unified Safeguarding Review (Wales)",
        "Version 1",
        "SUSR panel chair",
        f"{yesterday.day} {yesterday:%B %Y}",
    ]
    expect(
        page.get_by_role("link", name="See the responses, the concerns and the report shared")
    ).to_be_visible()
    axe_check(page)
