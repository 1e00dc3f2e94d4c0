"""The demo's report in progress passes the report gate, and its reviewer can share it."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in
from webapp import demo
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import ReportDraft, Review, ReviewState, User


def test_the_demo_report_is_ready_to_share(app):
    assert demo.seed()
    [draft] = db.session.execute(select(ReportDraft)).scalars().all()
    review = db.session.get(Review, draft.review_id)
    assert review.state == ReviewState.IN_REVIEW
    assert report.missing(review, draft) == []
    reviewer = db.session.execute(
        select(User).where(User.email == demo.demo_email("hoo.southwest"))
    ).scalar_one()
    assert review.reviewer_id == reviewer.id and review.case.area.name != "South West Wales"
    client = app.test_client()
    assert sign_in(client, reviewer.email, demo.DEMO_PASSWORD).status_code == 302
    assert client.post(f"/reviews/{review.id}/report/share", data={"version": "1"}).status_code == 302
    db.session.expire_all()
    assert review.state == ReviewState.ACCURACY_CHECK
