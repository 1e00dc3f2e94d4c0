"""The learning dashboard, checked against a small fixture whose figures were worked out by hand."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.demo_learning import seed_closed_reviews
from webapp.extensions import db
from webapp.learning import dashboard
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    AuditEvent,
    LearningTag,
    Review,
    ReviewLearning,
    ReviewState,
    ReviewTransition,
    Role,
    Task,
    TaskKind,
    TaskStatus,
)

S = ReviewState
START, END = date(2025, 1, 1), date(2025, 12, 31)
PERIOD = "from_date=1&from_date=1&from_date=2025&to_date=31&to_date=12&to_date=2025"


def make_review(area, occurred_on: date, circumstance: str, steps, learning=None, tags=()) -> Review:
    """A review with its history: steps are (state entered, days after the incident was recorded)."""
    case = make_case(area=area)
    incident = make_incident(case=case, occurred_on=occurred_on)
    review = Review(
        incident=incident,
        case_id=case.id,
        state=steps[-1][0],
        within_procedure=True,
        circumstance=circumstance,
        rapid_review=False,
        follow_susr_process=False,
        reasons=[],
    )
    db.session.add(review)
    db.session.flush()
    start = datetime(occurred_on.year, occurred_on.month, occurred_on.day, 9, tzinfo=UTC)
    before = None
    for state, days in steps:
        db.session.add(
            ReviewTransition(
                review_id=review.id,
                from_state=before.value if before else None,
                to_state=state.value,
                action="test",
                occurred_at=start + timedelta(days=days),
            )
        )
        before = state
    if learning is not None:
        outcome, during, relation, assessed = learning
        row = ReviewLearning(
            review_id=review.id,
            outcome=outcome,
            during_proceedings=during,
            perpetrator_relation=relation,
            perpetrator_was_assessed_main_risk=assessed,
            updated_by_id=case.practice_manager_id,
        )
        row.tags = list(db.session.execute(select(LearningTag).where(LearningTag.name.in_(tags))).scalars())
        db.session.add(row)
    db.session.commit()
    return review


def add_task(review, due: date, status=TaskStatus.OPEN) -> None:
    db.session.add(
        Task(
            review_id=review.id,
            kind=TaskKind.DECIDE,
            assignee_pool="decision_makers",
            due_on=due,
            status=status,
        )
    )


def add_item(review, owner, due: date, status: ActionStatus) -> None:
    db.session.add(
        ActionPlanItem(review_id=review.id, action="Act", owner_id=owner.id, due_on=due, status=status)
    )


@pytest.fixture
def fixture(world):
    """Four reviews with learning in 2025 (A to D), one without (E), two outside the year (F, G).

    By hand, of the 4 reviews with learning:
      Neglect A B D = 3 (75%), Domestic abuse A C D = 3 (75%), Planning A D = 2 (50%),
      Crisp analysis B = 1 (25%); deaths A B D = 3 (75%), serious harm C = 1 (25%);
      ongoing proceedings A C = 2 (50%), closed case B D = 2 (50%); during proceedings A C (50%);
      perpetrator assessed as the main risk: no A C, yes B, unknown D -> not the main risk 2 of 3
      known (66.7%, shown 67%); relation family A B (50%), other C (25%), unknown D (25%).
    Days in each stage (A to E; F and G are outside the period):
      awaiting decision A 2, B 4, C 3, E 1.5 -> median (2 + 3) / 2 = 2.5 over 4;
      initiated A 10, B 6, C 20 -> 10 over 3; in review A 30, B 50 -> 40 over 2; accuracy B 5 over 1.
    Overdue today: tasks North 2 (67%), South 1 (33%), East 0; actions North 1, South 1 (50% each).
    """
    north, south = world["north"], world["south"]
    east = make_area(name="East")
    a = make_review(
        north,
        date(2025, 2, 1),
        "ongoing_proceedings",
        [(S.AWAITING_DECISION, 0), (S.INITIATED, 2), (S.IN_REVIEW, 12), (S.ACCURACY_CHECK, 42)],
        ("death", True, "family_member", "no"),
        ["Neglect", "Domestic abuse", "Planning"],
    )
    make_review(
        north,
        date(2025, 6, 15),
        "closed_case",
        [
            (S.AWAITING_DECISION, 0),
            (S.INITIATED, 4),
            (S.IN_REVIEW, 10),
            (S.ACCURACY_CHECK, 60),
            (S.AGREED, 65),
        ],
        ("death", False, "family_member", "yes"),
        ["Neglect", "Crisp analysis"],
    )
    c = make_review(
        south,
        END,
        "ongoing_proceedings",
        [(S.AWAITING_DECISION, 0), (S.INITIATED, 3), (S.IN_REVIEW, 23)],
        ("serious_harm", True, "other", "no"),
        ["Domestic abuse"],
    )
    make_review(
        north,
        START,
        "closed_case",
        [(S.AWAITING_DECISION, 0)],
        ("death", False, "unknown", "unknown"),
        ["Domestic abuse", "Neglect", "Planning"],
    )
    make_review(north, date(2025, 7, 1), "closed_case", [(S.AWAITING_DECISION, 0), (S.INITIATED, 1.5)])
    for outside in (date(2024, 12, 31), date(2026, 1, 1)):
        make_review(
            north,
            outside,
            "closed_case",
            [(S.AWAITING_DECISION, 0), (S.INITIATED, 100)],
            ("death", True, "other", "yes"),
            ["Co-sleeping"],
        )
    today = london_today()
    for due, status in (
        (today - timedelta(days=1), TaskStatus.OPEN),
        (today - timedelta(days=10), TaskStatus.OPEN),
        (today + timedelta(days=1), TaskStatus.OPEN),
        (today - timedelta(days=3), TaskStatus.DONE),
    ):
        add_task(a, due, status)
    add_task(c, today - timedelta(days=2))
    owner = world["pm"]
    add_item(a, owner, today - timedelta(days=1), ActionStatus.NOT_STARTED)
    add_item(a, owner, today - timedelta(days=5), ActionStatus.DONE)
    add_item(a, owner, today + timedelta(days=5), ActionStatus.IN_PROGRESS)
    add_item(c, owner, today - timedelta(days=1), ActionStatus.IN_PROGRESS)
    db.session.commit()
    return {"east": east}


def by_key(figures) -> dict:
    return {figure.key: figure for figure in figures}


def test_figures_match_the_hand_count(fixture):
    figures = by_key(dashboard.figures(START, END, london_today()))
    risks = figures["risk_factors"].rows
    assert risks[:2] == [["Domestic abuse", 3, "75%"], ["Neglect", 3, "75%"]]
    assert ["Co-sleeping", 0, "0%"] in risks and len(risks) == 7
    themes = figures["practice_themes"].rows
    assert themes[:2] == [["Planning", 2, "50%"], ["Crisp analysis", 1, "25%"]]
    assert figures["outcomes"].rows == [["Death", 3, "75%"], ["Serious harm", 1, "25%"]]
    assert figures["circumstances"].rows == [
        ["Ongoing proceedings", 2, "50%"],
        ["Closed case", 2, "50%"],
        ["Outside the procedure", 0, "0%"],
    ]
    assert figures["during_proceedings"].rows == [
        ["During proceedings", 2, "50%"],
        ["Not during proceedings", 2, "50%"],
    ]
    assert figures["perpetrator_main_risk"].rows == [
        ["Not the person assessed as the main risk", 2, "67%"],
        ["The person assessed as the main risk", 1, "33%"],
    ]
    assert "of the 3 reviews where this is known; not known in 1" in figures["perpetrator_main_risk"].note
    assert figures["perpetrator_relation"].rows == [
        ["A family member", 2, "50%"],
        ["Someone else", 1, "25%"],
        ["Not known", 1, "25%"],
        ["Not applicable (an adult, or a suicide)", 0, "0%"],
    ]
    assert figures["stage_medians"].rows == [
        ["Awaiting decision", "2.5", 4],
        ["Review initiated", "10.0", 3],
        ["Review in progress", "40.0", 2],
        ["Report shared for accuracy", "5.0", 1],
    ]
    assert figures["overdue_tasks"].rows == [["East", 0, "0%"], ["North", 2, "67%"], ["South", 1, "33%"]]
    assert figures["overdue_actions"].rows == [["East", 0, "0%"], ["North", 1, "50%"], ["South", 1, "50%"]]


def test_bars_are_drawn_to_scale(fixture):
    figures = by_key(dashboard.figures(START, END, london_today()))
    assert figures["outcomes"].bars == [("Death", 75.0, "3 (75%)"), ("Serious harm", 25.0, "1 (25%)")]
    assert figures["stage_medians"].bars[2] == ("Review in progress", 100.0, "40.0 days")
    assert figures["stage_medians"].bars[0] == ("Awaiting decision", 6.25, "2.5 days")
    assert figures["overdue_tasks"].bars[1] == ("North", 100.0, "2")


def test_a_deactivated_tag_is_still_counted(fixture):
    db.session.execute(select(LearningTag).where(LearningTag.name == "Planning")).scalar_one().active = False
    db.session.commit()
    themes = by_key(dashboard.figures(START, END, london_today()))["practice_themes"].rows
    assert ["Planning (no longer offered)", 2, "50%"] in themes


def test_the_page_shows_each_chart_with_its_table(fixture, world, signed_in):
    page = signed_in(world["slt"]).get(f"/learning/dashboard?{PERIOD}")
    assert "Incidents from 1 January 2025 to 31 December 2025" in page.text()
    tables = page.html.select("main table")
    # Every figure but the learning points by theme (none traced in this fixture) has its table.
    assert len(tables) == 18 and all(t.find("caption") for t in tables)
    outcome = page.html.find(id="outcomes-table")
    assert [c.get_text(strip=True) for c in outcome.select("tbody tr")[0].find_all(["th", "td"])] == [
        "Death",
        "3",
        "75%",
    ]
    charts = page.html.select('[role="img"]')
    assert len(charts) == 18
    assert any("Death: 3 (75%); Serious harm: 1 (25%)" in chart["aria-label"] for chart in charts)
    assert page.html.find("script", src=lambda src: src and "http" in src) is None


def test_the_default_period_is_the_last_twelve_months(world, signed_in):
    today = london_today()
    for occurred in (today - timedelta(days=30), today - timedelta(days=400)):
        make_review(
            world["north"],
            occurred,
            "closed_case",
            [(S.AWAITING_DECISION, 0)],
            ("death", False, "other", "no"),
        )
    page = signed_in(world["ce"]).get("/learning/dashboard")
    assert page.html.find(id="from_date-year")["value"] == str(today.year - 1)
    outcome = page.html.find(id="outcomes-table")
    assert outcome.select("tbody tr")[0].find("td").get_text(strip=True) == "1"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "from_date=31&from_date=2&from_date=2025&to_date=1&to_date=3&to_date=2025",
            "From must be a real date",
        ),
        ("from_date=1&from_date=&from_date=2025&to_date=1&to_date=3&to_date=2025", "From must include a day"),
        ("from_date=1&from_date=1&from_date=2025", "Enter the last date of the period"),
        (
            "from_date=1&from_date=6&from_date=2025&to_date=1&to_date=3&to_date=2025",
            "The last date must be the same as or after the first date",
        ),
    ],
)
def test_bad_dates_give_a_clear_error_and_nothing_else(world, signed_in, query, message):
    page = signed_in(world["dce"]).get(f"/learning/dashboard?{query}")
    assert page.title.startswith("Error: ")
    [error] = page.error_summary()
    assert error.startswith(message)
    assert page.html.select("main table") == [] and page.html.select('[role="img"]') == []
    csv_page = signed_in(world["dce"]).get(f"/learning/dashboard/outcomes.csv?{query}", status=302)
    assert "/learning/dashboard?" in csv_page.response.location


def download(client, url: str, status: int = 200):
    """A file, not a page: fetched without the page checks."""
    response = client.client.get(url)
    assert response.status_code == status, url
    return response


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_each_table_exports_as_csv(fixture, world, signed_in):
    client = signed_in(world["pdt"])
    response = download(client, f"/learning/dashboard/risk_factors.csv?{PERIOD}")
    assert 'filename="risk_factors-2025-01-01-to-2025-12-31.csv"' in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Risk factor", "Reviews", "Percentage"]
    assert rows[1:3] == [["Domestic abuse", "3", "75%"], ["Neglect", "3", "75%"]]
    assert len(rows) == 1 + 7
    stages = read_csv(download(client, f"/learning/dashboard/stage_medians.csv?{PERIOD}"))
    assert stages == [
        ["Stage", "Median days", "Times left"],
        ["Awaiting decision", "2.5", "4"],
        ["Review initiated", "10.0", "3"],
        ["Review in progress", "40.0", "2"],
        ["Report shared for accuracy", "5.0", "1"],
    ]
    tasks = read_csv(download(client, f"/learning/dashboard/overdue_tasks.csv?{PERIOD}"))
    assert tasks == [
        ["Operational area", "Overdue tasks", "Percentage of all"],
        ["East", "0", "0%"],
        ["North", "2", "67%"],
        ["South", "1", "33%"],
    ]
    exported = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "dashboard.exported")
    ).scalars()
    assert [e.actor_id for e in exported] == [world["pdt"].id] * 3
    download(client, f"/learning/dashboard/nothing.csv?{PERIOD}", status=404)


def test_csv_cells_never_start_a_formula(world, signed_in):
    db.session.add(LearningTag(kind="risk_factor", name="=HYPERLINK(1)", active=True))
    db.session.commit()
    rows = read_csv(download(signed_in(world["ce"]), "/learning/dashboard/risk_factors.csv"))
    assert ["'=HYPERLINK(1)", "0", "0%"] in rows


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_who_sees_the_dashboard(world, signed_in, role):
    allowed = role in {
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.PRACTICE_DEVELOPMENT_TEAM,
        Role.SENIOR_LEADERSHIP_TEAM,
    }
    client = signed_in(make_user(roles=role, area=world["north"]))
    client.get("/learning/dashboard", status=200 if allowed else 403)
    download(client, "/learning/dashboard/outcomes.csv", status=200 if allowed else 403)


def statements_for(client, url: str) -> int:
    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_page_cost_does_not_grow_with_the_reviews_stored(world, signed_in):
    """Ten reviews or three hundred: the same statements, each an aggregate (nothing per review)."""
    client = signed_in(world["ce"])
    url = "/learning/dashboard?from_date=1&from_date=1&from_date=2000&to_date=1&to_date=1&to_date=2100"
    seed_closed_reviews(10, rng=random.Random(1))
    db.session.commit()
    few = statements_for(client, url)
    seed_closed_reviews(290, rng=random.Random(2))
    db.session.commit()
    many = statements_for(client, url)
    assert few == many
    page = client.get(url)
    # The demo draws its reviews at random around the research's 60% deaths: count what it drew.
    deaths = db.session.execute(
        select(func.count()).select_from(ReviewLearning).where(ReviewLearning.outcome == "death")
    ).scalar_one()
    assert 120 < deaths < 240
    cell = page.html.find(id="outcomes-table").select("tbody tr")[0].find("td").get_text(strip=True)
    assert cell == str(deaths)


def test_the_dashboard_filters_by_area_and_links_each_figure_to_its_reviews(fixture, world, signed_in):
    north, south = world["north"], world["south"]
    client = signed_in(world["slt"])

    def outcome_rows(query: str) -> list[list[str]]:
        page = client.get(f"/learning/dashboard?{query}")
        return [
            [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
            for row in page.html.select("#outcomes-table tbody tr")
        ]

    assert outcome_rows(f"{PERIOD}&area={north.id}") == [["Death", "3", "100%"], ["Serious harm", "0", "0%"]]
    assert outcome_rows(f"{PERIOD}&area={south.id}") == [["Death", "0", "0%"], ["Serious harm", "1", "100%"]]

    def notified(query: str) -> str:
        """The funnel's first step (incidents notified), from the learning module's figures: the
        area filter reaches every figure, not only those worked out in dashboard.py."""
        page = client.get(f"/learning/dashboard?{query}")
        return page.html.select_one("#funnel-table tbody tr td").get_text(strip=True)

    assert [
        notified(PERIOD),
        notified(f"{PERIOD}&area={north.id}"),
        notified(f"{PERIOD}&area={south.id}"),
    ] == [
        "5",
        "4",
        "1",
    ]
    page = client.get(f"/learning/dashboard?{PERIOD}")
    death = page.html.select_one("#outcomes-table tbody tr a")
    assert death.get_text(strip=True) == "3"
    assert death["aria-label"] == "3 reviews: deaths and serious harm, Death"
    reviews = client.get(death["href"])
    assert reviews.h1 == "Deaths and serious harm: Death"
    assert len(reviews.html.select("tbody tr")) == 3
    neglect = next(
        row.select_one("a")
        for row in page.html.select("#risk_factors-table tbody tr")
        if row.select_one("th").get_text(strip=True) == "Neglect"
    )
    assert len(client.get(neglect["href"]).html.select("tbody tr")) == 3
    # A row key the page did not offer is not found.
    client.get(f"/learning/dashboard/reviews?{PERIOD}&row=outcome=nothing", status=404)
