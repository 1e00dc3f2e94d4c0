"""The learning record: who records it and when, its defaults, what is offered, and its audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.clock import london_today
from tests.factories import make_user
from tests.learning.helpers import agreed_review
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.learning import services
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    AuditEvent,
    IncidentKind,
    LearningTag,
    ProceedingsStatus,
    ProgressReview,
    ReviewLearning,
    ReviewState,
    Role,
    SltMeeting,
    utcnow,
)


def tag(name: str) -> LearningTag:
    return db.session.execute(select(LearningTag).where(LearningTag.name == name)).scalar_one()


def answers(**overrides) -> dict:
    data = {
        "risk_factors": [str(tag("Neglect").id), str(tag("Domestic abuse").id)],
        "practice_themes": [str(tag("Planning").id)],
        "outcome": "death",
        "during_proceedings": "yes",
        "perpetrator_relation": "family_member",
        "perpetrator_was_assessed_main_risk": "no",
    }
    data.update(overrides)
    return data


def learning_of(review) -> ReviewLearning | None:
    db.session.expire_all()
    return services.learning_for(review)


def events(review, event_type: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.case_id == review.case_id, AuditEvent.event_type == event_type)
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_only_active_default_tags_are_offered(world, signed_in):
    review = agreed_review(world)
    tag("Co-sleeping").active = False
    db.session.commit()
    page = signed_in(world["pdt"]).get(f"/reviews/{review.id}/learning/edit")
    offered = {label.get_text(strip=True) for label in page.html.select(".govuk-checkboxes__label")}
    assert {
        "Neglect",
        "Domestic abuse",
        "Parental mental health",
        "Substance misuse",
        "Physical abuse",
    } <= offered
    assert {"Sexual abuse or exploitation", "Front-loading of the work", "Crisp analysis"} <= offered
    assert "Co-sleeping" not in offered


@pytest.mark.parametrize(
    ("proceedings", "kind", "during", "outcome"),
    [
        (ProceedingsStatus.ONGOING, IncidentKind.DEATH, "yes", "death"),
        (ProceedingsStatus.CLOSED, IncidentKind.SIGNIFICANT_INCIDENT, "no", "serious_harm"),
    ],
)
def test_defaults_come_from_the_review(world, signed_in, proceedings, kind, during, outcome):
    review = agreed_review(world, proceedings=proceedings, kind=kind)
    assert review.circumstance == ("ongoing_proceedings" if during == "yes" else "closed_case")
    page = signed_in(world["ce"]).get(f"/reviews/{review.id}/learning/edit")
    assert page.html.select_one(f'input[name="during_proceedings"][value="{during}"]').has_attr("checked")
    assert page.html.select_one(f'input[name="outcome"][value="{outcome}"]').has_attr("checked")


def test_recording_the_learning_is_saved_and_audited_by_field_name(world, signed_in):
    review = agreed_review(world)
    client = signed_in(world["pdt"])
    client.post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    learning = learning_of(review)
    assert learning.outcome == "death" and learning.during_proceedings is True
    assert learning.perpetrator_relation == "family_member"
    assert learning.perpetrator_was_assessed_main_risk == "no"
    assert [t.name for t in learning.tags] == ["Domestic abuse", "Neglect", "Planning"]
    assert learning.updated_by_id == world["pdt"].id
    [created] = events(review, "learning.updated")
    assert created.changed_fields == sorted(
        [
            "during_proceedings",
            "outcome",
            "perpetrator_relation",
            "perpetrator_was_assessed_main_risk",
            "tags",
        ]
    )

    # A change lists only what changed, by name: never the values.
    client.post(
        f"/reviews/{review.id}/learning/edit",
        answers(perpetrator_was_assessed_main_risk="unknown", practice_themes=[]),
        status=302,
    )
    [_, changed] = events(review, "learning.updated")
    assert changed.changed_fields == ["perpetrator_was_assessed_main_risk", "tags"]
    assert [t.name for t in learning_of(review).tags] == ["Domestic abuse", "Neglect"]

    # Saving the same answers changes nothing and writes nothing.
    page = client.post(
        f"/reviews/{review.id}/learning/edit",
        answers(perpetrator_was_assessed_main_risk="unknown", practice_themes=[]),
        follow=True,
    )
    assert "You did not change anything" in page.text()
    assert len(events(review, "learning.updated")) == 2
    overview = client.get(f"/reviews/{review.id}/learning").text()
    assert "Domestic abuse, Neglect" in overview and "Not known" in overview


def test_missing_answers_and_unoffered_tags_save_nothing(world, signed_in):
    review = agreed_review(world)
    client = signed_in(world["dce"])
    page = client.post(f"/reviews/{review.id}/learning/edit", {"risk_factors": [str(tag("Neglect").id)]})
    assert page.error_summary() == [
        "Select death or serious harm",
        "Select yes if the incident happened during proceedings",
        "Select who the suspected perpetrator is, or 'Not known'",
        "Select yes, no or 'Not known'",
    ]
    tag("Co-sleeping").active = False
    db.session.commit()
    for bad in ([str(tag("Co-sleeping").id)], ["999999"], ["neglect"], [str(tag("Planning").id)]):
        page = client.post(f"/reviews/{review.id}/learning/edit", answers(risk_factors=bad))
        assert page.error_summary() == ["Select risk factors from the list"], bad
    assert learning_of(review) is None
    assert events(review, "learning.updated") == []


def test_a_deactivated_tag_stays_on_the_review(world, signed_in):
    review = agreed_review(world)
    client = signed_in(world["pdt"])
    client.post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    tag("Neglect").active = False
    db.session.commit()
    page = client.get(f"/reviews/{review.id}/learning/edit")
    assert "keeps tags that are no longer offered: Neglect" in page.text()
    client.post(
        f"/reviews/{review.id}/learning/edit",
        answers(risk_factors=[str(tag("Domestic abuse").id)]),
        status=302,
    )
    assert "Neglect" in [t.name for t in learning_of(review).tags]


def test_learning_waits_for_the_agreed_report(world, signed_in):
    review = agreed_review(world)
    review.state = ReviewState.IN_REVIEW  # as if the report were not agreed yet
    db.session.commit()
    client = signed_in(world["pdt"])
    page = client.get(f"/reviews/{review.id}/learning/edit", status=302)
    assert page.status == 302
    client.post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    assert learning_of(review) is None
    with pytest.raises(services.LearningRefused, match="Review in progress"):
        services.save_learning(review, {}, [], actor=world["pdt"])


@pytest.mark.parametrize(
    "state", [ReviewState.ACTION_PLANNING, ReviewState.MONITORING, ReviewState.CLOSED], ids=str
)
def test_learning_can_be_corrected_after_agreement(world, signed_in, state):
    review = agreed_review(world)
    review.state = state
    db.session.commit()
    signed_in(world["ce"]).post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    assert learning_of(review) is not None


@pytest.mark.parametrize(
    "role", [Role.PRACTICE_DEVELOPMENT_TEAM, Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE]
)
def test_who_may_record_the_learning(world, signed_in, role):
    review = agreed_review(world)
    signed_in(make_user(roles=role)).get(f"/reviews/{review.id}/learning/edit")


@pytest.mark.parametrize(
    "key", ["slt", "practitioner", "pm", "ahoo", "reviewer", "admin"], ids=lambda key: key
)
def test_who_may_not_record_the_learning(world, signed_in, key):
    review = agreed_review(world)
    client = signed_in(world[key])
    client.get(f"/reviews/{review.id}/learning/edit", status=403)
    client.post(f"/reviews/{review.id}/learning/edit", answers(), status=403)
    assert learning_of(review) is None


def test_the_learning_panel_shows_what_is_recorded(world, signed_in):
    """Once the learning, the SLT discussion, the action plan and its progress reviews are recorded,
    the review page's panel says so: the record's tags, the latest SLT meeting, the live actions
    (a withdrawn one is not counted) with those done, and the progress reviews."""
    review = agreed_review(world)
    signed_in(world["pdt"]).post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    today = london_today()
    for met_on in (today - timedelta(days=9), today - timedelta(days=2)):
        db.session.add(
            SltMeeting(review_id=review.id, met_on=met_on, notes="Met.", recorded_by_id=world["ce"].id)
        )
    for status, withdrawn in (
        (ActionStatus.DONE, False),
        (ActionStatus.IN_PROGRESS, False),
        (ActionStatus.DONE, True),
    ):
        db.session.add(
            ActionPlanItem(
                review_id=review.id,
                action="An action.",
                owner_id=world["pm"].id,
                due_on=today + timedelta(days=30),
                status=status,
                withdrawn_at=utcnow() if withdrawn else None,
                withdrawn_by_id=world["ce"].id if withdrawn else None,
                withdrawn_reason="No longer needed." if withdrawn else None,
            )
        )
    db.session.add(
        ProgressReview(
            review_id=review.id, reviewed_on=today, notes="On track.", reviewed_by_id=world["ce"].id
        )
    )
    db.session.commit()

    page = signed_in(world["practitioner"]).get(f"/reviews/{review.id}")
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.html.find(id="learning").find_next("dl").select(".govuk-summary-list__row")
    }
    assert rows == {
        "Learning": "Recorded, 3 risk factors and themes",
        "Senior Leadership Team": f"Discussed on {format_date(today - timedelta(days=2))}",
        "Action plan": "1 of 2 actions done",
        "Progress reviews": "1",
    }


def test_the_review_page_shows_the_learning_panel(world, signed_in):
    review = agreed_review(world)
    page = signed_in(world["practitioner"]).get(f"/reviews/{review.id}")
    panel = page.html.find(id="learning")
    assert panel is not None and "Learning and action plan" in panel.get_text()
    assert "Not recorded yet" in page.text() and "Not discussed yet" in page.text()
    assert page.html.find("a", href=f"/reviews/{review.id}/learning") is not None
    # Anyone who sees the review sees its learning; only the three roles change it.
    overview = signed_in(world["practitioner"]).get(f"/reviews/{review.id}/learning")
    assert overview.html.find("a", href=f"/reviews/{review.id}/learning/edit") is None
