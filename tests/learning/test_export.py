"""The anonymised export of closed reviews: its fields, coded values, and the absence of any stored
name or case number (or other free text) in either format."""

from __future__ import annotations

import csv
import io
import json
import random

from sqlalchemy import select

from tests.factories import make_user
from webapp.demo_learning import seed_closed_reviews
from webapp.extensions import db
from webapp.learning import export
from webapp.models import AuditEvent, Case, Child, Incident, LearningPoint, Review, ReviewState, Role, User


def download(client, url: str, status: int = 200):
    response = client.client.get(url)
    assert response.status_code == status, url
    return response


def stored_names_and_numbers() -> set[str]:
    """Everything identifying stored: children's and staff names, case numbers, and free text."""
    found = set()
    found |= set(db.session.execute(select(Child.name)).scalars())
    found |= set(db.session.execute(select(User.name)).scalars())
    found |= set(db.session.execute(select(User.email)).scalars())
    found |= set(db.session.execute(select(Case.case_number)).scalars())
    found |= set(db.session.execute(select(Incident.summary)).scalars())
    found |= set(db.session.execute(select(LearningPoint.text)).scalars())
    return {value for value in found if value}


def test_the_export_holds_coded_fields_and_no_name_or_case_number(world, signed_in):
    seed_closed_reviews(12, rng=random.Random(7))
    db.session.commit()
    client = signed_in(world["pdt"])
    as_csv = download(client, "/learning/export/closed-reviews.csv")
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0] == list(export.FIELDS) and len(rows) == 1 + 12
    as_json = json.loads(download(client, "/learning/export/closed-reviews.json").get_data(as_text=True))
    assert as_json["fields"] == list(export.FIELDS) and len(as_json["reviews"]) == 12

    closed = (
        db.session.execute(
            select(Review).where(Review.state == ReviewState.CLOSED).order_by(Review.closed_at, Review.id)
        )
        .scalars()
        .all()
    )
    first, review = as_json["reviews"][0], closed[0]
    incident = review.incident
    assert first["review_ref"] == export.reference(review.id) and first["review_ref"].startswith("R")
    assert (first["incident_year"], first["incident_quarter"]) == (
        incident.occurred_on.year,
        (incident.occurred_on.month - 1) // 3 + 1,
    )
    assert first["incident_kind"] == incident.kind.value and first["law_type"] == review.case.law_type.value
    assert first["actions"] >= 1 and first["actions_done"] == first["actions"]  # demo plans are done
    assert first["learning_points"] >= 1 and isinstance(first["risk_factors"], list)
    assert rows[1][0] == first["review_ref"] and rows[1][10] in ("yes", "no")
    # No exact date anywhere: only years and quarters.
    body = as_csv.get_data(as_text=True) + json.dumps(as_json)
    assert not any(str(d.occurred_on) in body for d in db.session.execute(select(Incident)).scalars())
    # No stored name, case number or written text in either file.
    leaked = [value for value in stored_names_and_numbers() if value in body]
    assert leaked == []
    assert [e.actor_id for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "learning.exported")
    ).scalars()] == [world["pdt"].id] * 2  # fmt: skip


def test_the_check_finds_a_name_if_one_leaked(world, signed_in):
    """The absence check is real: a tag named after a child would be caught."""
    seed_closed_reviews(2, rng=random.Random(3))
    child = db.session.execute(select(Child).limit(1)).scalar_one()
    child.name = "Neglect"  # the same text as a risk factor name, which the export carries
    db.session.commit()
    body = download(signed_in(world["ce"]), "/learning/export/closed-reviews.csv").get_data(as_text=True)
    assert "Neglect" in stored_names_and_numbers() and "Neglect" in body


def test_only_people_who_manage_learning_export(world, signed_in):
    for role, status in (
        (Role.SENIOR_LEADERSHIP_TEAM, 403),
        (Role.PRACTITIONER, 403),
        (Role.DEPUTY_CHIEF_EXECUTIVE, 200),
    ):
        client = signed_in(make_user(roles=role, area=world["north"]))
        download(client, "/learning/export/closed-reviews.json", status=status)
