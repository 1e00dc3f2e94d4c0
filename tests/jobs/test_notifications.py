"""What people are told: the AHoO at once on an incident, the digest, and never any case data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from jobs import digest, relay, sweep
from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from webapp.extensions import db
from webapp.models import Case, Child, Incident, Notification, Role, User


def test_recording_an_incident_tells_the_area_head_by_email_and_in_the_app(app, signed_in, smtp_server):
    area = make_area(name="North")
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, email="head@example.org")
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=make_area(), email="elsewhere@example.org")
    case = make_case(area=area)
    occurred = london_today() - timedelta(days=1)
    day = [str(occurred.day), str(occurred.month), str(occurred.year)]
    signed_in(case.practitioner).post(
        f"/cases/{case.id}/incidents/new",
        {
            "kind": "death",
            "occurred_on": day,
            "cause": "abuse",
            "person_affected": "child_subject",
            "linked_to_court_involvement": "yes",
            "susr_known": "no",
            "scr_known": "no",
            "summary": "Private words",
            "notified_by": "Police",
            "notified_on": day,
        },
        status=302,
    )
    # One relay cycle, one email per person: the Area Head's for the incident, the consultation and
    # informing the practitioner; the Practice Manager's for the support duties that start at once.
    assert relay.run()["sent"] == 2
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    assert set(by_recipient) == {"head@example.org", case.practice_manager.email}
    message = by_recipient["head@example.org"]
    assert message["Subject"] == "You have 3 items waiting in the case review manager"
    text = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    assert "1 new incident in your area" in text and "2 new tasks" in text
    assert "/sign-in?next=/home" in text
    client = signed_in(head)
    inbox = client.get("/notifications")
    assert case.case_number in inbox.text()  # the detail is in the app, not the email
    link = inbox.html.select_one("tbody a")["href"]
    assert client.client.get(link).headers["Location"].startswith("/tasks/")
    signed_in(roles=Role.PRACTITIONER).get(link, status=404)  # someone else's notification


def test_digest_goes_to_area_heads_on_weekday_mornings_once(app):
    area = make_area()
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    quiet_head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=make_area())
    case = make_case(area=area)
    from tests.factories import make_incident
    from webapp.reviews.services import open_review

    open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.query(Notification).delete()
    db.session.commit()
    monday = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    assert digest.run(monday) == {"digests": 1}
    assert digest.run(monday) == {"digests": 0}
    [note] = db.session.execute(select(Notification)).scalars()
    assert note.user_id == head.id and note.kind == "daily_digest" and "1 open review" in note.detail
    assert quiet_head.id != note.user_id


def test_demo_emails_carry_no_demo_names_or_case_numbers(app, smtp_server):
    from webapp import demo

    assert demo.seed()
    far_future = datetime.now(UTC) + timedelta(days=60)
    assert sweep.run(far_future)["steps_taken"] > 0
    sent = 0
    while (counts := relay.run(far_future))["claimed"]:
        sent += counts["sent"]
    assert sent == len(smtp_server.messages) > 3  # one per person per cycle
    secrets = set()
    secrets |= {u.name for u in db.session.execute(select(User)).scalars()}
    secrets |= {c.case_number for c in db.session.execute(select(Case)).scalars()}
    secrets |= {c.name for c in db.session.execute(select(Child)).scalars()}
    secrets |= {i.summary for i in db.session.execute(select(Incident)).scalars()}
    for text in smtp_server.texts():
        for secret in secrets:
            assert secret not in text, secret
        for first_name in {name.split()[0] for name in secrets if " " in name}:
            assert first_name not in text, first_name
