"""Relevant past learning (issue 15, part 4): the briefings and agreed learning points of earlier reviews
that share a review's cause, risk factors or practice themes, ranked by overlap, with why; a learning
point only from a review inside the viewer's scope; a sent briefing whatever it draws on, without
naming those reviews; shown after recording an incident, on the review page and on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from tests.clock import london_today
from tests.conftest import Page
from tests.factories import make_case, make_incident, make_user, welsh
from tests.language import all_welsh
from tests.learning.helpers import d
from webapp.extensions import db
from webapp.learning import past
from webapp.models import (
    AuditEvent,
    IncidentCause,
    IncidentVersion,
    LearningPoint,
    LearningTag,
    OperationalArea,
    Review,
    ReviewState,
    Role,
    User,
    review_known_risk_factors,
    review_learning_tags,
    utcnow,
)
from webapp.models.briefings import Briefing, BriefingStatus
from webapp.reviews.services import open_review


def tag(name: str) -> LearningTag:
    return db.session.execute(select(LearningTag).where(LearningTag.name == name)).scalar_one()


def review_of(case, *, cause: IncidentCause, state: ReviewState = ReviewState.CLOSED) -> Review:
    review = open_review(make_incident(case=case, cause=cause), actor=case.practice_manager)
    db.session.flush()
    review.state = state
    db.session.commit()
    return review


def point(review: Review, text: str, tags: list[str], *, days_ago: int) -> LearningPoint:
    position = 1 + len(
        db.session.execute(select(LearningPoint.id).where(LearningPoint.review_id == review.id)).all()
    )
    recorded = utcnow() - timedelta(days=days_ago)
    learning_point = LearningPoint(
        review_id=review.id, position=position, text=text, created_at=recorded, updated_at=recorded
    )
    learning_point.tags = [tag(name) for name in tags]
    db.session.add(learning_point)
    db.session.commit()
    return learning_point


def briefing(title: str, tags: list[str], reviews: list[Review], *, sent: bool = True, days_ago: int = 1):
    author = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM)
    made = Briefing(
        title=title,
        body=f"{title}: what the reviews learned.",
        status=BriefingStatus.SENT if sent else BriefingStatus.DRAFT,
        written_by_id=author.id,
        sent_at=utcnow() - timedelta(days=days_ago) if sent else None,
        sent_by_id=author.id if sent else None,
    )
    made.tags = [tag(name) for name in tags]
    made.reviews = reviews
    db.session.add(made)
    db.session.commit()
    return made


@dataclass
class Fixture:
    """Worked out by hand. The current review (North, the practitioner's case): cause neglect, known
    risk factors Neglect and Domestic abuse. Scores (each shared tag 1, the same cause 1):

    P1 (North, neglect): Neglect + Domestic abuse + cause                           = 3
    P5 (South, neglect, outside the practitioner's scope): the same                  = 3
    P2 (North, violence): Domestic abuse, Planning; its review's record adds Neglect = 2
    P3 (North, violence, recorded 5 days ago): Substance misuse; record adds Neglect = 1
    P4 (North, neglect, recorded 50 days ago): Co-sleeping; the cause only           = 1 (older: after P3)
    P6 (North, other cause): Parental mental health                                  = 0, not shown
    P0: the current review's own point                                               excluded
    B1 sent, Neglect + Domestic abuse, drawing on the South review (cause neglect)   = 3
    B3 sent, Planning                                                                = 0, not shown
    B2 draft, Neglect; B4 sent drawing on the current review: never shown.
    """

    current: Review
    practitioner: object
    south_case: object
    points: dict[str, LearningPoint]
    briefings: dict[str, Briefing]


@pytest.fixture
def fixture(world) -> Fixture:
    practitioner = world["practitioner"]

    def north_case():
        return make_case(area=world["north"], practitioner=practitioner, practice_manager=world["pm"])

    current = review_of(north_case(), cause=IncidentCause.NEGLECT, state=ReviewState.IN_REVIEW)
    past.note_known_risk_factors(current, [tag("Neglect").id, tag("Domestic abuse").id])
    e1 = review_of(north_case(), cause=IncidentCause.NEGLECT)
    e2 = review_of(north_case(), cause=IncidentCause.VIOLENCE)
    e3 = review_of(north_case(), cause=IncidentCause.NEGLECT)
    e5 = review_of(north_case(), cause=IncidentCause.OTHER)
    south_case = make_case(area=world["south"])
    e4 = review_of(south_case, cause=IncidentCause.NEGLECT)
    db.session.execute(insert(review_learning_tags), [{"review_id": e2.id, "tag_id": tag("Neglect").id}])
    db.session.commit()
    points = {
        "P0": point(current, "P0 the review's own point.", ["Neglect"], days_ago=0),
        "P1": point(
            e1,
            "P1 see the child alone when neglect and abuse meet.",
            ["Neglect", "Domestic abuse"],
            days_ago=30,
        ),
        "P2": point(e2, "P2 plan around the abuser's contact.", ["Domestic abuse", "Planning"], days_ago=20),
        "P3": point(e2, "P3 ask about substance misuse.", ["Substance misuse"], days_ago=5),
        "P4": point(e3, "P4 safe sleeping advice.", ["Co-sleeping"], days_ago=50),
        "P5": point(e4, "P5 the South review's lesson.", ["Neglect", "Domestic abuse"], days_ago=10),
        "P6": point(e5, "P6 parental mental health.", ["Parental mental health"], days_ago=1),
    }
    briefings = {
        "B1": briefing("B1 Neglect and domestic abuse together", ["Neglect", "Domestic abuse"], [e4]),
        "B2": briefing("B2 A draft on neglect", ["Neglect"], [e1], sent=False),
        "B3": briefing("B3 Planning", ["Planning"], [e2]),
        "B4": briefing("B4 From this very review", ["Neglect"], [current]),
    }
    return Fixture(current, practitioner, south_case, points, briefings)


def texts(matches) -> list[str]:
    return [m.point.text.split()[0] for m in matches]


def test_points_are_ranked_by_overlap_then_recency_within_the_viewers_scope(fixture, world):
    found = past.learning_points(fixture.practitioner, [fixture.current.id])
    assert texts(found) == ["P1", "P2", "P3", "P4"]
    assert [m.score for m in found] == [3, 2, 1, 1]
    # Whoever may see every case sees the South point too: equal to P1, and more recent.
    assert texts(past.learning_points(world["ce"], [fixture.current.id])) == ["P5", "P1", "P2", "P3", "P4"]


def test_why_each_was_chosen_in_the_readers_words(fixture):
    why = {
        m.point.text.split()[0]: m.why
        for m in past.learning_points(fixture.practitioner, [fixture.current.id])
    }
    assert why == {
        "P1": "Shares Domestic abuse, Neglect, and the same cause: Neglect",
        "P2": "Shares Domestic abuse, Neglect",
        "P3": "Shares Neglect",
        "P4": "The same cause: Neglect",
    }


def test_only_sent_briefings_not_drawn_from_the_review_itself(fixture):
    found = past.briefings([fixture.current.id])
    assert [m.briefing.title for m in found] == ["B1 Neglect and domestic abuse together"]
    assert found[0].why == "Shares Domestic abuse, Neglect, and the same cause: Neglect"


def test_the_review_page_shows_what_earlier_reviews_learned(fixture, signed_in):
    page = signed_in(fixture.practitioner).get(f"/reviews/{fixture.current.id}")
    panel = page.html.select_one(".app-past-learning")
    assert panel is not None and "What earlier reviews learned" in panel.get_text()
    shown = [li.get_text(" ", strip=True).split()[0] for li in panel.select("#past-learning-points > li")]
    assert shown == ["P1", "P2", "P3", "P4"]
    text = panel.get_text(" ", strip=True)
    # The South review is out of scope: its point never, its case never named; its briefing yes.
    assert "P5" not in text and fixture.south_case.case_number not in text
    assert "B1 Neglect and domestic abuse together" in text
    assert "B2" not in text and "B4" not in text and "P0" not in text
    first = panel.select_one("#past-learning-points > li")
    assert "Shares Domestic abuse, Neglect, and the same cause: Neglect" in first.get_text(" ", strip=True)
    links = {a["href"] for a in panel.select("#past-learning-points a")}
    assert f"/reviews/{fixture.points['P1'].review_id}" in links
    assert "Domestic abuse, Neglect" in page.html.select_one("#known-risk-factors").get_text()


def test_the_home_page_shows_it_for_the_practitioners_open_reviews(fixture, signed_in):
    page = signed_in(fixture.practitioner).get("/home")
    panel = page.html.select_one(".app-past-learning")
    assert panel is not None
    text = panel.get_text(" ", strip=True)
    assert "P1 see the child alone" in text and "P5" not in text
    assert f"For the review of case {fixture.current.case.case_number}" in text
    assert "B1 Neglect and domestic abuse together" in text


def test_recording_an_incident_notes_the_known_risk_factors_and_shows_earlier_learning(
    fixture, world, signed_in
):
    pm = signed_in(world["pm"])
    case = make_case(area=world["north"], practitioner=fixture.practitioner, practice_manager=world["pm"])
    form = pm.get(f"/cases/{case.id}/incidents/new")
    assert form.html.select_one("input[name=known_risk_factors]") is not None
    occurred = london_today() - timedelta(days=2)
    page = pm.post(
        f"/cases/{case.id}/incidents/new",
        {
            "kind": "death",
            "occurred_on": d(occurred),
            "cause": "neglect",
            "person_affected": "child_subject",
            "linked_to_court_involvement": "yes",
            "susr_known": "no",
            "scr_known": "no",
            "summary": "Known facts.",
            "notified_by": "Police",
            "notified_on": d(occurred),
            "known_risk_factors": [str(tag("Neglect").id), str(tag("Domestic abuse").id)],
        },
        follow=True,
    )
    assert page.status == 200 and "Incident recorded." in page.text()
    review = db.session.execute(select(Review).order_by(Review.id.desc())).scalars().first()
    noted = db.session.execute(
        select(review_known_risk_factors.c.tag_id).where(review_known_risk_factors.c.review_id == review.id)
    ).scalars()
    assert set(noted) == {tag("Neglect").id, tag("Domestic abuse").id}
    panel = page.html.select_one(".app-past-learning")
    shown = [li.get_text(" ", strip=True).split()[0] for li in panel.select("#past-learning-points > li")]
    # For the new review the fixture's current review is an earlier one: P0 (Neglect, cause) scores
    # 2 like P2, and is more recent.
    assert shown == ["P1", "P0", "P2", "P3", "P4"] and "P5" not in panel.get_text()


def test_a_risk_factor_not_offered_is_refused_and_nothing_is_recorded(world, signed_in):
    pm = signed_in(world["pm"])
    case = make_case(area=world["north"], practice_manager=world["pm"])
    page = pm.post(f"/cases/{case.id}/incidents/new", {"known_risk_factors": ["999999"]})
    assert "Select risk factors from the list" in page.error_summary()
    assert db.session.execute(select(Review)).first() is None


def test_a_review_with_nothing_shared_says_so(world, signed_in):
    case = make_case(area=world["north"], practitioner=world["practitioner"], practice_manager=world["pm"])
    review = review_of(case, cause=IncidentCause.UNKNOWN, state=ReviewState.IN_REVIEW)
    page = signed_in(world["practitioner"]).get(f"/reviews/{review.id}")
    assert page.html.select_one("#past-learning-none") is not None


def test_the_statements_do_not_grow_with_the_number_of_earlier_reviews(fixture, world, signed_in):
    client = signed_in(fixture.practitioner)

    def statements(url: str) -> int:
        count = 0

        def seen(*_args) -> None:
            nonlocal count
            count += 1

        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            client.get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return count

    urls = [
        f"/reviews/{fixture.current.id}",
        f"/reviews/{fixture.current.id}/earlier-learning",
        "/home",
        f"/incidents/{fixture.current.incident_id}",
    ]
    ids = {name: world[name].id for name in ("north", "practitioner", "pm")}
    few = [statements(url) for url in urls]
    north, practitioner = (
        db.session.get(OperationalArea, ids["north"]),
        db.session.get(User, ids["practitioner"]),
    )
    pm = db.session.get(User, ids["pm"])
    for number in range(12):
        case = make_case(area=north, practitioner=practitioner, practice_manager=pm)
        earlier = review_of(case, cause=IncidentCause.NEGLECT)
        point(earlier, f"Extra {number}.", ["Neglect", "Domestic abuse", "Planning"], days_ago=number)
        briefing(f"Extra briefing {number}", ["Neglect"], [earlier])
    many = [statements(url) for url in urls]
    assert many == few


def test_the_panel_in_welsh(fixture, signed_in):
    practitioner = welsh(fixture.practitioner)
    page = signed_in(practitioner).get(f"/reviews/{fixture.current.id}")
    text = all_welsh(page)
    assert "Beth ddysgodd adolygiadau cynharach" in text
    assert "Esgeulustod" in text  # the tags' Welsh names in the why
    all_welsh(signed_in(practitioner).get("/home"))
    all_welsh(signed_in(practitioner).get(f"/incidents/{fixture.current.incident_id}"))


def test_the_demo_practitioner_sees_what_earlier_reviews_learned_about_neglect_and_domestic_abuse(app):
    """Issue 15's "done when": the demo's South East Wales practitioner holds an open review of a
    neglect case with domestic abuse known; earlier closed reviews learned about that combination."""
    from tests.conftest import sign_in
    from webapp import demo
    from webapp.demo import DEMO_PASSWORD, demo_email

    demo.seed()
    client = app.test_client()
    assert sign_in(client, demo_email("practitioner.southeast"), DEMO_PASSWORD).status_code == 302
    page = Page(client.get("/home"))
    panel = page.html.select_one(".app-past-learning")
    assert panel is not None, "the home page shows relevant past learning"
    first = panel.select_one("#past-learning-points > li").get_text(" ", strip=True)
    # The page is in Welsh (she chose Cymraeg): the top point shares both risk factors and the cause.
    assert "Yn rhannu Cam-drin domestig, Esgeulustod, a'r un rheswm: Esgeulustod" in first, first


def test_the_area_head_changes_the_known_risk_factors_later_kept_in_the_incidents_history(
    fixture, world, signed_in
):
    review = fixture.current
    incident = review.incident
    ahoo = signed_in(world["ahoo"])
    form = ahoo.get(f"/incidents/{incident.id}/edit")
    checked = {box["value"] for box in form.html.select("input[name=known_risk_factors][checked]")}
    assert checked == {str(tag("Neglect").id), str(tag("Domestic abuse").id)}
    occurred = incident.occurred_on
    ahoo.post(
        f"/incidents/{incident.id}/edit",
        {
            "kind": incident.kind.value,
            "occurred_on": d(occurred),
            "cause": incident.cause.value,
            "person_affected": incident.person_affected.value,
            "linked_to_court_involvement": "yes",
            "susr_known": "no",
            "scr_known": "no",
            "summary": incident.summary,
            "notified_by": incident.notified_by,
            "notified_on": d(incident.notified_on),
            "known_risk_factors": [str(tag("Neglect").id), str(tag("Substance misuse").id)],
            "version": str(incident.version),
        },
        status=302,
    )
    assert past.known_risk_factor_ids(review) == {tag("Neglect").id, tag("Substance misuse").id}
    [event] = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "incident.updated")
    ).scalars()
    assert event.changed_fields == ["known_risk_factors"]
    [version] = db.session.execute(select(IncidentVersion)).scalars()
    assert version.changes == [
        {"field": "known_risk_factors", "old": "Domestic abuse, Neglect", "new": "Neglect, Substance misuse"}
    ]
    page = ahoo.get(f"/incidents/{incident.id}")
    assert "Risk factors known when recorded" in page.text()
    # Now P3 (Substance misuse, its review's Neglect) scores 2 like P1 (Neglect, the cause), and is
    # more recent; P2 shares only Neglect.
    assert texts(past.learning_points(world["ahoo"], [review.id]))[:3] == ["P3", "P1", "P2"]


def test_see_all_when_there_is_more_than_the_panel_shows(fixture, world, signed_in):
    e1 = db.session.get(Review, fixture.points["P1"].review_id)
    point(e1, "P7 a second neglect lesson.", ["Neglect"], days_ago=2)
    point(e1, "P8 a third neglect lesson.", ["Neglect"], days_ago=3)
    client = signed_in(fixture.practitioner)
    review_page = client.get(f"/reviews/{fixture.current.id}")
    shown = review_page.html.select("#past-learning-points > li")
    assert len(shown) == past.POINTS_SHOWN
    link = review_page.html.select_one("#past-learning-all")
    assert link["href"] == f"/reviews/{fixture.current.id}/earlier-learning"

    before = db.session.execute(select(AuditEvent.id)).all()
    everything = client.get(link["href"])
    # Scores: P1 3; P7 and P8 2 (Neglect, the cause), more recent than P2 (2); then P3, P4 (1).
    listed = [
        li.get_text(" ", strip=True).split()[0] for li in everything.html.select("#past-learning-points > li")
    ]
    assert listed == ["P1", "P7", "P8", "P2", "P3", "P4"]
    assert "P5" not in everything.text() and fixture.south_case.case_number not in everything.text()
    [viewed] = db.session.execute(
        select(AuditEvent).where(AuditEvent.id.not_in([r[0] for r in before]))
    ).scalars()
    assert viewed.event_type == "review.viewed"  # one event for the page, none per item
    # Outside the reviewer's scope the page is not there.
    signed_in(world["outsider"]).get(link["href"], status=404)
    all_welsh(signed_in(welsh(fixture.practitioner)).get(link["href"]))


def test_no_see_all_link_when_the_panel_shows_everything(fixture, signed_in):
    page = signed_in(fixture.practitioner).get(f"/reviews/{fixture.current.id}")
    assert page.html.select_one("#past-learning-all") is None
