"""Every audit event the accuracy, dispute, disclosure and learning flows write names the review's case.

The case and the review are given different ids on purpose (a spare case is made first): an event
written with the review's id, or a dispute's, in place of the case's then points at the wrong case."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.accuracy.helpers import every_action_done, shared_review
from tests.accuracy.test_accuracy import agree, concern
from tests.accuracy.test_disclosure import form as disclosure_form
from tests.factories import make_case, make_user
from webapp.extensions import db
from webapp.learning import plan
from webapp.models import AuditEvent, Dispute, ReviewState, Role


def test_every_accuracy_and_learning_event_names_the_review_s_case(app, signed_in):
    make_case()  # the shared review's case then has a different id from the review
    shared = shared_review(susr=True)
    review = shared.review
    assert review.case_id != review.id
    first_event = db.session.scalar(select(func.max(AuditEvent.id)))
    pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Pat Development")
    base = f"/reviews/{review.id}"

    # Accuracy: two agree, the PM raises a concern, reads the page.
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    manager = signed_in(shared.manager)
    manager.get(f"{base}/accuracy/practice_manager")
    dispute = db.session.execute(select(Dispute)).scalar_one()
    # Stage 1, the author; not resolved, so stage 2, the DCE; then stage 3, the grievance.
    signed_in(shared.reviewer).post(
        f"{base}/disputes/{dispute.id}/author", {"response": "The chronology is right."}, status=302
    )
    manager.post(f"{base}/disputes/{dispute.id}/answer", {"resolved": "no"}, status=302)
    ce, dce = signed_in(shared.ce), signed_in(shared.dce)
    decision = {"outcome": "not_upheld", "decision": "The report stands."}
    dce.post(f"{base}/disputes/{dispute.id}/decide", decision, status=302)
    manager.post(f"{base}/disputes/{dispute.id}/grievance", {"note": "Taken further."}, status=302)
    db.session.expire_all()
    assert review.state == ReviewState.AGREED
    # Disclosure to the SUSR, and the report read and exported.
    ce.post(f"{base}/disclosures/new", disclosure_form(draft_id=str(shared.draft.id)), status=302)
    ce.get(f"{base}/report")
    assert ce.client.get(f"{base}/report/versions/1/report.docx").status_code == 200

    # Learning: the record, the SLT meeting, the action plan, its progress and closure.
    every_action_done(review, ce=shared.ce, practitioner=shared.practitioner, pdt=pdt)
    signed_in(pdt).get(f"{base}/learning")
    # The grievance is open: the CE confirms, with a reason, that the review may close meanwhile.
    ce.post(f"{base}/disputes/{dispute.id}/confirm-closure", {"reason": "The plan is done."}, status=302)
    plan.close_review(review, actor=pdt)
    dce.post(f"{base}/disputes/{dispute.id}/grievance/outcome", {"outcome": "Not upheld."}, status=302)

    events = db.session.execute(
        select(AuditEvent.event_type, AuditEvent.case_id).where(
            AuditEvent.id > first_event,
            AuditEvent.event_type.not_like("user.%"),  # signing in
        )
    ).all()
    written = {event_type for event_type, _case in events}
    assert {
        "accuracy.responded",
        "dispute.author_responded",
        "dispute.escalated",
        "dispute.decided",
        "dispute.grievance_recorded",
        "dispute.closure_confirmed",
        "dispute.grievance_closed",
        "disclosure.recorded",
        "report.viewed",
        "report.exported",
        "slt.recorded",
        "learning_points.recorded",
        "learning_point.updated",
        "review.closed",
    } <= written
    wrong = [(event_type, case) for event_type, case in events if case != review.case_id]
    assert wrong == []
