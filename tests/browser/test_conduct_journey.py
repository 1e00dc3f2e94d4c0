"""The conduct of a review in the browser, in English and in Welsh: the Area Head builds the rapid
review's timeline, then the independent reviewer gathers information, continues the chronology, writes
the report (refused while incomplete), shares it for accuracy and downloads it. axe-core checks every
conduct page. The Welsh run finds each button, label and message through the catalogue
(tests.language.words), as a Welsh reader sees them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from babel.support import Translations
from flask_babel import force_locale
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGUAGES,
    Words,
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
from tests.language import words
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.i18n import TRANSLATIONS
from webapp.models import GatheringSource, ProceedingsStatus, Role, TaskKind
from webapp.reviews import services as review_services
from webapp.tasks import services as task_services

pytestmark = pytest.mark.browser


def verb(language: str, text: str) -> str:
    """A text the catalogue keeps apart as a verb (msgctxt "verb": "Record" is also a noun)."""
    if language == "en":
        return text
    return Translations.load(str(TRANSLATIONS), ["cy"]).pgettext("verb", text)


def on_date(language: str, value: date) -> str:
    with force_locale(language):
        return format_date(value)


def add_entry(page, when: date, what: str, source: str, categories: list[str], w: Words) -> None:
    page.get_by_role("link", name=w("Add an entry")).click()
    expect_page(page, w("Add a chronology entry"))
    fill_date(page, w("Date"), when, w)
    page.get_by_label(w("What happened")).fill(what)
    page.get_by_label(w("Source"), exact=True).fill(source)
    for category in categories:
        group(page, w("Categories")).get_by_label(w(category)).check()
    page.get_by_role("button", name=w("Add entry")).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_rapid_review_timeline_gathering_report_and_sharing(page, axe_check, language):
    w = words(language)
    north, south = make_area(name="North"), make_area(name="South")
    head = make_user(
        roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Head", email="ahoo@example.org"
    )
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Huw North")
    reviewer = make_user(
        roles=Role.HEAD_OF_OPERATIONS, area=south, name="Rhian Reviewer", email="reviewer@example.org"
    )
    head.language = reviewer.language = language
    case = make_case(
        area=north, proceedings_status=ProceedingsStatus.CLOSED, children=[("Gwen Ŵyn", date(2018, 5, 1))]
    )
    make_application(case=case, application_type="care_order", made_on=date(2025, 1, 6))
    review = review_services.open_review(make_incident(case=case, susr=True), actor=case.practice_manager)
    db.session.commit()

    # The Area Head builds the rapid review's timeline from the review page.
    sign_in(page, head.email, w=w)
    page.goto(f"/reviews/{review.id}")
    expect_page(page, w("Review: %(stage)s", stage=w("Awaiting decision")))
    axe_check(page)
    page.get_by_role("link", name=w("Build the rapid review timeline")).click()
    expect_page(page, w("Rapid review timeline"))
    axe_check(page)
    page.get_by_role("link", name=w("Add an entry")).click()
    expect_page(page, w("Add a chronology entry"))
    axe_check(page)
    page.get_by_role("button", name=w("Add entry")).click()
    expect_page(page, w("Add a chronology entry"), error=True)
    assert error_summary(page, w) == [
        w("Enter the date it happened"),
        w("Enter what happened"),
        w("Enter the source"),
        w("Select at least one category"),
    ]
    axe_check(page)
    page.goto(f"/reviews/{review.id}/chronology")
    add_entry(page, date(2025, 6, 1), "School referral about bruising.", "School", ["Identified risk"], w)
    expect_page(page, w("Rapid review timeline"))
    assert banner(page) == w("Entry added.")
    add_entry(
        page,
        date(2025, 3, 3),
        "Health visitor contact.",
        "Health visitor",
        ["Liaison with another agency or professional"],
        w,
    )
    expect_page(page, w("Rapid review timeline"))
    timeline = page.locator("#timeline ol > li").all_inner_texts()
    assert squash(timeline[0]).startswith(f"{on_date(language, date(2025, 3, 3))} Health visitor contact.")
    axe_check(page)
    page.get_by_role("tab", name=w("Table")).click()
    assert [row[:3] for row in table_rows(page, w("Chronology entries"))] == [
        [on_date(language, date(2025, 3, 3)), "Health visitor contact.", "Health visitor"],
        [on_date(language, date(2025, 6, 1)), "School referral about bruising.", "School"],
    ]
    axe_check(page)
    sign_out(page, w)

    # The rapid review is recorded; the CE initiates a review and allocates the reviewer.
    db.session.refresh(review)
    task_services.complete_task(
        review.task(TaskKind.RAPID_REVIEW), actor=head, outcome={"findings": "Review.", "full": "yes"}
    )
    review_services.decide(review, initiate=True, rationale="Learning likely.", actor=ce)
    review_services.allocate_reviewer(review.task(TaskKind.ALLOCATE_REVIEWER), reviewer, actor=ce)

    # The reviewer's gathering task leads to the checklist.
    sign_in(page, reviewer.email, w=w)
    page.get_by_role("link", name=w("My tasks")).click()
    page.get_by_role("link", name=w("Gather the information for the review")).click()
    expect_page(page, w("Information gathering"))
    axe_check(page)
    first = w(GatheringSource.CASE_FILE.label)  # the label in English here, outside a request
    page.get_by_role("link", name=f"{verb(language, 'Record')} {first.lower()}").click()
    expect_page(page, first)
    axe_check(page)
    fill_date(page, w("Date done"), london_today() + timedelta(days=2), w)
    page.get_by_role("button", name=w("Save")).click()
    expect_page(page, first, error=True)
    assert error_summary(page, w) == [
        w("Enter your notes on what you found"),
        w("Date done must be today or in the past"),
    ]
    axe_check(page)
    for source in GatheringSource:
        page.goto(f"/reviews/{review.id}/gathering/{source.value}")
        page.get_by_label(w("Notes")).fill(f"Notes on: {source.label}.")
        fill_date(page, w("Date done"), london_today(), w)
        page.get_by_role("button", name=w("Save")).click()
        expect_page(page, w("Information gathering"))
    main = squash(page.locator("main").inner_text())
    assert w("%(done)s of %(sources)s sources done.", done=4, sources=4) in main
    assert w("The gathering task was completed on %(when)s.").split("%(when)s")[0] in main
    axe_check(page)

    # The chronology carries on from the rapid review.
    page.get_by_role("link", name=w("Review"), exact=True).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Review in progress")))
    page.get_by_role("link", name=w("Chronology"), exact=True).click()
    expect_page(page, w("Chronology"))
    add_entry(
        page,
        date(2025, 7, 2),
        "Police attended the home.",
        "Police",
        ["Identified risk", "Cafcass Cymru involvement"],
        w,
    )
    expect_page(page, w("Chronology"))

    # The report: what is missing is listed, and sharing is refused until it is written.
    page.goto(f"/reviews/{review.id}")
    page.get_by_role("link", name=w("Review report"), exact=True).click()
    expect_page(page, w("Review report"))
    empty = w("%(section)s is empty", section=w("Background history"))
    assert empty in page.locator(".govuk-inset-text").inner_text()
    axe_check(page)
    page.get_by_role("link", name=w("Write the report")).click()
    expect_page(page, w("Write the review report"))
    axe_check(page)
    page.get_by_label(w("Background history"), exact=True).fill("Known to the service since 2023; Tŷ Ŵyn.")
    page.get_by_label(w("Inquiries undertaken")).fill("Read the file; spoke to the practitioner.")
    page.get_by_label(w("Decision-making and line management support")).fill("Supervised monthly.")
    page.get_by_role("button", name=w("Save a new version")).click()
    expect_page(page, w("Review report, version %(version)s", version=1))
    assert banner(page) == w("Version %(version)s saved.", version=1)
    page.get_by_role("button", name=w("Share version %(version)s for accuracy", version=1)).click()
    expect_page(page, w("Review report, version %(version)s", version=1), error=True)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    vulnerabilities = w("Family and individual vulnerabilities").lower()
    assert summary.locator("a").all_inner_texts() == [
        w(
            "Chronology: add an entry for %(theme)s, or tick “%(none)s”",
            theme=vulnerabilities,
            none=w("No family or individual vulnerabilities"),
        ),
        w(
            "Conclusions: list the %(part)s, or tick “%(none)s”",
            part=w("Procedural issues").lower(),
            none=w("No procedural issues"),
        ),
        w(
            "Conclusions: list the %(part)s, or tick “%(none)s”",
            part=w("Practice issues").lower(),
            none=w("No practice issues"),
        ),
        w("%(section)s is empty", section=w("The impact of our involvement")),
    ]
    axe_check(page)
    page.get_by_role("link", name=w("Edit the report")).click()
    expect_page(page, w("Edit the review report"))
    page.get_by_label(w("No family or individual vulnerabilities")).check()
    page.get_by_label(w("Procedural issues"), exact=True).fill("Risk not reassessed")
    page.get_by_label(w("Practice issues"), exact=True).fill("Visits not recorded")
    page.get_by_label(w("The impact of our involvement")).fill("The children's wishes reached the court.")
    axe_check(page)
    page.get_by_role("button", name=w("Save a new version")).click()
    expect_page(page, w("Review report, version %(version)s", version=2))
    assert w("Every required section is complete.") in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_role("link", name=w("Version %(version)s", version=1), exact=True).click()
    expect_page(page, w("Review report, version %(version)s (an earlier version)", version=1))
    axe_check(page)
    page.get_by_role("link", name=w("See the latest version")).click()

    # WeasyPrint takes more than the default 5 s on a loaded two-core machine (it timed out here).
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name=w("Download version %(version)s as PDF", version=2)).click()
    path = download.value.path()
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )
    assert "Police attended the home." in text and "Tŷ Ŵyn" in text
    assert w("OFFICIAL-SENSITIVE") in text and w("Internal case review report") in text

    page.get_by_role("button", name=w("Share version %(version)s for accuracy", version=2)).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Report shared for accuracy")))
    shared = w("Version %(version)s shared for accuracy", version=2)
    assert shared in banner(page)
    assert shared in squash(page.locator("main").inner_text())
    axe_check(page)
