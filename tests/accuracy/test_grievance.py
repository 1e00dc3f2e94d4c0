"""Stage 3, the Welsh Government grievance: a tracked stage with a task, a deadline from the policy and
an outcome; while it is open the review shows it, and the review closes only once the CE or DCE has
confirmed, with a reason, that it may."""

from __future__ import annotations

import pytest

import rules
from tests.accuracy.helpers import every_action_done, shared_review
from tests.accuracy.test_accuracy import agree, concern, tasks_of
from tests.factories import make_user
from webapp.accuracy import disputes
from webapp.extensions import db
from webapp.learning import plan
from webapp.learning import services as learning
from webapp.models import Dispute, DisputeStage, ReviewState, Role, TaskKind, TaskStatus, utcnow


@pytest.fixture
def grieved(app, signed_in):
    """A report agreed after the DCE decided a concern not upheld; the PM then opens a grievance."""
    shared = shared_review()
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    dispute = db.session.query(Dispute).one()
    base = f"/reviews/{shared.review.id}/disputes/{dispute.id}"
    signed_in(shared.reviewer).post(f"{base}/author", {"response": "It stands."}, status=302)
    signed_in(shared.manager).post(f"{base}/answer", {"resolved": "no"}, status=302)
    signed_in(shared.dce).post(
        f"{base}/decide", {"outcome": "not_upheld", "decision": "The report is accurate."}, status=302
    )
    signed_in(shared.manager).post(f"{base}/grievance", {"note": "Raised with Welsh Government."}, status=302)
    db.session.refresh(dispute)
    shared.dispute = dispute
    shared.base = base
    return shared


def test_the_grievance_is_a_stage_with_a_task_and_its_own_deadline(grieved, signed_in, app):
    review, dispute = grieved.review, grieved.dispute
    assert dispute.stage == DisputeStage.GRIEVANCE and dispute.grievance_recorded_at is not None
    assert review.state == ReviewState.AGREED  # the report stays agreed
    [task] = tasks_of(review, TaskKind.FOLLOW_GRIEVANCE)
    policy = app.extensions["case_review_policy"]
    assert task.due_on == rules.due_date(utcnow(), policy.timescale("grievance_stage"))
    assert task.due_on != rules.due_date(utcnow(), policy.timescale("dispute_dce_stage"))
    assert (task.assignee_pool, task.dispute_id) == ("deputy_chief_executives", dispute.id)
    assert task.kind.label == "Record the outcome of the Welsh Government grievance"
    dce = signed_in(grieved.dce)
    assert dce.client.get(f"/tasks/{task.id}").location.endswith(f"{grieved.base}/grievance/outcome")
    # While it is open the review shows it, with its deadline, to everyone who can see the review.
    text = signed_in(grieved.practitioner).get(f"/reviews/{review.id}").text()
    assert "A Welsh Government grievance about the report is open" in text
    assert f"outcome due {task.due_on.day} {task.due_on:%B %Y}" in text
    # Its outcome: only the DCE, never empty; then the stage is closed and the task done.
    signed_in(grieved.manager).post(f"{grieved.base}/grievance/outcome", {"outcome": "x"}, status=403)
    page = dce.post(f"{grieved.base}/grievance/outcome", {"outcome": ""})
    assert page.error_summary() == ["Enter the outcome of the grievance"]
    dce.post(f"{grieved.base}/grievance/outcome", {"outcome": "Not upheld by the panel."}, status=302)
    db.session.refresh(dispute)
    db.session.refresh(task)
    assert (
        dispute.stage == DisputeStage.GRIEVANCE_CLOSED
        and dispute.grievance_outcome == "Not upheld by the panel."
    )
    assert task.status == TaskStatus.DONE
    assert (
        "A Welsh Government grievance about the report is open" not in dce.get(f"/reviews/{review.id}").text()
    )
    page = dce.post(f"{grieved.base}/grievance/outcome", {"outcome": "Again"}, follow=True)
    assert "There is no open grievance" in page.text()


def monitored_with_every_action_done(grieved):
    """Monitoring, every action done and the agreed report's learning point answered by the action:
    only the grievance can hold the closure."""
    review = grieved.review
    pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM)
    every_action_done(review, ce=grieved.ce, practitioner=grieved.practitioner, pdt=pdt)
    return pdt


def test_closing_while_a_grievance_is_open_needs_a_ce_or_dce_confirmation_with_a_reason(grieved, signed_in):
    review, dispute = grieved.review, grieved.dispute
    pdt = monitored_with_every_action_done(grieved)
    with pytest.raises(learning.LearningRefused, match="must first confirm, with a reason"):
        plan.close_review(review, actor=pdt)
    page = signed_in(pdt).post(f"/reviews/{review.id}/close", {})
    assert "must first confirm, with a reason" in " ".join(page.error_summary())
    db.session.refresh(review)
    assert review.state == ReviewState.MONITORING
    # Only the CE or DCE confirms, and says why.
    path = f"{grieved.base}/confirm-closure"
    signed_in(pdt).post(path, {"reason": "x"}, status=403)
    signed_in(grieved.manager).post(path, {"reason": "x"}, status=403)
    with pytest.raises(disputes.NotYours):
        disputes.confirm_closure(dispute, actor=pdt, reason="x")
    ce = signed_in(grieved.ce)
    assert ce.get(f"/reviews/{review.id}").html.find("a", href=path)
    assert ce.post(path, {"reason": ""}).error_summary() == [
        "Enter why the review may close while the grievance is open"
    ]
    ce.post(path, {"reason": "The action plan is complete; the grievance concerns wording only."}, status=302)
    db.session.refresh(dispute)
    assert dispute.closure_confirmed_by_id == grieved.ce.id and dispute.closure_reason.startswith(
        "The action"
    )
    page = ce.post(path, {"reason": "Again"}, follow=True)
    assert "already confirmed" in page.text()
    plan.close_review(review, actor=pdt)
    assert review.state == ReviewState.CLOSED
    assert dispute.stage == DisputeStage.GRIEVANCE  # the grievance runs on after the review closes


def test_closing_without_learning_is_held_by_an_open_grievance_too(grieved, signed_in):
    review = grieved.review
    # A report listing nothing, so only the grievance holds the closure.
    agreed = db.session.get(type(grieved.draft), grieved.draft.id)
    agreed.sections = {"procedural_issues": [], "practice_issues": [], "learning_points": []}
    db.session.commit()
    with pytest.raises(learning.LearningRefused, match="Welsh Government grievance is open"):
        learning.close_without_learning(review, rationale="Nothing found.", actor=grieved.dce)
    disputes.confirm_closure(grieved.dispute, actor=grieved.dce, reason="It concerns one date only.")
    learning.close_without_learning(review, rationale="Nothing found.", actor=grieved.dce)
    assert review.state == ReviewState.CLOSED
