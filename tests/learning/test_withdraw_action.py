"""An action can be withdrawn, with its reason: kept in the plan's history, no longer chased, and no
longer holding up closure. The withdrawal asks first, on its own page."""

from __future__ import annotations

from sqlalchemy import select

from tests.learning.test_action_plan import monitored_review
from webapp.extensions import db
from webapp.learning import plan, services
from webapp.models import ActionPlanItem, AuditEvent, ReviewState, Task, TaskStatus


def url(review, item, rest: str = "") -> str:
    return f"/reviews/{review.id}/action-plan/{item.id}{rest}"


def test_withdrawing_an_action_keeps_it_with_its_reason(world, signed_in):
    review, (item, other) = monitored_review(world, "practitioner", "pm")
    pdt = signed_in(world["pdt"])
    link = pdt.get(url(review, item)).html.find("a", href=url(review, item, "/withdraw"))
    assert link is not None and link.get_text(" ", strip=True).startswith("Withdraw this action")
    page = pdt.get(url(review, item, "/withdraw"))
    assert page.h1 == "Withdraw this action"
    assert "Run a learning session" in page.text()
    page = pdt.post(url(review, item, "/withdraw"), {"reason": "  "})
    assert page.error_summary() == ["Enter why the action is being withdrawn"]
    db.session.expire_all()
    assert db.session.get(ActionPlanItem, item.id).withdrawn_at is None
    pdt.post(url(review, item, "/withdraw"), {"reason": "Covered by the national training."}, status=302)
    db.session.expire_all()
    item = db.session.get(ActionPlanItem, item.id)
    assert item.withdrawn_reason == "Covered by the national training."
    assert item.withdrawn_by_id == world["pdt"].id
    assert db.session.get(Task, item.task_id).status == TaskStatus.CANCELLED
    event = db.session.execute(select(AuditEvent).filter_by(event_type="action.withdrawn")).scalar_one()
    assert event.record_id == item.id
    text = signed_in(world["ce"]).get(url(review, item)).text()
    assert "Withdrawn on" in text and "Covered by the national training." in text
    assert "Withdrawn" in signed_in(world["ce"]).get(f"/reviews/{review.id}/learning").text()
    # Withdrawn for good: it cannot be changed, updated or withdrawn again.
    for attempt in (
        lambda: plan.update_progress(review, item, status=item.status, note="More.", actor=world["pdt"]),
        lambda: plan.withdraw_action(review, item, reason="Again.", actor=world["pdt"]),
    ):
        try:
            attempt()
        except services.LearningRefused as refused:
            assert "withdrawn" in str(refused)
        else:
            raise AssertionError("a withdrawn action was changed")
    # Only the other action now holds up closure.
    assert [open_item.id for open_item in plan.open_items(review)] == [other.id]


def test_only_those_who_manage_the_plan_may_withdraw(world, signed_in):
    review, (item,) = monitored_review(world, "practitioner")
    owner = signed_in(world["practitioner"])
    owner.get(url(review, item, "/withdraw"), status=403)
    owner.post(url(review, item, "/withdraw"), {"reason": "Not mine."}, status=403)
    assert "Withdraw this action" not in owner.get(url(review, item)).text()


def test_a_plan_whose_open_actions_are_all_withdrawn_can_close(world, signed_in):
    review, (item,) = monitored_review(world, "practitioner")
    plan.withdraw_action(review, item, reason="No longer needed.", actor=world["pdt"])
    plan.close_review(review, actor=world["pdt"])
    db.session.expire_all()
    assert review.state == ReviewState.CLOSED
