"""Learning cannot be skipped: closing without learning is refused while the agreed report lists learning
points or procedural or practice issues (procedure, Outcome: "where learning is identified")."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.learning.helpers import agreed_review
from webapp.extensions import db
from webapp.learning import services
from webapp.models import ReportDraft, ReviewState, ReviewTransition, TaskKind, utcnow

NOTHING = {
    "procedural_issues": [],
    "practice_issues": [],
    "conclusions_none": ["procedural_issues", "practice_issues"],
    "learning_points": [],
}


def add_draft(review, world, version: int, sections: dict, *, shared: bool = True) -> ReportDraft:
    draft = ReportDraft(
        review_id=review.id,
        version=version,
        sections={"background": "Known since 2023.", **sections},
        snapshot={"background": {"children": [], "applications": []}, "chronology": []} if shared else None,
        created_by_id=world["reviewer"].id,
        shared_at=utcnow() if shared else None,
        agreed_at=utcnow() if shared else None,  # the review is past agreement: this is the agreed version
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def transitions(review) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ReviewTransition).where(ReviewTransition.review_id == review.id)
    )


@pytest.mark.parametrize(
    ("sections", "listing"),
    [
        ({**NOTHING, "learning_points": ["Update risk assessments"]}, "1 learning point"),
        (
            {**NOTHING, "procedural_issues": ["No strategy meeting"], "conclusions_none": []},
            "1 procedural issue",
        ),
        (
            {**NOTHING, "practice_issues": ["Visits not recorded", "Child not seen alone"]},
            "2 practice issues",
        ),
        (
            {"conclusions": ["Risk not reassessed"], "learning_points": ["Reassess risk"]},
            "1 learning point and 1 conclusion",
        ),
    ],
)
def test_close_without_learning_is_refused_while_the_agreed_report_lists_learning(world, sections, listing):
    review = agreed_review(world)
    add_draft(review, world, 1, sections)
    before = transitions(review)
    with pytest.raises(services.LearningRefused) as refused:
        services.close_without_learning(review, rationale="Nothing to learn.", actor=world["ce"])
    assert str(refused.value) == (
        f"The review cannot close without learning: the agreed report (version 1) lists {listing}. "
        "Where learning is identified the procedure (Outcome) asks for a Senior Leadership Team discussion "
        "and an action plan: record the SLT meeting instead."
    )
    db.session.rollback()
    db.session.expire_all()
    assert review.state == ReviewState.AGREED and review.closed_at is None
    assert transitions(review) == before
    assert review.task(TaskKind.DISCUSS_AT_SLT).is_open


def test_a_report_that_identifies_nothing_may_close_without_learning(world):
    review = agreed_review(world)
    add_draft(review, world, 1, {**NOTHING, "learning_points": ["An earlier point"]})
    # Only the agreed version counts: the last one shared, not an earlier one nor a later draft.
    add_draft(review, world, 2, NOTHING)
    add_draft(review, world, 3, {**NOTHING, "learning_points": ["Never shared"]}, shared=False)
    services.close_without_learning(review, rationale="Practice was sound.", actor=world["dce"])
    db.session.expire_all()
    assert review.state == ReviewState.CLOSED


def test_the_page_says_why_before_and_after_the_form_is_sent(world, signed_in):
    review = agreed_review(world)
    add_draft(review, world, 1, {**NOTHING, "learning_points": ["Update risk assessments"]})
    client = signed_in(world["dce"])
    path = f"/reviews/{review.id}/learning/no-learning"
    page = client.get(path)
    warning = page.html.select_one(".govuk-warning-text__text").get_text(" ", strip=True)
    assert "lists 1 learning point" in warning
    assert page.html.select_one("main form[method=post]") is None
    assert page.html.find("a", string="Record the SLT meeting")
    refused = client.post(path, {"rationale": "Nothing to learn."})
    assert refused.error_summary() == [services.learning_in_report(review)]
    db.session.expire_all()
    assert review.state == ReviewState.AGREED


def test_the_learning_pages_offer_no_way_round(world, signed_in):
    review = agreed_review(world)
    add_draft(review, world, 1, {**NOTHING, "practice_issues": ["Visits not recorded"]})
    client = signed_in(world["ce"])
    close = f"/reviews/{review.id}/learning/no-learning"
    overview = client.get(f"/reviews/{review.id}/learning")
    assert overview.html.find("a", href=close) is None
    assert services.learning_in_report(review) in " ".join(overview.text().split())
    assert client.get(f"/reviews/{review.id}/learning/slt").html.find("a", href=close) is None
    # With nothing identified, the way to close is offered.
    add_draft(review, world, 2, NOTHING)
    assert signed_in(world["ce"]).get(f"/reviews/{review.id}/learning").html.find("a", href=close)
