"""The conduct of a review in the browser: the Area Head builds the rapid review's timeline, then
the independent reviewer gathers information, continues the chronology, writes the report (refused
while incomplete), shares it for accuracy and downloads it. axe-core checks every conduct page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    banner,
    error_summary,
    expect_page,
    fill_date,
    group,
    sign_in,
    sign_out,
    squash,
    table_rows,
)
from tests.clock import london_today
from tests.factories import make_application, make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import GatheringSource, ProceedingsStatus, Role, TaskKind
from webapp.reviews import services as review_services
from webapp.tasks import services as task_services

pytestmark = pytest.mark.browser


def add_entry(page, when: date, what: str, source: str, categories: list[str]) -> None:
    page.get_by_role("link", name="Add an entry").click()
    expect_page(page, "Add a chronology entry")
    fill_date(page, "Date", when)
    page.get_by_label("What happened").fill(what)
    page.get_by_label("Source", exact=True).fill(source)
    for category in categories:
        group(page, "Categories").get_by_label(category).check()
    page.get_by_role("button", name="Add entry").click()


def test_rapid_review_timeline_gathering_report_and_sharing(page, axe_check):
    north, south = make_area(name="North"), make_area(name="South")
    head = make_user(
        roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Head", email="ahoo@example.org"
    )
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Huw North")
    reviewer = make_user(
        roles=Role.HEAD_OF_OPERATIONS, area=south, name="Rhian Reviewer", email="reviewer@example.org"
    )
    case = make_case(
        area=north, proceedings_status=ProceedingsStatus.CLOSED, children=[("Gwen Ŵyn", date(2018, 5, 1))]
    )
    make_application(case=case, application_type="care_order", made_on=date(2025, 1, 6))
    review = review_services.open_review(make_incident(case=case, susr=True), actor=case.practice_manager)
    db.session.commit()

    # The Area Head builds the rapid review's timeline from the review page.
    sign_in(page, head.email)
    page.goto(f"/reviews/{review.id}")
    expect_page(page, "Review: Awaiting decision")
    axe_check(page)
    page.get_by_role("link", name="Build the rapid review timeline").click()
    expect_page(page, "Rapid review timeline")
    axe_check(page)
    page.get_by_role("link", name="Add an entry").click()
    expect_page(page, "Add a chronology entry")
    axe_check(page)
    page.get_by_role("button", name="Add entry").click()
    expect_page(page, "Add a chronology entry", error=True)
    assert error_summary(page) == [
        "Enter the date it happened",
        "Enter what happened",
        "Enter the source",
        "Select at least one category",
    ]
    axe_check(page)
    page.goto(f"/reviews/{review.id}/chronology")
    add_entry(page, date(2025, 6, 1), "School referral about bruising.", "School", ["Identified risk"])
    expect_page(page, "Rapid review timeline")
    assert banner(page) == "Entry added."
    add_entry(
        page,
        date(2025, 3, 3),
        "Health visitor contact.",
        "Health visitor",
        ["Liaison with another agency or professional"],
    )
    expect_page(page, "Rapid review timeline")
    timeline = page.locator("#timeline ol > li").all_inner_texts()
    assert squash(timeline[0]).startswith("3 March 2025 Health visitor contact.")
    axe_check(page)
    page.get_by_role("tab", name="Table").click()
    assert [row[:3] for row in table_rows(page, "Chronology entries")] == [
        ["3 March 2025", "Health visitor contact.", "Health visitor"],
        ["1 June 2025", "School referral about bruising.", "School"],
    ]
    axe_check(page)
    sign_out(page)

    # The rapid review is recorded; the CE initiates a review and allocates the reviewer.
    db.session.refresh(review)
    task_services.complete_task(
        review.task(TaskKind.RAPID_REVIEW), actor=head, outcome={"findings": "Review.", "full": "yes"}
    )
    review_services.decide(review, initiate=True, rationale="Learning likely.", actor=ce)
    review_services.allocate_reviewer(review.task(TaskKind.ALLOCATE_REVIEWER), reviewer, actor=ce)

    # The reviewer's gathering task leads to the checklist.
    sign_in(page, reviewer.email)
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role("link", name="Gather the information for the review").click()
    expect_page(page, "Information gathering")
    axe_check(page)
    first = GatheringSource.CASE_FILE.label
    page.get_by_role("link", name=f"Record {first.lower()}").click()
    expect_page(page, first)
    axe_check(page)
    fill_date(page, "Date done", london_today() + timedelta(days=2))
    page.get_by_role("button", name="Save").click()
    expect_page(page, first, error=True)
    assert error_summary(page) == [
        "Enter your notes on what you found",
        "Date done must be today or in the past",
    ]
    axe_check(page)
    for source in GatheringSource:
        page.goto(f"/reviews/{review.id}/gathering/{source.value}")
        page.get_by_label("Notes").fill(f"Notes on: {source.label}.")
        fill_date(page, "Date done", london_today())
        page.get_by_role("button", name="Save").click()
        expect_page(page, "Information gathering")
    assert "4 of 4 sources done" in squash(page.locator("main").inner_text())
    assert "The gathering task was completed" in squash(page.locator("main").inner_text())
    axe_check(page)

    # The chronology carries on from the rapid review.
    page.get_by_role("link", name="Review", exact=True).click()
    expect_page(page, "Review: Review in progress")
    page.get_by_role("link", name="Chronology", exact=True).click()
    expect_page(page, "Chronology")
    add_entry(
        page,
        date(2025, 7, 2),
        "Police attended the home.",
        "Police",
        ["Identified risk", "Cafcass Cymru involvement"],
    )
    expect_page(page, "Chronology")

    # The report: what is missing is listed, and sharing is refused until it is written.
    page.goto(f"/reviews/{review.id}")
    page.get_by_role("link", name="Review report", exact=True).click()
    expect_page(page, "Review report")
    assert "Background history is empty" in page.locator(".govuk-inset-text").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Write the report").click()
    expect_page(page, "Write the review report")
    axe_check(page)
    page.get_by_label("Background history", exact=True).fill("Known to the service since 2023; Tŷ Ŵyn.")
    page.get_by_label("Inquiries undertaken").fill("Read the file; spoke to the practitioner.")
    page.get_by_label("Decision-making and line management support").fill("Supervised monthly.")
    page.get_by_role("button", name="Save a new version").click()
    expect_page(page, "Review report, version 1")
    assert banner(page) == "Version 1 saved."
    page.get_by_role("button", name="Share version 1 for accuracy").click()
    expect_page(page, "Review report, version 1", error=True)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert summary.locator("a").all_inner_texts() == [
        "Chronology: add an entry for family and individual vulnerabilities, or tick "
        "“No family or individual vulnerabilities”",
        "Conclusions: list the procedural issues, or tick “No procedural issues”",
        "Conclusions: list the practice issues, or tick “No practice issues”",
        "The impact of our involvement is empty",
    ]
    axe_check(page)
    page.get_by_role("link", name="Edit the report").click()
    expect_page(page, "Edit the review report")
    page.get_by_label("No family or individual vulnerabilities").check()
    page.get_by_label("Procedural issues", exact=True).fill("Risk not reassessed")
    page.get_by_label("Practice issues", exact=True).fill("Visits not recorded")
    page.get_by_label("The impact of our involvement").fill("The children's wishes reached the court.")
    axe_check(page)
    page.get_by_role("button", name="Save a new version").click()
    expect_page(page, "Review report, version 2")
    assert "Every required section is complete." in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Version 1").click()
    expect_page(page, "Review report, version 1 (an earlier version)")
    axe_check(page)
    page.get_by_role("link", name="See the latest version").click()

    # WeasyPrint takes more than the default 5 s on a loaded two-core machine (it timed out here).
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download version 2 as PDF").click()
    path = download.value.path()
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )
    assert "Police attended the home." in text and "Tŷ Ŵyn" in text

    page.get_by_role("button", name="Share version 2 for accuracy").click()
    expect_page(page, "Review: Report shared for accuracy")
    assert "Version 2 shared for accuracy" in banner(page)
    panel = squash(page.locator("main").inner_text())
    assert "Version 2 shared for accuracy" in panel
    axe_check(page)
