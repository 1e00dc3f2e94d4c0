"""The browser journey from allocation to closure: one review taken through the pages only, by
the people the procedure names. The Practice Manager records the incident, the Chief Executive
initiates the review and allocates the independent reviewer, who gathers, builds the chronology,
writes the report (refused while a section is missing), downloads it and shares it; the practitioner,
the Practice Manager and the Head of Operations of the case's area check it (the author responds to a
concern and the Practice Manager says that resolves it); then the learning, the SLT meeting, the
action plan, its progress review and the closure.
Nobody is told where to look: each person finds their next task on the home page that signing in
lands on, or by following the link in the email the service sent them (a real SMTP server).
axe-core checks each page the first time the journey reaches it."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
from playwright.sync_api import expect

from jobs import relay
from tests.browser.helpers import (
    banner,
    choose,
    expect_page,
    fill_date,
    fill_sign_in,
    group,
    nav_link,
    sign_in,
    sign_out,
    squash,
    summary_list,
    table_rows,
)
from tests.clock import london_today
from tests.factories import make_application, make_area, make_case, make_user
from webapp.models import ChronologyCategory, GatheringSource, ProceedingsStatus, Role

pytestmark = pytest.mark.browser

ACCURACY_QUESTION = "Do you agree that the report is accurate, including its learning points?"
CHECK_REPORT = "Check the review report for accuracy"
SHARED_VERSION_CHECK = "Check the review report (version 2) for accuracy"  # the page names the version shared
# The task's title names the version (webapp/tasks/titles.py).
CHECK_TASK = re.compile(r"Check the review report \(version \d+\) for accuracy")


def main_text(page) -> str:
    return squash(page.locator("main").inner_text())


def open_task(page, name: str, heading: str | None = None) -> None:
    """From the home page (where signing in lands) to the first open task with this name."""
    nav_link(page, "Home").click()
    expect_page(page, "Your work")
    tasks = page.locator("table", has=page.locator("caption", has_text="Your open tasks"))
    tasks.get_by_role("link", name=name).first.click()
    expect_page(page, heading or re.compile("^" + re.escape(name)))


def arrive_by_email(page, smtp_server, email: str, expected: str | re.Pattern[str]) -> None:
    """The relay runs as the scheduler would; the person opens the newest email the service sent
    them, follows its sign-in link and signs in: the page they land on shows ``expected``."""
    relay.run()
    mine = [message for message in smtp_server.messages if message["To"] == email]
    assert mine, f"no email reached {email}"
    body = next(
        part.get_payload(decode=True).decode()
        for part in mine[-1].walk()
        if part.get_content_type() == "text/plain"
    )
    link = urlsplit(re.search(r"https?://\S+", body).group(0))
    page.goto(f"{link.path}?{link.query}")
    expect_page(page, "Sign in")
    fill_sign_in(page, email)
    expect(page.locator("main")).to_contain_text(expected)


def add_entry(page, when: date, what: str, source: str, categories: list[str]) -> None:
    page.get_by_role("link", name="Add an entry").click()
    expect_page(page, "Add a chronology entry")
    fill_date(page, "Date", when)
    page.get_by_label("What happened").fill(what)
    page.get_by_label("Source", exact=True).fill(source)
    for category in categories:
        group(page, "Categories").get_by_label(category).check()
    page.get_by_role("button", name="Add entry").click()
    expect_page(page, "Chronology")
    assert banner(page) == "Entry added."


def answer_accuracy(page, email: str, *, concern: str | None = None, smtp_server=None) -> None:
    """One of the three parties opens their accuracy task (from the email's link, or the home page
    after signing in) and agrees, or raises a concern."""
    if smtp_server is not None:
        arrive_by_email(page, smtp_server, email, CHECK_TASK)
    else:
        sign_in(page, email)
    open_task(page, CHECK_TASK, SHARED_VERSION_CHECK)
    assert "Police attended the home." in main_text(page)
    if concern is None:
        choose(page, ACCURACY_QUESTION, "Yes, I agree the report is accurate")
    else:
        choose(page, ACCURACY_QUESTION, "No, I want to raise a concern about the report")
        page.get_by_label("Your concern").fill(concern)
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")


def test_review_from_allocation_to_closure(page, axe_check, smtp_server):
    today = london_today()
    north, south = make_area(name="North"), make_area(name="South")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief", email="ce@example.org")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dafydd Deputy", email="dce@example.org")
    pdt = make_user(
        roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Huw Development", email="pdt@example.org", manager=dce
    )
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Area Head", email="ahoo@example.org")
    north_hoo = make_user(
        roles=Role.HEAD_OF_OPERATIONS, area=north, name="Gareth North", email="hoo@example.org"
    )
    reviewer = make_user(
        roles=Role.HEAD_OF_OPERATIONS, area=south, name="Rhian Reviewer", email="reviewer@example.org"
    )
    pm = make_user(
        roles=Role.PRACTICE_MANAGER,
        area=north,
        name="Mared Manager",
        email="pm@example.org",
        manager=north_hoo,
    )
    practitioner = make_user(
        roles=Role.PRACTITIONER, area=north, name="Owain Practitioner", email="owain@example.org", manager=pm
    )
    case = make_case(
        area=north,
        practitioner=practitioner,
        practice_manager=pm,
        proceedings_status=ProceedingsStatus.CLOSED,
        children=[("Gwen Ŵyn", date(2018, 5, 1))],
    )
    make_application(case=case, application_type="care_order", made_on=date(2025, 1, 6))

    # 1. The Practice Manager records the incident; proceedings have closed, so no consultation.
    page.goto("/sign-in")
    expect_page(page, "Sign in")
    axe_check(page)
    fill_sign_in(page, pm.email)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="Record an incident").click()
    expect_page(page, "Record an incident")
    axe_check(page)
    choose(page, "What happened?", "Death")
    choose(page, "What was the cause?", "Not yet known")
    choose(page, "Who was affected?", "A child who is the subject of an application")
    occurred = today - timedelta(days=2)
    fill_date(page, "Date of the incident", occurred)
    choose(page, "Is the death or significant incident linked to previous family court involvement?", "Yes")
    choose(page, "Is a Single Unified Safeguarding Review (Wales) known to be taking place?", "No")
    choose(page, "Is a Serious Case Review or Child Safeguarding Practice Review (England) known?", "No")
    page.get_by_label("Summary of what is known").fill("A child died at the family home.")
    page.get_by_label("Who told us").fill("Police")
    fill_date(page, "Date we were told", today - timedelta(days=1))
    page.get_by_role("button", name="Save incident").click()
    expect_page(page, f"Death on {occurred:%-d %B %Y}")
    axe_check(page)
    page.get_by_role("link", name="See the review, its reasons and tasks").click()
    expect_page(page, "Review: Awaiting decision")
    assert summary_list(page)["Circumstance"] == "Closed case"
    axe_check(page)
    review_url = page.url
    sign_out(page)

    # The Chief Executive initiates the review from the decision task, told of it by email.
    # The email's link, after signing in, opens the decision itself.
    arrive_by_email(page, smtp_server, ce.email, "Do you want to initiate an internal case review?")
    expect_page(page, "Decide whether to initiate a review")
    axe_check(page)
    choose(page, "Do you want to initiate an internal case review?", "Yes, initiate a review")
    page.get_by_label("Rationale").fill("A death linked to our involvement: learning is likely.")
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Review: Review initiated")

    # 2. Allocation: only a Head of Operations from another area is offered.
    open_task(page, "Allocate an independent Head of Operations to lead the review")
    axe_check(page)
    options = page.locator("#reviewer_id option").all_inner_texts()
    assert "Rhian Reviewer (South)" in options
    assert not any("Gareth North" in option for option in options)
    page.get_by_label("Head of Operations to lead the review").select_option(label="Rhian Reviewer (South)")
    page.get_by_role("button", name="Allocate reviewer").click()
    expect_page(page, "Review: Review in progress")
    assert summary_list(page)["Reviewer"] == "Rhian Reviewer (South)"
    sign_out(page)

    # 3. The reviewer, told by email of the allocation, gathers the information from four sources.
    arrive_by_email(page, smtp_server, reviewer.email, "Gather the information for the review")
    axe_check(page)  # the home page: new notifications, tasks, reviews
    open_task(page, "Gather the information for the review", "Information gathering")
    axe_check(page)
    for number, source in enumerate(GatheringSource):
        page.get_by_role("link", name=f"Record {source.label.lower()}").click()
        expect_page(page, source.label)
        if number == 0:
            axe_check(page)
        page.get_by_label("Notes").fill(f"Notes on: {source.label}.")
        fill_date(page, "Date done", today)
        page.get_by_role("button", name="Save").click()
        expect_page(page, "Information gathering")
    gathering = main_text(page)
    assert "4 of 4 sources done" in gathering
    assert "The gathering task was completed" in gathering

    # The chronology, with every category used at least once.
    page.get_by_role("link", name="Review", exact=True).click()
    expect_page(page, "Review: Review in progress")
    page.get_by_role("link", name="Chronology", exact=True).click()
    expect_page(page, "Chronology")
    axe_check(page)
    add_entry(
        page,
        date(2025, 3, 3),
        "Health visitor contact.",
        "Health visitor",
        ["Liaison with another agency or professional"],
    )
    add_entry(
        page,
        date(2025, 7, 2),
        "Police attended the home.",
        "Police",
        ["Identified risk", "Cafcass Cymru involvement"],
    )
    add_entry(
        page,
        date(2025, 5, 9),
        "Mother's mental health declined.",
        "Case file",
        ["Family or individual vulnerability"],
    )
    page.get_by_role("tab", name="Table").click()
    entries = table_rows(page, "Chronology entries")
    assert [row[:3] for row in entries] == [
        ["3 March 2025", "Health visitor contact.", "Health visitor"],
        ["9 May 2025", "Mother's mental health declined.", "Case file"],
        ["2 July 2025", "Police attended the home.", "Police"],
    ]
    categories = " ".join(row[3] for row in entries)
    for category in ChronologyCategory:
        assert category.label in categories
    page.get_by_role("link", name="Add an entry").click()
    expect_page(page, "Add a chronology entry")
    axe_check(page)

    # The report: sharing is refused while a mandatory section is missing, and says which.
    open_task(page, "Draft the review report", "Review report")
    axe_check(page)
    page.get_by_role("link", name="Write the report").click()
    expect_page(page, "Write the review report")
    axe_check(page)
    expect(page.get_by_label("Incident summary")).to_have_value("A child died at the family home.")
    page.get_by_label("Background history", exact=True).fill("Known to the service since 2023.")
    page.get_by_label("Inquiries undertaken").fill("Read the file; spoke to the practitioner, PM and HoO.")
    page.get_by_label("Decision-making and line management support").fill("Supervised monthly.")
    page.get_by_label("Learning points").fill("Reassess risk when the police report new concerns.")
    page.get_by_role("button", name="Save a new version").click()
    expect_page(page, "Review report, version 1")
    assert banner(page) == "Version 1 saved."
    page.get_by_role("button", name="Share version 1 for accuracy").click()
    expect_page(page, "Review report, version 1", error=True)
    refusal = page.locator(".govuk-error-summary")
    expect(refusal).to_be_focused()
    expect(refusal.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(refusal).to_contain_text("The report cannot be shared yet")
    assert refusal.locator("a").all_inner_texts() == [
        "Conclusions: list the procedural issues, or tick “No procedural issues”",
        "Conclusions: list the practice issues, or tick “No practice issues”",
        "The impact of our involvement is empty",
    ]
    axe_check(page)
    page.get_by_role("link", name="Edit the report").click()
    expect_page(page, "Edit the review report")
    page.get_by_label("Procedural issues", exact=True).fill("Risk not reassessed after the police visit")
    page.get_by_label("Practice issues", exact=True).fill("Visits not recorded")
    page.get_by_label("The impact of our involvement").fill("The children's wishes reached the court.")
    page.get_by_role("button", name="Save a new version").click()
    expect_page(page, "Review report, version 2")
    assert "Every required section is complete." in main_text(page)

    # 6. The PDF export downloads, and is a PDF with something in it.
    # WeasyPrint takes more than the default 5 s on a loaded two-core machine (it timed out here).
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download version 2 as PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert len(pdf) > 1000 and pdf.startswith(b"%PDF")
    text = squash(" ".join(part.extract_text() for part in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "Police attended the home." in text and "Visits not recorded" in text

    page.get_by_role("button", name="Share version 2 for accuracy").click()
    expect_page(page, "Review: Report shared for accuracy")
    assert "Version 2 shared for accuracy" in banner(page)
    axe_check(page)  # the review page with its accuracy panel
    sign_out(page)

    # 4. The three parties check the report; the Practice Manager raises a concern.
    answer_accuracy(page, practitioner.email, smtp_server=smtp_server)
    axe_check(page)  # the accuracy overview
    sign_out(page)
    answer_accuracy(page, pm.email, concern="The chronology leaves out the March home visit.")
    assert "gone to the report author" in main_text(page)
    sign_out(page)
    sign_in(page, north_hoo.email)
    open_task(page, CHECK_TASK, SHARED_VERSION_CHECK)
    axe_check(page)  # the response form
    choose(page, ACCURACY_QUESTION, "Yes, I agree the report is accurate")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    sign_out(page)

    # The report author responds to the concern; the Practice Manager says it resolves it, and the
    # report is agreed.
    arrive_by_email(page, smtp_server, reviewer.email, "Respond to a concern about the report")
    open_task(page, "Respond to a concern about the report")
    assert "The chronology leaves out the March home visit." in main_text(page)
    axe_check(page)
    page.get_by_label("Your response to the concern").fill("The visit is now in the chronology notes.")
    page.get_by_role("button", name="Send response").click()
    expect_page(page, "Accuracy of the review report")
    assert "Report agreed" not in main_text(page)
    sign_out(page)
    sign_in(page, pm.email)
    open_task(
        page,
        "Say whether the report author's answer resolves your concern",
        "The report author's answer to your concern",
    )
    assert "The visit is now in the chronology notes." in main_text(page)
    axe_check(page)
    choose(page, "Does the author's answer resolve your concern?", "Yes, my concern is resolved")
    page.get_by_role("button", name="Send answer").click()
    expect_page(page, "Accuracy of the review report")
    assert "The report is now agreed" in main_text(page) and "Report agreed" in main_text(page)
    sign_out(page)

    # 5. The Practice Development Team, told by email that the report is agreed, records the learning.
    arrive_by_email(page, smtp_server, pdt.email, "See the learning and action plan")
    expect_page(page, "Review: Report agreed")
    assert page.url == review_url
    assert "Not recorded yet" in main_text(page)
    axe_check(page)  # the review page with its learning panel
    page.get_by_role("link", name="See the learning and action plan").click()
    expect_page(page, "Learning and action plan")
    axe_check(page)
    page.get_by_role("link", name="Record the learning").click()
    expect_page(page, "Record the learning")
    axe_check(page)
    expect(group(page, "What was the outcome?").get_by_label("Death")).to_be_checked()
    for name in ("Neglect", "Parental mental health"):
        group(page, "Risk factors").get_by_label(name, exact=True).check()
    group(page, "Practice themes").get_by_label("Crisp analysis").check()
    choose(page, "Who is the suspected perpetrator?", "A family member")
    choose(page, "Was the suspected perpetrator the person assessed as posing the greatest risk?", "No")
    page.get_by_role("button", name="Save learning").click()
    expect_page(page, "Learning and action plan")
    assert banner(page) == "Learning saved."
    assert summary_list(page)["Risk factors"] == "Neglect, Parental mental health"
    sign_out(page)

    # The Chief Executive records the SLT meeting.
    sign_in(page, ce.email)
    open_task(
        page,
        "Discuss the review themes at a Senior Leadership Team meeting",
        "Record the Senior Leadership Team meeting",
    )
    assert "Crisp analysis (practice theme)" in main_text(page)
    axe_check(page)
    fill_date(page, "Date of the Senior Leadership Team meeting", today)
    page.get_by_label("What the meeting discussed and decided").fill("Themes discussed; plan requested.")
    page.get_by_role("button", name="Record the meeting").click()
    expect_page(page, "Learning and action plan")
    assert "Action plan being agreed" in main_text(page)
    sign_out(page)

    # The Practice Development Team adds an action owned by the Practice Manager and agrees the plan.
    due = today + timedelta(days=30)
    sign_in(page, pdt.email)
    open_task(page, "Agree the improvement action plan", "Agree the action plan")
    axe_check(page)
    page.get_by_role("link", name="Add an action").click()
    expect_page(page, "Add an action")
    axe_check(page)
    page.get_by_label("Action").fill("Run a risk reassessment workshop for the North team")
    page.get_by_label("Owner").select_option(label="Mared Manager (Practice Manager)")
    fill_date(page, "Due date", due)
    page.get_by_role("button", name="Add the action").click()
    expect_page(page, "Learning and action plan")
    rows = table_rows(page, "Actions in the plan")
    assert rows[0][1:] == ["Mared Manager", f"{due:%-d %B %Y}", "Not started"]
    # The report's learning point is traced: what it concerns, and the action that answers it.
    page.get_by_role("link", name="Reassess risk when the police report new concerns. (trace").click()
    expect_page(page, "Learning point 1")
    axe_check(page)
    group(page, "Risk factors").get_by_label("Domestic abuse").check()
    group(page, "Actions that answer this learning point").get_by_label(
        "Run a risk reassessment workshop for the North team (not started)"
    ).check()
    page.get_by_role("button", name="Save the learning point").click()
    expect_page(page, "Learning and action plan")
    point = table_rows(page, "Learning points of the agreed report")[0]
    assert point[1:] == [
        "Domestic abuse",
        "Run a risk reassessment workshop for the North team (not started)",
    ]
    page.get_by_role("link", name="Agree the action plan").click()
    expect_page(page, "Agree the action plan")
    page.get_by_role("button", name="Agree the action plan").click()
    expect_page(page, "Learning and action plan")
    assert "Action plan being monitored" in main_text(page)
    sign_out(page)

    # The Practice Manager, the action's owner, follows the email and marks it done.
    arrive_by_email(page, smtp_server, pm.email, "Complete action 1")
    open_task(page, re.compile(r"Complete action \d+: "), "Action")
    axe_check(page)
    choose(page, "Status", "Done")
    page.get_by_label("Progress note").fill("Workshop held with the whole team.")
    page.get_by_role("button", name="Save progress").click()
    expect_page(page, "Action")
    assert "Workshop held with the whole team." in main_text(page)
    sign_out(page)

    # The Practice Development Team records a progress review and confirms the closure.
    sign_in(page, pdt.email)
    open_task(page, "Review the action plan's progress", "Record a progress review")
    axe_check(page)
    fill_date(page, "Date of the progress review", today)
    page.get_by_label("What the review found").fill("The action is done.")
    page.get_by_role("button", name="Record the progress review").click()
    expect_page(page, "Learning and action plan")
    assert "Every action is done" in banner(page)
    page.get_by_role("link", name="Close the review").click()
    expect_page(page, "Close the review")
    axe_check(page)
    page.get_by_role("button", name="Confirm and close the review").click()
    expect_page(page, "Review: Closed")
    assert "1 of 1 actions done" in main_text(page)
    axe_check(page)
