"""The home page (where a person's work is) and the Reviews list: scope for every role, filters,
sorting, and each case's open review stage on the case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import Case, ProceedingsStatus, Review, ReviewState, Role, Task, TaskKind, User
from webapp.reviews import services as reviews
from webapp.tasks import services as tasks


@dataclass
class World:
    north: Review  # awaiting the decision, SUSR known, an overdue task
    south: Review  # in review, reviewed by the north HoO
    people: dict[str, User]


@pytest.fixture
def world(app) -> World:
    north, south = make_area(name="North"), make_area(name="South")
    people = {
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE),
        "dce": make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE),
        "pdt": make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM),
        "slt": make_user(roles=Role.SENIOR_LEADERSHIP_TEAM),
        "ahoo_north": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north),
        "ahoo_south": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=south),
        "hoo_north": make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Huw Reviewer"),
        "pm_north": make_user(roles=Role.PRACTICE_MANAGER, area=north),
        "practitioner_north": make_user(roles=Role.PRACTITIONER, area=north),
        "practitioner_south": make_user(roles=Role.PRACTITIONER, area=south),
        "admin": make_user(roles=Role.ADMINISTRATOR),
    }
    north_case = make_case(
        area=north,
        case_number="NORTH001",
        practitioner=people["practitioner_north"],
        practice_manager=people["pm_north"],
    )
    south_case = make_case(
        area=south,
        case_number="SOUTH001",
        practitioner=people["practitioner_south"],
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    north_review = reviews.open_review(
        make_incident(case=north_case, susr=True, occurred_on=london_today() - timedelta(days=20)),
        actor=people["pm_north"],
    )
    south_review = reviews.open_review(make_incident(case=south_case), actor=people["ahoo_south"])
    db.session.commit()
    # The south Area Head has acknowledged the incident and told the practitioner (support duties,
    # informing among them, start with the notification: issue 9, point 7).
    for kind in (TaskKind.ACKNOWLEDGE_INCIDENT, TaskKind.INFORM_PRACTITIONER_AND_PM):
        tasks.complete_task(south_review.task(kind), actor=people["ahoo_south"], outcome={})
    reviews.decide(south_review, initiate=True, rationale="Learning.", actor=people["ce"])
    reviews.allocate_reviewer(
        south_review.task(TaskKind.ALLOCATE_REVIEWER), people["hoo_north"], actor=people["ce"]
    )
    # The south review's information gathering is due first (today); the north review's
    # acknowledgement is overdue.
    # (Its other open tasks are put later, whatever weekday the run falls on.)
    db.session.execute(
        update(Task)
        .where(Task.review_id == south_review.id, Task.kind != TaskKind.GATHER_INFORMATION)
        .values(due_on=london_today() + timedelta(days=7))
    )
    db.session.execute(
        update(Task)
        .where(Task.review_id == south_review.id, Task.kind == TaskKind.GATHER_INFORMATION)
        .values(due_on=london_today())
    )
    db.session.execute(
        update(Task)
        .where(Task.review_id == north_review.id, Task.kind == TaskKind.ACKNOWLEDGE_INCIDENT)
        .values(due_on=london_today() - timedelta(days=2))
    )
    db.session.commit()
    return World(north_review, south_review, people)


# Who sees which case's review in the Reviews list (as the case list's scope says).
SCOPE = {
    "ce": {"NORTH001", "SOUTH001"},
    "dce": {"NORTH001", "SOUTH001"},
    "pdt": {"NORTH001", "SOUTH001"},
    "slt": {"NORTH001", "SOUTH001"},
    "ahoo_north": {"NORTH001"},
    "ahoo_south": {"SOUTH001"},
    "hoo_north": {"NORTH001", "SOUTH001"},  # their own area's, and the one they review
    "pm_north": {"NORTH001"},
    "practitioner_north": {"NORTH001"},
    "practitioner_south": {"SOUTH001"},
}
ATTENTION = {"ce", "dce", "pdt", "slt", "ahoo_north", "ahoo_south"}


def case_numbers(page) -> set[str]:
    return {cell.get_text(" ", strip=True).split()[0] for cell in page.html.select("tbody tr td:first-child")}


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_reviews_list_shows_each_role_the_reviews_it_may_see(world, signed_in, role):
    page = signed_in(world.people[role]).get("/reviews")
    assert page.h1 == "Reviews"
    assert case_numbers(page) == SCOPE[role]


def test_administrators_have_no_reviews_list_and_land_on_users(world, signed_in):
    client = signed_in(world.people["admin"])
    client.get("/reviews", status=403)
    assert client.client.get("/home").headers["Location"] == "/admin/users"


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_home_shows_open_tasks_and_reviews_and_attention_only_for_those_who_oversee(world, signed_in, role):
    page = signed_in(world.people[role]).get("/home")
    assert page.h1 == "Your work"
    captions = [c.get_text(" ", strip=True) for c in page.html.select("caption")]
    oversees = any(c.startswith("Reviews needing attention") for c in captions) or (
        "Reviews needing attention" in page.text()
    )
    assert oversees == (role in ATTENTION)
    nav = [a.get_text(strip=True) for a in page.html.select(".govuk-service-navigation__item a")]
    assert nav[:3] == ["Home", "Reviews", "Cases"]


def test_home_lists_overdue_tasks_first_and_the_reviews_a_person_works_on(world, signed_in):
    ahoo = world.people["ahoo_north"]
    page = signed_in(ahoo).get("/home")
    [tasks_table] = [t for t in page.html.select("table") if "Your open tasks" in t.caption.text]
    rows = [row.get_text(" ", strip=True) for row in tasks_table.select("tbody tr")]
    # The north incident was notified 20 days ago: its informing and consultation are overdue too.
    # Overdue tasks come first, most overdue first; the rapid review, not yet due, comes last.
    overdue = [row for row in rows if "Overdue" in row]
    assert rows[: len(overdue)] == overdue and 0 < len(overdue) < len(rows)
    assert any("Acknowledge the incident notification" in row for row in overdue)
    assert rows[0].startswith("Inform ") and "Complete the rapid review" in rows[-1]
    attention = [t for t in page.html.select("table") if "needing attention" in t.caption.text]
    assert "NORTH001" in attention[0].get_text() and "SOUTH001" not in attention[0].get_text()
    reviewer_page = signed_in(world.people["hoo_north"]).get("/home")
    [worked_on] = [t for t in reviewer_page.html.select("table") if "Reviews you work on" in t.caption.text]
    assert "SOUTH001" in worked_on.get_text() and "Gather the information" in worked_on.get_text()


def test_home_shows_what_is_new_and_each_link_opens_it(world, signed_in):
    client = signed_in(world.people["pm_north"])
    client_dce = signed_in(world.people["dce"])
    page = client_dce.get("/home")
    links = page.html.select("#new-for-you a")
    assert links and all("/notifications/" in a["href"] for a in links)
    assert client_dce.client.get(links[0]["href"]).status_code == 302
    client.get("/home")


def test_reviews_list_filters_by_stage_area_overdue_susr_and_reviewer(world, signed_in):
    client = signed_in(world.people["ce"])
    south_area = world.south.case.area_id
    assert case_numbers(client.get("/reviews?stage=awaiting_decision")) == {"NORTH001"}
    assert case_numbers(client.get("/reviews?stage=in_review")) == {"SOUTH001"}
    assert case_numbers(client.get(f"/reviews?area={south_area}")) == {"SOUTH001"}
    assert case_numbers(client.get("/reviews?overdue=yes")) == {"NORTH001"}
    assert case_numbers(client.get("/reviews?susr=yes")) == {"NORTH001"}
    assert case_numbers(client.get("/reviews?susr=no")) == {"SOUTH001"}
    assert case_numbers(client.get(f"/reviews?reviewer={world.people['hoo_north'].id}")) == {"SOUTH001"}
    # Nonsense filters are ignored, not errors.
    assert case_numbers(client.get("/reviews?stage=nonsense&susr=maybe&sort=evil")) == {
        "NORTH001",
        "SOUTH001",
    }


def test_reviews_list_rows_and_sorting(world, signed_in):
    client = signed_in(world.people["ce"])
    page = client.get("/reviews?sort=case&order=desc")
    rows = [r.get_text(" ", strip=True) for r in page.html.select("tbody tr")]
    assert rows[0].startswith("SOUTH001") and rows[1].startswith("NORTH001")
    assert "Review in progress" in rows[0] and "Gather the information" in rows[0]
    assert "Huw Reviewer" in rows[0]
    assert "Awaiting decision" in rows[1] and "Overdue" in rows[1]
    assert "Area Head of Operations" in rows[1]  # a pool holds the north review's next task
    ascending = [
        r.get_text(" ", strip=True) for r in client.get("/reviews?sort=case").html.select("tbody tr")
    ]
    assert ascending[0].startswith("NORTH001")
    by_incident = client.get("/reviews?sort=incident").html.select("tbody tr")
    assert by_incident[0].get_text().strip().startswith("NORTH001")  # 20 days ago, the earlier


def case_rows(page) -> dict[str, str]:
    return {
        row.select_one("td").get_text(strip=True): row.get_text(" ", strip=True)
        for row in page.html.select("tbody tr")
    }


def test_case_list_shows_each_cases_open_review_stage(world, signed_in):
    page = signed_in(world.people["ce"]).get("/cases")
    rows = {
        r.select_one("td").get_text(strip=True): r.get_text(" ", strip=True)
        for r in page.html.select("tbody tr")
    }
    assert "Awaiting decision" in rows["NORTH001"] and "Review in progress" in rows["SOUTH001"]
    db.session.execute(update(Review).where(Review.id == world.north.id).values(state=ReviewState.CLOSED))
    db.session.commit()
    page = signed_in(world.people["ce"]).get("/cases")
    rows = {
        r.select_one("td").get_text(strip=True): r.get_text(" ", strip=True)
        for r in page.html.select("tbody tr")
    }
    assert "Awaiting decision" not in rows["NORTH001"]
    assert db.session.get(Case, world.north.case_id) is not None
