"""The dashboard's research figures, trend, funnel and learning-point figures, against a fixture whose
every number was worked out by hand (below), and the protection of small numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.clock import london_today
from tests.factories import make_case, make_incident
from webapp.extensions import db
from webapp.learning import dashboard
from webapp.learning.figure import FEWER_THAN_5, NOT_SHOWN, Figure, for_viewer, protected
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    IncidentCause,
    IncidentKind,
    LawType,
    LearningPoint,
    LearningTag,
    PersonAffected,
    Review,
    ReviewLearning,
    ReviewState,
    Role,
)
from webapp.permissions import ROLE_PERMISSIONS, Permission

START, END = date(2025, 1, 1), date(2025, 12, 31)
PERIOD = "from_date=1&from_date=1&from_date=2025&to_date=31&to_date=12&to_date=2025"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def tags(*names: str) -> list[LearningTag]:
    return list(db.session.execute(select(LearningTag).where(LearningTag.name.in_(names))).scalars())


def build(
    world,
    occurred_on: date,
    *,
    law=LawType.PRIVATE,
    cause=IncidentCause.VIOLENCE,
    person=PersonAffected.CHILD_SUBJECT,
    kind=IncidentKind.SIGNIFICANT_INCIDENT,
    state=ReviewState.AGREED,
    within=True,
    decided_on: date | None = None,
    closed_on: date | None = None,
    learning=None,
    tagged=(),
    actions=(),
    review=True,
):
    case = make_case(area=world["north"], law_type=law)
    incident = make_incident(
        case=case, occurred_on=occurred_on, cause=cause, person_affected=person, kind=kind
    )
    if not review:
        db.session.commit()
        return None, []
    row = Review(
        incident=incident,
        case_id=case.id,
        state=state,
        within_procedure=within,
        circumstance="closed_case",
        rapid_review=False,
        follow_susr_process=False,
        reasons=[],
        decision_initiate=True if decided_on else None,
        decided_at=at(decided_on) if decided_on else None,
        closed_at=at(closed_on) if closed_on else None,
    )
    db.session.add(row)
    db.session.flush()
    if learning:
        outcome, during, relation, assessed = learning
        record = ReviewLearning(
            review_id=row.id,
            outcome=outcome,
            during_proceedings=during,
            perpetrator_relation=relation,
            perpetrator_was_assessed_main_risk=assessed,
            updated_by_id=case.practice_manager_id,
        )
        record.tags = tags(*tagged)
        db.session.add(record)
    items = []
    for status in actions:
        item = ActionPlanItem(
            review_id=row.id, action="Act", owner_id=world["pm"].id, due_on=END, status=status
        )
        db.session.add(item)
        items.append(item)
    db.session.commit()
    return row, items


def point(review, position, text, tagged, items=(), reason=None) -> None:
    record = LearningPoint(review_id=review.id, position=position, text=text, no_action_reason=reason)
    record.tags = tags(*tagged)
    record.actions = list(items)
    db.session.add(record)
    db.session.commit()


@pytest.fixture
def fixture(world):
    """Five incidents in 2025 (R1 to R5) and one in 2024 (R6).

    R1 2025-02-10 public, violence, child, death; learning death, during, family, assessed no;
       Domestic abuse, Neglect, Planning; initiated 2025-02-20; closed 2025-11-05; 2 actions, both done;
       points P1 [Planning] answered by both actions, P2 [Neglect] with a reason.
    R2 2025-05-03 private, neglect, child, significant; learning serious harm, not during, other, yes;
       Domestic abuse, Planning; initiated 2025-05-10; monitoring; 2 actions, one done; P3 [Planning]
       answered by both (one not done).
    R3 2025-08-20 private, suicide, adult party, death; learning death, not during, unknown, unknown;
       Domestic abuse; initiated 2025-08-25; agreed.
    R4 2025-09-01 significant, outside the procedure, no learning.  R5 2025-10-10 death, no review row.
    R6 2024-12-31 with learning (Neglect, Planning), initiated 2025-01-05: outside the period except for
       its initiation, which counts in 2025 Q1.

    By hand, of the 3 reviews with learning in 2025 (R1 to R3):
      law public 1 (33%), private 2 (67%); causes violence 1, neglect 1, suicide 1 (33% each);
      relation family 1, other 1, not known 0, not applicable 1 (R3: an adult, a suicide);
      domestic abuse in 3: not the main risk 1, the main risk 1, not known 1 (33% each);
      together: Domestic abuse and Planning 2 (67%), Domestic abuse and Neglect 1, Neglect and Planning 1;
      trend Q1 notified 1, initiated 2 (R1, R6), deaths 1; Q2 notified 1, initiated 1, serious harm 1;
      Q3 notified 2, initiated 1, death 1, serious harm 1; Q4 notified 1, closed 1, death 1;
      funnel of 5: within 3, initiated 3, agreed 3, learning 3 (60% each), actions all done 1 (20%);
      actions by theme: Planning 4 actions (R1 2 + R2 2), 3 done (75%);
      points: Neglect 1 point, 0 completed, 1 reason; Planning 2 points, 1 completed (50%).
    """
    r1, (a1, a2) = build(
        world,
        date(2025, 2, 10),
        law=LawType.PUBLIC,
        kind=IncidentKind.DEATH,
        state=ReviewState.CLOSED,
        decided_on=date(2025, 2, 20),
        closed_on=date(2025, 11, 5),
        learning=("death", True, "family_member", "no"),
        tagged=("Domestic abuse", "Neglect", "Planning"),
        actions=(ActionStatus.DONE, ActionStatus.DONE),
    )
    point(r1, 1, "Plan visits around the risk.", ["Planning"], [a1, a2])
    point(r1, 2, "Neglect was seen late.", ["Neglect"], reason="Already in the induction training.")
    r2, (b1, b2) = build(
        world,
        date(2025, 5, 3),
        cause=IncidentCause.NEGLECT,
        state=ReviewState.MONITORING,
        decided_on=date(2025, 5, 10),
        learning=("serious_harm", False, "other", "yes"),
        tagged=("Domestic abuse", "Planning"),
        actions=(ActionStatus.DONE, ActionStatus.IN_PROGRESS),
    )
    point(r2, 1, "Plan for the second child too.", ["Planning"], [b1, b2])
    build(
        world,
        date(2025, 8, 20),
        cause=IncidentCause.SUICIDE,
        person=PersonAffected.ADULT_PARTY,
        kind=IncidentKind.DEATH,
        decided_on=date(2025, 8, 25),
        learning=("death", False, "unknown", "unknown"),
        tagged=("Domestic abuse",),
    )
    build(world, date(2025, 9, 1), state=ReviewState.OUTSIDE_PROCEDURE, within=False)
    build(world, date(2025, 10, 10), kind=IncidentKind.DEATH, review=False)
    build(
        world,
        date(2024, 12, 31),
        decided_on=date(2025, 1, 5),
        learning=("death", True, "family_member", "yes"),
        tagged=("Neglect", "Planning"),
    )


def figures() -> dict[str, Figure]:
    return {figure.key: figure for figure in dashboard.figures(START, END, london_today())}


def test_breakdowns_and_the_domestic_abuse_cross_tab(fixture):
    found = figures()
    assert found["law_type"].rows == [["Public law", 1, "33%"], ["Private law", 2, "67%"]]
    assert found["causes"].rows == [
        ["Violence", 1, "33%"],
        ["Abuse", 0, "0%"],
        ["Neglect", 1, "33%"],
        ["Suicide", 1, "33%"],
        ["Other cause", 0, "0%"],
        ["Not yet known", 0, "0%"],
    ]
    assert found["perpetrator_relation"].rows == [
        ["A family member", 1, "33%"],
        ["Someone else", 1, "33%"],
        ["Not known", 0, "0%"],
        ["Not applicable (an adult, or a suicide)", 1, "33%"],
    ]
    assert found["domestic_abuse_perpetrator"].rows == [
        ["Not the person assessed as the main risk", 1, "33%"],
        ["The person assessed as the main risk", 1, "33%"],
        ["Not known", 1, "33%"],
    ]
    assert "of the 3 reviews with domestic abuse" in found["domestic_abuse_perpetrator"].note


def test_risk_factors_and_themes_that_occur_together(fixture):
    assert figures()["together"].rows == [
        ["Domestic abuse and Planning", 2, "67%"],
        ["Domestic abuse and Neglect", 1, "33%"],
        ["Neglect and Planning", 1, "33%"],
    ]


def test_the_quarterly_trend_and_its_chart(fixture):
    trend = figures()["trend"]
    assert trend.headers == [
        "Quarter",
        "Incidents notified",
        "Reviews initiated",
        "Reviews closed",
        "Deaths",
        "Serious harm (significant incidents)",
    ]
    assert trend.rows == [
        ["2025 Q1", 1, 2, 0, 1, 0],
        ["2025 Q2", 1, 1, 0, 0, 1],
        ["2025 Q3", 2, 1, 0, 1, 1],
        ["2025 Q4", 1, 0, 1, 1, 0],
    ]
    # Five lines over four quarters, scaled to the highest value (2): x from 50 to 570, y from 200 up.
    assert trend.lines[0]["label"] == "Incidents notified" and len(trend.lines) == 5
    assert trend.lines[0]["points"] == "50.0,110.0 223.3,110.0 396.7,20.0 570.0,110.0"


def test_the_funnel_from_incident_to_actions_done(fixture):
    assert figures()["funnel"].rows == [
        ["Incidents notified", 5, "100%"],
        ["Within the procedure", 3, "60%"],
        ["Review initiated", 3, "60%"],
        ["Report agreed", 3, "60%"],
        ["Learning recorded", 3, "60%"],
        ["Actions all done", 1, "20%"],
    ]


def test_action_completion_and_learning_points_by_theme(fixture):
    found = figures()
    assert found["actions_by_theme"].rows == [["Planning", 4, 3, "75%"]]
    assert found["points_by_theme"].rows == [
        ["Neglect (risk factor)", 1, 0, 1, "0%"],
        ["Planning (practice theme)", 2, 1, 0, "50%"],
    ]


def test_the_national_study_beside_the_local_figures(fixture):
    national = figures()["national"]
    assert national.headers[-1] == "National study, 2009-2016 (97 reviews)"
    rows = {row[0]: row[1:] for row in national.rows}
    assert rows["Incident during family court proceedings"] == [1, "33%", "just over a third"]
    assert rows["Death of the child"] == [2, "67%", "about 60%"]
    assert rows["Domestic abuse as a risk factor"] == [3, "100%", "71%"]
    assert rows["Neglect as a risk factor"] == [1, "33%", "60%"]
    assert rows["Caused by violence or abuse (the study: physical abuse or homicide)"] == [
        1,
        "33%",
        "almost half",
    ]


def test_small_numbers_are_shown_as_fewer_than_5():
    figure = Figure("x", "X", "X", ["Thing", "Reviews", "Percentage"], counts=[1])
    figure.rows = [["None", 0, "0%"], ["Few", 4, "20%"], ["Many", 5, "25%"], ["Lots", 11, "55%"]]
    figure.bars = [
        ("None", 0.0, "0 (0%)"),
        ("Few", 20.0, "4 (20%)"),
        ("Many", 25.0, "5"),
        ("Lots", 55.0, "11"),
    ]
    shown = protected(figure)
    assert shown.rows == [
        ["None", 0, "0%"],
        ["Few", FEWER_THAN_5, NOT_SHOWN],
        ["Many", 5, "25%"],
        ["Lots", 11, "55%"],
    ]
    assert shown.bars[1] == ("Few", 0.0, "fewer than 5") and shown.bars[2] == ("Many", 25.0, "5")
    assert "fewer than 5" in shown.note
    assert figure.rows[1] == ["Few", 4, "20%"]  # the stored figure is untouched
    assert for_viewer([figure], exact=True) == [figure]


def test_a_trend_with_a_small_number_is_not_drawn(fixture):
    trend = protected(figures()["trend"])
    assert trend.lines == [] and trend.rows[0] == ["2025 Q1", FEWER_THAN_5, FEWER_THAN_5, 0, FEWER_THAN_5, 0]


@pytest.fixture
def area_head_sees_the_dashboard(monkeypatch):
    """An area head given the dashboard (as the area filter of issue 11 may): they may not see every
    review behind its figures."""
    granted = ROLE_PERMISSIONS[Role.AREA_HEAD_OF_OPERATIONS] | {Permission.VIEW_DASHBOARD}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AREA_HEAD_OF_OPERATIONS, granted)


def cells(page, key: str) -> list[list[str]]:
    table = page.html.find(id=f"{key}-table")
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]


def test_a_filtered_view_protects_small_numbers_from_who_may_not_see_the_reviews(
    fixture, world, signed_in, area_head_sees_the_dashboard
):
    ahoo = signed_in(world["ahoo"])
    filtered = ahoo.get(f"/learning/dashboard?{PERIOD}")
    assert cells(filtered, "law_type")[0] == ["Public law", "fewer than 5", "not shown"]
    assert filtered.html.find(class_="app-line-chart") is None  # the trend's lines would show them
    rows = ahoo.client.get(f"/learning/dashboard/law_type.csv?{PERIOD}").get_data(as_text=True)
    assert "Public law,fewer than 5,not shown" in rows
    # The CE may see every review: the same view, exact.
    exact = signed_in(world["ce"]).get(f"/learning/dashboard?{PERIOD}")
    assert cells(exact, "law_type")[0] == ["Public law", "1", "33%"]
    assert exact.html.find(class_="app-line-chart") is not None
