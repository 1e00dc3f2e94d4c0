"""The demo's closed reviews: at least a hundred, clearly fictional, varied enough to tell something."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta
from statistics import median

import pytest
from sqlalchemy import delete, func, select

from tests.clock import london_today
from webapp.demo_learning import seed_closed_reviews
from webapp.extensions import db
from webapp.learning import dashboard, services
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    Case,
    Child,
    LearningPoint,
    ProgressReview,
    Review,
    ReviewLearning,
    ReviewState,
    ReviewTransition,
    SltMeeting,
)
from webapp.reviews.lifecycle import next_state


@pytest.fixture
def seeded(world):
    assert seed_closed_reviews(100, rng=random.Random(2026)) == 100
    db.session.commit()
    return list(db.session.execute(select(Review).order_by(Review.id)).scalars())


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_hundred_fictional_closed_reviews(seeded):
    assert len(seeded) == 100 and {r.state for r in seeded} == {ReviewState.CLOSED}
    numbers = sorted(db.session.execute(select(Case.case_number)).scalars())
    assert numbers[0] == "DEMOL0001" and numbers[-1] == "DEMOL0100"
    names = list(db.session.execute(select(Child.name)).scalars())
    assert names and all(re.fullmatch(r"[A-Z][a-zâ]+ Example", name) for name in names)
    assert all(r.closed_at and r.closed_by_id and r.reviewer_id for r in seeded)
    assert all(r.incident.summary.startswith("Fictional") for r in seeded)
    assert count(ReviewLearning) == 100 and count(SltMeeting) == 100
    assert count(ProgressReview) >= 100
    statuses = set(db.session.execute(select(ActionPlanItem.status)).scalars())
    assert statuses == {ActionStatus.DONE} and count(ActionPlanItem) >= 100


def test_every_history_follows_the_lifecycle_over_the_last_two_years(seeded):
    today = london_today()
    for review in seeded:
        assert today - timedelta(days=730) <= review.incident.occurred_on < today
        state = None
        previous = None
        for step in review.transitions:
            assert next_state(state, step.action).to.value == step.to_state  # a legal move
            assert previous is None or step.occurred_at > previous
            state, previous = ReviewState(step.to_state), step.occurred_at
        assert state == ReviewState.CLOSED and previous == review.closed_at
        assert previous.date() <= today


def test_proportions_are_roughly_the_research(seeded):
    figures = {
        f.key: f
        for f in dashboard.figures(london_today() - timedelta(days=730), london_today(), london_today())
    }
    # Drawn at random around the research's shares (60%, 71%, 60% deaths, a third during proceedings):
    # near them (within 15 points of 100 reviews), not set to them.
    risks = {row[0]: row[1] for row in figures["risk_factors"].rows}
    assert 45 <= risks["Neglect"] <= 75 and 56 <= risks["Domestic abuse"] <= 86
    outcomes = dict((row[0], row[1]) for row in figures["outcomes"].rows)
    assert 45 <= outcomes["Death"] <= 75 and outcomes["Death"] + outcomes["Serious harm"] == 100
    during = dict((row[0], row[1]) for row in figures["during_proceedings"].rows)
    assert 20 <= during["During proceedings"] <= 50
    circumstances = dict((row[0], row[1]) for row in figures["circumstances"].rows)
    assert circumstances["Ongoing proceedings"] == during["During proceedings"]
    # In about half the domestic-abuse cases the perpetrator was not the assessed main risk.
    abuse = {
        tag.review_id
        for tag in db.session.execute(
            select(ReviewLearning).where(ReviewLearning.tags.any(name="Domestic abuse"))
        ).scalars()
    }
    answers = Counter(
        db.session.execute(
            select(ReviewLearning.perpetrator_was_assessed_main_risk).where(
                ReviewLearning.review_id.in_(abuse)
            )
        ).scalars()
    )
    assert 0.4 <= answers["no"] / len(abuse) <= 0.6
    assert all(len(row) == 3 for row in figures["practice_themes"].rows)


def shares_of(seed: int) -> tuple[int, ...]:
    """Neglect, domestic abuse, deaths and during-proceedings counts of 100 reviews from ``seed``."""
    start = london_today() - timedelta(days=730)
    figures = {f.key: f for f in dashboard.figures(start, london_today(), london_today())}
    risks = {row[0]: row[1] for row in figures["risk_factors"].rows}
    return (
        risks["Neglect"],
        risks["Domestic abuse"],
        figures["outcomes"].rows[0][1],
        figures["during_proceedings"].rows[0][1],
    )


def test_another_seed_draws_other_reviews(seeded):
    first = shares_of(2026)
    db.session.execute(delete(ReviewLearning))  # the first hundred no longer count
    db.session.commit()
    seed_closed_reviews(100, rng=random.Random(7))
    db.session.commit()
    assert shares_of(7) != first


def test_every_review_has_learning_points_each_answered(seeded):
    found = list(db.session.execute(select(LearningPoint)).scalars())
    assert {point.review_id for point in found} == {review.id for review in seeded}
    assert all(point.answered and point.tags for point in found)
    assert any(point.no_action_reason for point in found) and any(point.actions for point in found)
    themes = {tag.name for point in found for tag in point.tags}
    assert {"Planning", "Neglect"} <= themes
    # The dashboard counts them: every point answered, most by completed actions.
    start = london_today() - timedelta(days=730)
    by_theme = {f.key: f for f in dashboard.figures(start, london_today(), london_today())}["points_by_theme"]
    assert sum(row[1] for row in by_theme.rows) >= len(found)  # a point counts under each of its tags
    assert all(row[2] + row[3] == row[1] for row in by_theme.rows)


def test_stage_times_vary(seeded):
    spans: dict[str, list[float]] = {}
    for review in seeded:
        for before, after in zip(review.transitions, review.transitions[1:], strict=False):
            spans.setdefault(before.to_state, []).append(
                (after.occurred_at - before.occurred_at).total_seconds() / 86400
            )
    assert len(spans) >= 9  # every stage, disputes included
    assert max(spans["in_review"]) - min(spans["in_review"]) > 30
    medians = dashboard.stage_medians(london_today() - timedelta(days=730), london_today())
    assert medians["in_review"][0] == pytest.approx(median(spans["in_review"]), abs=1e-6)
    assert medians["monitoring"][1] == 100


def test_seeding_twice_continues_the_numbering(seeded):
    seed_closed_reviews(3, rng=random.Random(1))
    db.session.commit()
    assert db.session.execute(select(func.max(Case.case_number))).scalar_one() == "DEMOL0103"
    assert count(ReviewTransition) >= 8 * 103  # at least the eight steps from incident to closure


def test_the_demo_reviews_show_on_their_pages(seeded, world, signed_in):
    review = seeded[0]
    page = signed_in(world["pdt"]).get(f"/reviews/{review.id}/learning")
    assert "Discussed at the meeting on" in page.text() and "Done" in page.text()
    summary = services.summary(review)
    assert summary.done == summary.actions > 0


def test_seeding_needs_the_demo_people(app):
    with pytest.raises(RuntimeError, match="demo people"):
        seed_closed_reviews(1, rng=random.Random(1))
