"""The learning steps in the browser, from the agreed report to closure, then the dashboard and
the lists, with an axe-core check on every page the learning feature adds."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    banner,
    choose,
    error_summary,
    expect_page,
    fill_date,
    group,
    sign_in,
    sign_out,
    squash,
    summary_list,
    table_rows,
)
from tests.clock import london_today
from tests.factories import make_area, make_user
from tests.learning.helpers import agreed_review
from webapp.extensions import db
from webapp.learning import plan, points, services
from webapp.models import ReportDraft, Role, utcnow

pytestmark = pytest.mark.browser


def open_task(page, name: str, heading: str) -> None:
    page.goto("/tasks")
    expect_page(page, "My tasks")
    page.get_by_role("link", name=name).first.click()
    expect_page(page, heading)


def main_text(page) -> str:
    return squash(page.locator("main").inner_text())


@pytest.fixture
def people(app):
    north, south = make_area(name="North"), make_area(name="South")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief", email="ce@example.org")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dafydd Deputy", manager=ce)
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Mared Manager", manager=dce)
    return {
        "north": north,
        "ce": ce,
        "dce": dce,
        "pm": pm,
        "pdt": make_user(
            roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Huw Development", email="pdt@example.org", manager=dce
        ),
        "practitioner": make_user(
            roles=Role.PRACTITIONER,
            area=north,
            name="Owain Practitioner",
            email="owain@example.org",
            manager=pm,
        ),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="South Reviewer"),
        "admin": make_user(roles=Role.ADMINISTRATOR, name="Alex Admin", email="admin@example.org"),
    }


def test_learning_from_agreed_report_to_closure(page, axe_check, people):
    review = agreed_review(people, occurred_on=london_today() - timedelta(days=40))
    today = london_today()

    # The Practice Development Team records the learning from the review page.
    sign_in(page, people["pdt"].email)
    page.goto(f"/reviews/{review.id}")
    expect_page(page, "Review: Report agreed")
    assert "Not recorded yet" in main_text(page)
    axe_check(page)
    page.get_by_role("link", name="See the learning and action plan").click()
    expect_page(page, "Learning and action plan")
    axe_check(page)
    page.get_by_role("link", name="Record the learning").click()
    expect_page(page, "Record the learning")
    axe_check(page)
    # The outcome and "during proceedings" start from the incident and the case.
    expect(group(page, "What was the outcome?").get_by_label("Death")).to_be_checked()
    expect(
        group(page, "Did the incident happen while family court proceedings were ongoing?").get_by_label(
            "Yes"
        )
    ).to_be_checked()
    page.get_by_role("button", name="Save learning").click()
    expect_page(page, "Record the learning", error=True)
    assert error_summary(page) == [
        "Select who the suspected perpetrator is, or 'Not known'",
        "Select yes, no or 'Not known'",
    ]
    axe_check(page)
    for name in ("Neglect", "Domestic abuse"):
        group(page, "Risk factors").get_by_label(name, exact=True).check()
    group(page, "Practice themes").get_by_label("Crisp analysis").check()
    choose(page, "Who is the suspected perpetrator?", "A family member")
    choose(page, "Was the suspected perpetrator the person assessed as posing the greatest risk?", "No")
    page.get_by_role("button", name="Save learning").click()
    expect_page(page, "Learning and action plan")
    assert banner(page) == "Learning saved."
    learning = summary_list(page)
    assert learning["Risk factors"] == "Domestic abuse, Neglect"
    assert learning["Perpetrator was the person assessed as the main risk"] == "No"
    sign_out(page)

    # The Chief Executive records the SLT meeting from the task.
    sign_in(page, people["ce"].email)
    open_task(
        page,
        "Discuss the review themes at a Senior Leadership Team meeting",
        "Record the Senior Leadership Team meeting",
    )
    assert "Crisp analysis (practice theme)" in main_text(page)
    axe_check(page)
    page.get_by_role("link", name="No learning was identified: close the review instead").click()
    expect_page(page, "Close the review without learning")
    axe_check(page)
    page.go_back()
    expect_page(page, "Record the Senior Leadership Team meeting")
    fill_date(page, "Date of the Senior Leadership Team meeting", today + timedelta(days=1))
    page.get_by_label("What the meeting discussed and decided").fill("Themes discussed; plan requested.")
    page.get_by_role("button", name="Record the meeting").click()
    expect_page(page, "Record the Senior Leadership Team meeting", error=True)
    assert error_summary(page) == ["Date of the meeting must be today or in the past"]
    axe_check(page)
    fill_date(page, "Date of the Senior Leadership Team meeting", today)
    page.get_by_role("button", name="Record the meeting").click()
    expect_page(page, "Learning and action plan")
    assert "Action plan being agreed" in main_text(page)
    sign_out(page)

    # The Practice Development Team builds the plan and agrees it.
    sign_in(page, people["pdt"].email)
    open_task(page, "Agree the improvement action plan", "Agree the action plan")
    axe_check(page)
    page.get_by_role("link", name="Add an action").click()
    expect_page(page, "Add an action")
    axe_check(page)
    page.get_by_label("Action").fill("Run a learning session on domestic abuse for the North team")
    page.get_by_label("Owner").select_option(label="Owain Practitioner (Practitioner)")
    fill_date(page, "Due date", today - timedelta(days=1))
    page.get_by_role("button", name="Add the action").click()
    expect_page(page, "Add an action", error=True)
    assert error_summary(page) == ["Due date must be today or in the future"]
    axe_check(page)
    fill_date(page, "Due date", today + timedelta(days=30))
    page.get_by_role("button", name="Add the action").click()
    expect_page(page, "Learning and action plan")
    rows = table_rows(page, "Actions in the plan")
    assert rows[0][1:] == ["Owain Practitioner", f"{(today + timedelta(days=30)):%-d %B %Y}", "Not started"]
    page.get_by_role("link", name="Run a learning session").click()
    expect_page(page, "Action")
    axe_check(page)
    page.get_by_role("link", name="Change the action, its owner or due date").click()
    expect_page(page, "Change an action")
    axe_check(page)
    fill_date(page, "Due date", today + timedelta(days=40))
    page.get_by_role("button", name="Save the action").click()
    expect_page(page, "Action")
    assert summary_list(page)["Due"] == f"{(today + timedelta(days=40)):%-d %B %Y}"
    page.goto(f"/reviews/{review.id}/learning")
    page.get_by_role("link", name="Agree the action plan").click()
    expect_page(page, "Agree the action plan")
    page.get_by_role("button", name="Agree the action plan").click()
    expect_page(page, "Learning and action plan")
    assert "Action plan being monitored" in main_text(page)
    # Closing now is refused: the action is not done.
    page.get_by_role("link", name="Close the review").click()
    expect_page(page, "Close the review")
    assert "cannot close until every action is done" in main_text(page)
    axe_check(page)
    sign_out(page)

    # The owner reaches the action from their task and marks it done.
    sign_in(page, people["practitioner"].email)
    open_task(page, re.compile(r"Complete action \d+: "), "Action")
    axe_check(page)
    choose(page, "Status", "Done")
    page.get_by_label("Progress note").fill("Session held with the whole team.")
    page.get_by_role("button", name="Save progress").click()
    expect_page(page, "Action")
    assert "Session held with the whole team." in main_text(page)
    sign_out(page)

    # The PDT records a progress review, then confirms the closure.
    sign_in(page, people["pdt"].email)
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
    page.get_by_role("link", name="See the learning and action plan").click()
    expect_page(page, "Learning and action plan")
    assert "Closed on" in main_text(page)
    axe_check(page)


def test_dashboard_and_lists(page, axe_check, people):
    review = agreed_review(people, occurred_on=london_today() - timedelta(days=20))
    services.save_learning(
        review,
        {
            "outcome": "serious_harm",
            "during_proceedings": True,
            "perpetrator_relation": "other",
            "perpetrator_was_assessed_main_risk": "yes",
        },
        [],
        actor=people["pdt"],
    )

    sign_in(page, people["ce"].email)
    page.goto("/learning/dashboard")
    expect_page(page, "Learning dashboard")
    rows = table_rows(page, "Outcome of the incident")
    assert rows == [["0", "0%"], ["1", "100%"]]  # the cells beside the row headers Death, Serious harm
    expect(
        page.get_by_role(
            "img", name="Bar chart of deaths and serious harm. Death: 0 (0%); Serious harm: 1 (100%)."
        )
    ).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.locator("#outcomes").locator("..").get_by_role("link", name="Download as CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(content)))[1] == ["Death", "0", "0%"]
    fill_date(page, "From", (31, 2, 2025))
    page.get_by_role("button", name="Show figures").click()
    expect_page(page, "Learning dashboard", error=True)
    assert error_summary(page) == ["From must be a real date"]
    assert page.locator("main table").count() == 0
    axe_check(page)
    sign_out(page)

    sign_in(page, people["admin"].email)
    page.goto("/admin/learning-tags")
    expect_page(page, "Risk factors and practice themes")
    axe_check(page)
    choose(page, "Which list?", "Risk factor")
    page.get_by_label("Name", exact=True).fill("Online harm")
    page.get_by_label("Welsh name").fill("Niwed ar-lein")
    page.get_by_role("button", name="Add to the list").click()
    expect_page(page, "Risk factors and practice themes")
    assert "Online harm added" in banner(page)
    page.get_by_role("button", name="Stop offering Online harm").click()
    assert "no longer offered" in banner(page)
    expect(page.get_by_role("button", name="Offer again Online harm")).to_be_visible()
    axe_check(page)


def test_a_learning_point_is_traced_to_its_action_and_counted_on_the_dashboard(page, axe_check, people):
    """From the agreed report's learning point to the action answering it, then the dashboard's
    learning points by theme and the trend chart, with axe on each page."""
    review = agreed_review(people, occurred_on=london_today() - timedelta(days=20))
    db.session.add(
        ReportDraft(
            review_id=review.id,
            version=1,
            sections={"learning_points": ["See the child alone at every visit."]},
            created_by_id=people["reviewer"].id,
            shared_at=utcnow(),
            agreed_at=utcnow(),  # the agreed report is the version marked agreed
        )
    )
    points.record_from_report(review)
    db.session.commit()
    services.save_learning(
        review,
        {
            "outcome": "death",
            "during_proceedings": False,
            "perpetrator_relation": "family_member",
            "perpetrator_was_assessed_main_risk": "no",
        },
        [],
        actor=people["pdt"],
    )
    services.record_slt(review, met_on=london_today(), notes="Discussed.", actor=people["ce"])
    plan.add_action(
        review,
        action="Audit visits for time alone with the child",
        owner_id=people["practitioner"].id,
        due_on=london_today() + timedelta(days=30),
        actor=people["pdt"],
    )

    sign_in(page, people["pdt"].email)
    page.goto(f"/reviews/{review.id}/learning")
    expect_page(page, "Learning and action plan")
    assert table_rows(page, "Learning points of the agreed report")[0][2] == "Not answered yet"
    page.get_by_role("link", name="See the child alone at every visit. (trace this learning point)").click()
    expect_page(page, "Learning point 1")
    axe_check(page)
    group(page, "Risk factors").get_by_label("Neglect").check()
    group(page, "Practice themes").get_by_label("Systematic attention to the needs of the child").check()
    group(page, "Actions that answer this learning point").get_by_label(
        "Audit visits for time alone with the child (not started)"
    ).check()
    page.get_by_role("button", name="Save the learning point").click()
    expect_page(page, "Learning and action plan")
    assert "Learning point saved." in banner(page)
    row = table_rows(page, "Learning points of the agreed report")[0]
    assert row[1] == "Neglect, Systematic attention to the needs of the child"
    assert row[2] == "Audit visits for time alone with the child (not started)"
    axe_check(page)

    page.goto("/learning/dashboard")
    expect_page(page, "Learning dashboard")
    caption = (
        "Learning points of agreed reports by risk factor and practice theme, and how they were answered"
    )
    assert table_rows(page, caption)[0] == ["1", "0", "0", "0%"]
    expect(page.locator("svg.app-line-chart")).to_be_visible()
    axe_check(page)
